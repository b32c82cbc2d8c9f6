import { Client, Pool } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { createAdvisorAssignment } from '../../../src/advisors';
import { createLeadAssignment, createLeadRepository, type DueLead, type NewLead } from '../../../src/leads';
import { OUTBOX_CHANNEL, outboxRows } from '../../../src/outbox';
import { withTransaction } from '../../../src/platform/database';
import { WEBHOOK_CHANNEL } from '../../../src/webhooks';
import { createTestApp, type TestApp } from '../../support/test-app';
import { addAdvisor, everyoneAway } from './routing-support';

/**
 * `frontdesk_route_leads` and `frontdesk_pick_advisors` (migration
 * 20261203140000_route_leads) are SQL that schema.prisma cannot describe:
 * these tests call them as the app does (through the leads and advisors
 * modules) and check the picks, the stamps, the rows each routing writes,
 * and what it leaves alone. The dispatcher's side (mail, escalation, two
 * dispatchers at once) is in assignment.test.ts and escalation.test.ts.
 */
const AT = new Date('2026-11-30T15:00:00.000Z');
const TARGET_MS = 15 * 60_000;

let t: TestApp;
let programs: [string, string];
let serial = 0;

beforeAll(async () => {
  t = await createTestApp({ now: AT.toISOString() });
  const codes = (await t.db.program.findMany({ where: { active: true }, orderBy: { code: 'asc' }, take: 2 })).map((program) => program.code);
  programs = [codes[0]!, codes[1]!];
});
afterAll(() => t.close());
beforeEach(async () => {
  await everyoneAway(t);
  await t.db.webhookEndpoint.deleteMany();
});

/** Stores a lead (no mail queued) arriving `secondsAfter` AT; the same `email` within 30 days makes it a repeat. */
async function storeLead(options: { program?: string; email?: string; secondsAfter?: number; spam?: boolean } = {}): Promise<string> {
  const n = serial++;
  const lead: NewLead = {
    contact: { firstName: 'Rosa', lastName: 'Diaz', email: options.email ?? `route-fn.${n}@example.org`, phone: '+12125550100', program: options.program ?? programs[0], message: `n${n}` },
    attribution: {},
    consent: { text: 'I agree.', version: 'v1', sha256: 'a'.repeat(64), pageUrl: 'https://example.org/inquiries', ip: '203.0.113.9', userAgent: 'test agent' },
    spam: options.spam ?? false,
    at: new Date(AT.getTime() - 3_600_000 + (options.secondsAfter ?? n) * 1000),
  };
  return (await createLeadRepository(t.db).store(lead, { notifications: outboxRows([]) })).id;
}

const due = (ids: string[], options: { escalation?: boolean } = {}): DueLead[] =>
  ids.map((id) => ({ id, dueAt: AT, respondBy: new Date(AT.getTime() + TARGET_MS), escalationId: options.escalation === false ? null : uuidv7() }));

const route = (ids: string[], options: { roundRobin?: boolean; escalation?: boolean; at?: Date } = {}) =>
  createLeadAssignment(t.db).route(due(ids, options), { at: options.at ?? AT, roundRobin: options.roundRobin ?? true, outboxChannel: OUTBOX_CHANNEL });

const leadRow = (id: string) => t.db.lead.findUniqueOrThrow({ where: { id } });
const stampOf = async (id: string) => (await t.db.staffUser.findUniqueOrThrow({ where: { id } })).lastAssignedAt?.getTime() ?? null;

/** A LISTEN connection that records the channels notified from now on. */
async function listen(channels: string[]): Promise<{ heard: string[]; end: () => Promise<void> }> {
  const client = new Client({ connectionString: t.connectionString });
  await client.connect();
  const heard: string[] = [];
  client.on('notification', (message) => heard.push(message.channel));
  for (const channel of channels) await client.query(`LISTEN ${channel}`);
  return {
    heard,
    // A round trip after the routing: notifications sent at its commit have arrived.
    end: async () => {
      await client.query('SELECT 1');
      await client.end();
    },
  };
}

describe('routing leads in one statement (frontdesk_route_leads)', () => {
  test('when a batch mixes programs, then each lead goes, oldest first, to the eligible advisor assigned least recently (never assigned first, then the oldest account), each stamp after the last', async () => {
    const [x, y] = programs;
    const ada = await addAdvisor(t, 'Ada Brooks', { createdAt: new Date('2025-01-01T00:00:00Z') });
    const ben = await addAdvisor(t, 'Ben Cho', { programs: [x], createdAt: new Date('2025-01-02T00:00:00Z') });
    const cleo = await addAdvisor(t, 'Cleo Dunn', { createdAt: new Date('2025-01-03T00:00:00Z') });
    // Stored out of order: routing goes by arrival, not by the order asked.
    const l4 = await storeLead({ program: y, secondsAfter: 4 });
    const l1 = await storeLead({ program: y, secondsAfter: 1 });
    const l3 = await storeLead({ program: x, secondsAfter: 3 });
    const l2 = await storeLead({ program: x, secondsAfter: 2 });

    const routed = await route([l4, l1, l3, l2]);

    // l1 (y): Ada and Cleo never assigned, Ada older. l2 (x): Ben and Cleo never assigned, Ben older.
    // l3 (x): Cleo never assigned. l4 (y): Ada before Cleo.
    expect(routed).toEqual([
      { leadId: l1, advisorId: ada.id },
      { leadId: l2, advisorId: ben.id },
      { leadId: l3, advisorId: cleo.id },
      { leadId: l4, advisorId: ada.id },
    ]);
    for (const { leadId, advisorId } of routed) {
      const lead = await leadRow(leadId);
      expect([lead.assignedToId, lead.assignedAt?.toISOString(), lead.dueAt?.toISOString(), lead.respondBy?.toISOString()]).toEqual([
        advisorId, AT.toISOString(), AT.toISOString(), '2026-11-30T15:15:00.000Z',
      ]);
    }
    // One clock reading for the batch, yet every pick is stamped after the one before: Ben (2nd), Cleo (3rd), Ada (4th).
    expect([await stampOf(ben.id), await stampOf(cleo.id), await stampOf(ada.id)]).toEqual([AT.getTime() + 1, AT.getTime() + 2, AT.getTime() + 3]);
  });

  test('when a repeat inquiry is routed, then it goes to the advisor of the lead it repeats while they are eligible, and to the round-robin once they are not', async () => {
    const ada = await addAdvisor(t, 'Ada Brooks');
    const ben = await addAdvisor(t, 'Ben Cho');
    const first = await storeLead({ email: 'repeat.person@example.org' });
    expect(await route([first])).toEqual([{ leadId: first, advisorId: ada.id }]);

    const again = await storeLead({ email: 'repeat.person@example.org' });
    expect((await leadRow(again)).duplicateOfId).toBe(first);
    expect(await route([again], { at: new Date(AT.getTime() + 60_000) })).toEqual([{ leadId: again, advisorId: ada.id }]); // Ben is next in turn, but Ada knows the person

    await t.db.staffUser.update({ where: { id: ada.id }, data: { available: false } });
    const third = await storeLead({ email: 'repeat.person@example.org' });
    expect(await route([third], { at: new Date(AT.getTime() + 120_000) })).toEqual([{ leadId: third, advisorId: ben.id }]);
  });

  test('when an advisor is assigned, then each gets its escalation at respondBy and a lead.assigned delivery per subscribed endpoint, and the webhook loop is woken', async () => {
    await addAdvisor(t, 'Ada Brooks');
    const assigned = await t.db.webhookEndpoint.create({ data: { id: uuidv7(), url: 'https://crm.college.test/assigned', events: ['lead.assigned'], secret: 'whsec_x' } });
    await t.db.webhookEndpoint.create({ data: { id: uuidv7(), url: 'https://crm.college.test/created', events: ['lead.created'], secret: 'whsec_y' } });
    const ids = [await storeLead(), await storeLead()];
    const listener = await listen([WEBHOOK_CHANNEL, OUTBOX_CHANNEL]);

    await route(ids);
    await listener.end();

    const escalations = await t.db.notification.findMany({ where: { leadId: { in: ids } } });
    expect(escalations.map((row) => [row.leadId, row.kind, row.status, row.digest, row.scheduledAt.toISOString(), row.nextAttemptAt.toISOString()]).sort()).toEqual(
      ids.map((id) => [id, 'escalation', 'pending', false, '2026-11-30T15:15:00.000Z', '2026-11-30T15:15:00.000Z']).sort(),
    );
    // (The other endpoint got its lead.created when the leads were stored.)
    const deliveries = await t.db.webhookDelivery.findMany({ where: { leadId: { in: ids }, eventType: 'lead.assigned' } });
    expect(deliveries.map((row) => [row.leadId, row.endpointId, row.eventType, row.eventAt.toISOString(), row.nextAttemptAt.toISOString(), row.status]).sort()).toEqual(
      ids.map((id) => [id, assigned.id, 'lead.assigned', AT.toISOString(), AT.toISOString(), 'pending']).sort(),
    );
    // The escalations are due later: only the webhook loop is woken.
    expect(listener.heard).toEqual([WEBHOOK_CHANNEL]);
  });

  test('when ESCALATION=off (no escalation id), then an assigned lead gets no escalation', async () => {
    await addAdvisor(t, 'Ada Brooks');
    const id = await storeLead();
    expect((await route([id], { escalation: false }))[0]?.advisorId).not.toBeNull();
    expect(await t.db.notification.count({ where: { leadId: id } })).toBe(0);
  });

  test('when nobody eligible is taking leads, then the lead gets its clock but no advisor, escalation or webhook', async () => {
    await addAdvisor(t, 'Ben Cho', { programs: [programs[1]] });
    await t.db.webhookEndpoint.create({ data: { id: uuidv7(), url: 'https://crm.college.test/assigned', events: ['lead.assigned'], secret: 'whsec_x' } });
    const id = await storeLead({ program: programs[0] });

    expect(await route([id])).toEqual([{ leadId: id, advisorId: null }]);

    const lead = await leadRow(id);
    expect([lead.assignedToId, lead.assignedAt, lead.dueAt?.toISOString(), lead.respondBy?.toISOString()]).toEqual([null, null, AT.toISOString(), '2026-11-30T15:15:00.000Z']);
    expect(await t.db.notification.count({ where: { leadId: id } })).toBe(0);
    expect(await t.db.webhookDelivery.count({ where: { leadId: id } })).toBe(0);
  });

  test('when ROUTING=off, then leads get their clock only, without waiting for the routing lock', async () => {
    const ada = await addAdvisor(t, 'Ada Brooks');
    const id = await storeLead();
    const holder = new Client({ connectionString: t.connectionString });
    await holder.connect();
    const impatient = new Pool({ connectionString: t.connectionString, max: 1, lock_timeout: 1_000 });
    try {
      await holder.query('BEGIN');
      await holder.query("SELECT pg_advisory_xact_lock(hashtextextended('frontdesk-routing', 0))");
      const { rows } = await impatient.query('SELECT lead_id::text AS "leadId", advisor_id AS "advisorId" FROM frontdesk_route_leads($1::json, $2, false, $3)', [
        JSON.stringify(due([id])), AT, OUTBOX_CHANNEL,
      ]);
      expect(rows).toEqual([{ leadId: id, advisorId: null }]);
    } finally {
      await holder.query('COMMIT');
      await holder.end();
      await impatient.end();
    }
    const lead = await leadRow(id);
    expect([lead.assignedToId, lead.dueAt?.toISOString(), lead.respondBy?.toISOString()]).toEqual([null, AT.toISOString(), '2026-11-30T15:15:00.000Z']);
    expect(await stampOf(ada.id)).toBeNull();
    expect(await t.db.notification.count({ where: { leadId: id } })).toBe(0);
  });

  test('when a lead was routed already, is spam, or does not exist, then it is left out and untouched', async () => {
    const ada = await addAdvisor(t, 'Ada Brooks');
    const routedBefore = await storeLead();
    await route([routedBefore], { roundRobin: false });
    const spam = await storeLead({ spam: true });
    const missing = uuidv7();

    expect(await route([routedBefore, spam, missing])).toEqual([]);

    expect((await leadRow(routedBefore)).assignedToId).toBeNull();
    expect((await leadRow(spam)).dueAt).toBeNull();
    expect(await stampOf(ada.id)).toBeNull();
    expect(await t.db.notification.count({ where: { leadId: { in: [routedBefore, spam] } } })).toBe(0);
  });

  test('when the opening routes 3,000 held leads to seven advisors at once, then each is assigned once and the counts differ by at most one', async () => {
    const advisors = await Promise.all(Array.from({ length: 7 }, (_, n) => addAdvisor(t, `Advisor ${n}`)));
    const rows = Array.from({ length: 3_000 }, (_, n) => ({ id: uuidv7(), n }));
    // Seeded in one statement: this test is about routing a large batch, not storing it.
    await t.db.$executeRawUnsafe(
      `INSERT INTO leads (id, created_at, first_name, last_name, email, phone, program_code, status)
       SELECT id, $2::timestamptz + n * interval '1 millisecond', 'Held', 'Lead', 'held.' || n || '@example.org', '+12125550100', $3, 'new'
         FROM unnest($1::uuid[]) WITH ORDINALITY AS t(id, n)`,
      rows.map((row) => row.id), new Date(AT.getTime() - 36_000_000), programs[0],
    );

    const routed = await route(rows.map((row) => row.id));

    expect(routed).toHaveLength(3_000);
    const counts = advisors.map((advisor) => routed.filter((row) => row.advisorId === advisor.id).length);
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
    expect(counts.reduce((sum, n) => sum + n, 0)).toBe(3_000);
    expect(await t.db.lead.count({ where: { id: { in: rows.map((row) => row.id) }, assignedToId: null } })).toBe(0);
  });
});

describe('picking one advisor (frontdesk_pick_advisors), as a reassignment does', () => {
  const advisors = createAdvisorAssignment();
  const pick = (programCode: string, exclude: string | null) =>
    withTransaction(t.db.pool, (tx) => advisors.pick(tx, { programCode, repeatOfAdvisorId: null, exclude }, AT));

  test('when the current advisor is excluded, then the next eligible one is picked, and nobody when they were the only one', async () => {
    const ada = await addAdvisor(t, 'Ada Brooks');
    const ben = await addAdvisor(t, 'Ben Cho', { programs: [programs[1]] });

    expect(await pick(programs[0], ada.id)).toBeNull(); // Ben does not advise it
    expect(await stampOf(ada.id)).toBeNull();
    expect(await pick(programs[1], ada.id)).toBe(ben.id);
    expect(await stampOf(ben.id)).toBe(AT.getTime());
  });
});
