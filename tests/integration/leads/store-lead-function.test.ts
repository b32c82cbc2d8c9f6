import { randomUUID } from 'node:crypto';
import { Client, Pool } from 'pg';
import { createLeadRepository, type NewLead } from '../../../src/leads';
import { outboxRows, OUTBOX_CHANNEL } from '../../../src/outbox';
import { createDatabase, withTransaction, type Database } from '../../../src/platform/database';
import { WEBHOOK_CHANNEL } from '../../../src/webhooks';
import { createTestApp, OPEN_MONDAY, type TestApp } from '../../support/test-app';

/**
 * `frontdesk_store_lead` (migrations 20261202180000_store_lead and
 * 20261203110000_webhooks) is SQL that
 * schema.prisma cannot describe, so the schema test does not see it: these
 * tests store leads through it (via the leads module, as the app does) and
 * check the rows, the NOTIFY, and how it serialises leads from one address.
 */
let t: TestApp;
let program: string;
let serial = 0;

beforeAll(async () => {
  t = await createTestApp({ now: OPEN_MONDAY });
  program = (await t.db.program.findFirstOrThrow({ where: { active: true }, orderBy: { code: 'asc' } })).code;
});
afterAll(() => t.close());

function newLead(overrides: { email?: string; spam?: boolean; at?: Date } = {}): NewLead {
  const n = serial++;
  return {
    contact: { firstName: 'Ada', lastName: 'Lovelace', email: overrides.email ?? `store-fn.${n}@example.org`, phone: '+12125550100', program, message: `n${n}` },
    attribution: { articleSlug: 'some-article', utmSource: 'news' },
    consent: { text: 'I agree.', version: 'v1', sha256: 'a'.repeat(64), pageUrl: 'https://example.org/inquiries', ip: '203.0.113.9', userAgent: 'test agent' },
    spam: overrides.spam ?? false,
    at: overrides.at ?? new Date(OPEN_MONDAY),
  };
}

/** Connections whose lock waits give up after a second: a lead that should not wait for a lock fails instead of hanging. */
function impatientPool(): Pool {
  return new Pool({ connectionString: t.connectionString, max: 1, lock_timeout: 1_000 });
}

/** Holds the advisory lock a non-spam lead from `email` takes, until `release` is called. */
async function holdAddressLock(email: string): Promise<{ release(): Promise<void> }> {
  const holder = new Client({ connectionString: t.connectionString });
  await holder.connect();
  await holder.query('BEGIN');
  await holder.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`lead-email:${email}`]);
  return {
    async release() {
      await holder.query('COMMIT');
      await holder.end();
    },
  };
}

describe('storing a lead through frontdesk_store_lead', () => {
  test('when a lead is stored on its own, then its row, consent record and notifications commit together and dispatchers are woken', async () => {
    const listener = new Client({ connectionString: t.connectionString });
    await listener.connect();
    const woken = new Promise<string>((resolve) => listener.on('notification', (message) => resolve(message.channel)));
    await listener.query(`LISTEN ${OUTBOX_CHANNEL}`);
    try {
      const due = new Date('2026-11-30T15:00:00.000Z');
      const leads = createLeadRepository(t.db);
      const stored = await leads.store(newLead(), {
        notifications: outboxRows([
          { kind: 'admissions', dueAt: due, digest: false },
          { kind: 'autoreply', dueAt: due, digest: false },
        ]),
      });

      expect(stored).toMatchObject({ status: 'new', duplicateOfId: null });
      const lead = await t.db.lead.findUniqueOrThrow({ where: { id: stored.id }, include: { consent: true, notifications: true } });
      expect(lead).toMatchObject({ status: 'new', programCode: program, phone: '+12125550100', articleSlug: 'some-article', utmSource: 'news', utmMedium: null, duplicateOfId: null });
      expect(lead.createdAt.toISOString()).toBe(OPEN_MONDAY);
      expect(lead.consent).toMatchObject({ text: 'I agree.', version: 'v1', pageUrl: 'https://example.org/inquiries', ip: '203.0.113.9', userAgent: 'test agent' });
      expect(lead.consent?.consentedAt.toISOString()).toBe(OPEN_MONDAY);
      expect(lead.notifications.map((row) => [row.kind, row.status, row.digest, row.scheduledAt.toISOString(), row.nextAttemptAt.toISOString()]).sort()).toEqual([
        ['admissions', 'pending', false, due.toISOString(), due.toISOString()],
        ['autoreply', 'pending', false, due.toISOString(), due.toISOString()],
      ]);
      await expect(woken).resolves.toBe(OUTBOX_CHANNEL);
    } finally {
      await listener.end();
    }
  });

  test('when the caller\'s transaction rolls back, then nothing of the lead is left', async () => {
    const leads = createLeadRepository(t.db);
    const lead = newLead();
    await expect(
      withTransaction(t.db.pool, async (tx) => {
        await leads.store(lead, { notifications: outboxRows([{ kind: 'admissions', dueAt: lead.at, digest: false }]), tx });
        throw new Error('the caller changed its mind');
      }),
    ).rejects.toThrow('the caller changed its mind');
    expect(await t.db.lead.count({ where: { email: lead.contact.email } })).toBe(0);
  });

  test('when many leads from one address arrive at once, then exactly one is the original and every other is linked to it', async () => {
    // A pool of its own, wide enough that the leads really do race each other.
    const db: Database = createDatabase(t.connectionString, { poolSize: 12 });
    try {
      const leads = createLeadRepository(db);
      const email = 'same.person@example.org';
      // One instant for all, as under the app's clock: a lead only links to one that arrived no later than itself.
      const stored = await Promise.all(
        Array.from({ length: 40 }, () =>
          leads.store(newLead({ email }), {
            notifications: outboxRows([{ kind: 'admissions', dueAt: new Date(OPEN_MONDAY), digest: false }]),
          }),
        ),
      );
      const rows = await t.db.lead.findMany({ where: { email }, select: { id: true, duplicateOfId: true } });
      expect(rows).toHaveLength(40);
      const originals = rows.filter((row) => row.duplicateOfId === null);
      expect(originals).toHaveLength(1);
      expect(rows.filter((row) => row.duplicateOfId !== null).every((row) => row.duplicateOfId === originals[0]!.id)).toBe(true);
      // What each call returned agrees with what was stored.
      expect(stored.filter((lead) => lead.duplicateOfId === null).map((lead) => lead.id)).toEqual([originals[0]!.id]);
    } finally {
      await db.$disconnect();
    }
  });

  test('when a lead\'s address is locked by another inquiry, then a non-spam lead waits for it', async () => {
    const email = 'locked.person@example.org';
    const lock = await holdAddressLock(email);
    const pool = impatientPool();
    try {
      const leads = createLeadRepository(t.db);
      await expect(withTransaction(pool, (tx) => leads.store(newLead({ email }), { notifications: outboxRows([]), tx }))).rejects.toMatchObject({ code: '55P03' });
    } finally {
      await pool.end();
      await lock.release();
    }
    expect(await t.db.lead.count({ where: { email } })).toBe(0);
  });

  test('when spam arrives from an address that is locked, then it is stored without waiting, never linked, and queues nothing', async () => {
    const email = 'spammed.person@example.org';
    const leads = createLeadRepository(t.db);
    const original = await leads.store(newLead({ email }), { notifications: outboxRows([{ kind: 'admissions', dueAt: new Date(OPEN_MONDAY), digest: false }]) });
    const lock = await holdAddressLock(email);
    const pool = impatientPool();
    let spam;
    try {
      spam = await withTransaction(pool, (tx) => leads.store(newLead({ email, spam: true, at: new Date(Date.parse(OPEN_MONDAY) + 1) }), { notifications: outboxRows([]), tx }));
    } finally {
      await pool.end();
      await lock.release();
    }
    expect(spam).toMatchObject({ status: 'spam', duplicateOfId: null });
    const row = await t.db.lead.findUniqueOrThrow({ where: { id: spam.id }, include: { consent: true, notifications: true } });
    expect(row).toMatchObject({ status: 'spam', duplicateOfId: null });
    expect(row.consent).not.toBeNull();
    expect(row.notifications).toEqual([]);
    expect(original.duplicateOfId).toBeNull();
  });

  test('when a person writes after only spam came from their address, then their lead is not linked to the spam', async () => {
    const email = 'after.spam@example.org';
    const leads = createLeadRepository(t.db);
    await leads.store(newLead({ email, spam: true }), { notifications: outboxRows([]) });
    const person = await leads.store(newLead({ email, at: new Date(Date.parse(OPEN_MONDAY) + 1_000) }), { notifications: outboxRows([]) });
    expect(person.duplicateOfId).toBeNull();
  });

  test('when endpoints take lead.created, then the same statement queues one delivery per such endpoint for a lead that is not spam, and wakes the webhook dispatchers', async () => {
    const endpoint = (url: string, events: string[]) => t.db.webhookEndpoint.create({ data: { id: randomUUID(), url, events, secret: 'whsec_c2VjcmV0' } });
    const created = await endpoint('https://a.example.org/hooks', ['lead.created']);
    const both = await endpoint('https://b.example.org/hooks', ['lead.assigned', 'lead.created']);
    await endpoint('https://c.example.org/hooks', ['lead.status_changed']);
    const listener = new Client({ connectionString: t.connectionString });
    await listener.connect();
    const woken = new Promise<string>((resolve) => listener.on('notification', (message) => resolve(message.channel)));
    await listener.query(`LISTEN ${WEBHOOK_CHANNEL}`);
    try {
      const leads = createLeadRepository(t.db);
      const at = new Date(Date.parse(OPEN_MONDAY) + 5_000);
      const stored = await leads.store(newLead({ at }), { notifications: outboxRows([]) });
      const spam = await leads.store(newLead({ spam: true, at }), { notifications: outboxRows([]) });

      const deliveries = await t.db.webhookDelivery.findMany({ where: { leadId: { in: [stored.id, spam.id] } } });
      expect(deliveries.map((row) => [row.endpointId, row.leadId, row.eventType, row.status, row.attempts, row.eventAt.toISOString(), row.nextAttemptAt.toISOString()]).sort()).toEqual(
        [created.id, both.id].sort().map((endpointId) => [endpointId, stored.id, 'lead.created', 'pending', 0, at.toISOString(), at.toISOString()]),
      );
      await expect(woken).resolves.toBe(WEBHOOK_CHANNEL);
    } finally {
      await listener.end();
      await t.db.webhookEndpoint.deleteMany();
    }
  });
});
