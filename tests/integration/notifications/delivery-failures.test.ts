import pino from 'pino';
import request from 'supertest';
import { createDispatcher } from '../../../src/notifications/dispatcher';
import { createLeadRepository } from '../../../src/leads';
import { createEmailContent } from '../../../src/notifications/email-content';
import { createNotificationMetrics } from '../../../src/notifications/notification-metrics';
import { createOutboxRepository } from '../../../src/outbox/outbox-repository';
import { loadConfig } from '../../../src/config/config';
import { createMailer } from '../../../src/platform/mailer';
import { Registry } from 'prom-client';
import { json, postJson, validInquiry } from '../../support/inquiries';
import { leadIdsOf, recipientsOf, type SmtpSink } from '../../support/smtp-sink';
import { CLOSED_SUNDAY, createTestAppWithSink, OPEN_MONDAY, resetMail, type TestApp } from '../../support/test-app';

const ADMISSIONS = 'admissions@college.test';
const admissionsLeadIds = (sink: SmtpSink) => sink.messages.filter((message) => recipientsOf(message).includes(ADMISSIONS)).flatMap(leadIdsOf);

describe('Delivery when things go wrong', () => {
  let sink: SmtpSink;
  let t: TestApp;
  beforeAll(async () => {
    ({ t, sink } = await createTestAppWithSink({ env: { INQUIRY_RATE_LIMIT: '10000/1m', ADMISSIONS_EMAIL: ADMISSIONS, AUTOREPLY: 'off' } }));
  });
  afterAll(() => t.close());
  beforeEach(() => resetMail(t, sink));

  /** A second dispatcher on the same database, as another instance would run it. */
  function anotherDispatcher(env: Record<string, string> = {}) {
    const config = loadConfig({ NODE_ENV: 'test', SESSION_SECRET: 'x'.repeat(32), DATA_DIR: t.config.dataDir, SMTP_URL: sink.url, ADMISSIONS_EMAIL: ADMISSIONS, ...env });
    const logger = pino({ level: 'silent' });
    const outbox = createOutboxRepository(t.db);
    const mailer = createMailer({ smtpUrl: sink.url, dataDir: t.config.dataDir, logger });
    const dispatcher = createDispatcher({
      outbox, mailer, clock: t.clock, officeHours: config.officeHours, logger,
      content: createEmailContent({ leads: createLeadRepository(t.db), config }),
      metrics: createNotificationMetrics(new Registry(), () => outbox.countPending()),
    });
    return { dispatcher, close: () => mailer.close() };
  }

  test('when SMTP is down for a while during office hours, then the mail is retried with backoff, held over closed time, and delivered once', async () => {
    t.clock.set('2026-11-30T23:00:00.000Z'); // Monday 18:00 EST, open
    const { body } = await postJson(t, json(validInquiry())).expect(201);
    sink.setMode('unavailable');

    expect(await t.dispatcher.runOnce()).toEqual({ sent: 0, retried: 1, failed: 0 });
    let row = await t.db.notification.findFirstOrThrow({ where: { leadId: body.id } });
    expect(row.attempts).toBe(1);
    expect(row.lastError).toMatch(/421|not available/i);
    const firstRetry = row.nextAttemptAt.getTime() - t.clock.now().getTime();
    expect(firstRetry).toBeGreaterThanOrEqual(48_000); // 1 min ± 20%
    expect(firstRetry).toBeLessThanOrEqual(72_000);

    // Not due yet: nothing happens.
    t.clock.advance(30_000);
    expect(await t.dispatcher.runOnce()).toEqual({ sent: 0, retried: 0, failed: 0 });

    // Keep failing until 21:00 EST; each retry waits longer.
    const waits: number[] = [];
    while (true) {
      row = await t.db.notification.findFirstOrThrow({ where: { leadId: body.id } });
      if (row.nextAttemptAt.getTime() >= Date.parse('2026-12-01T02:00:00.000Z')) break; // 21:00 EST
      t.clock.set(row.nextAttemptAt);
      const before = row.nextAttemptAt.getTime();
      await t.dispatcher.runOnce();
      row = await t.db.notification.findFirstOrThrow({ where: { leadId: body.id } });
      waits.push(row.nextAttemptAt.getTime() - before);
    }
    expect(waits.length).toBeGreaterThanOrEqual(3);
    expect(waits[1]!).toBeGreaterThan(waits[0]! * 1.2);
    // The retry that would land in closed time waits for Tuesday 9:00 EST.
    expect(row.nextAttemptAt.toISOString()).toBe('2026-12-01T14:00:00.000Z');
    expect(row.status).toBe('pending');

    // The mail server is back in the evening, but the office is closed: nothing goes out.
    sink.setMode('accept');
    t.clock.set('2026-12-01T03:00:00.000Z');
    await t.dispatcher.runOnce();
    expect(sink.messages).toHaveLength(0);

    t.clock.set('2026-12-01T14:00:00.000Z');
    expect((await t.dispatcher.runOnce()).sent).toBe(1);
    await t.dispatcher.runOnce();
    expect(admissionsLeadIds(sink)).toEqual([body.id]);
  });

  test('when the mail server rejects permanently, then the notification fails at once and is counted', async () => {
    t.clock.set(OPEN_MONDAY);
    const { body } = await postJson(t, json(validInquiry())).expect(201);
    sink.setMode('reject');
    expect(await t.dispatcher.runOnce()).toEqual({ sent: 0, retried: 0, failed: 1 });
    const row = await t.db.notification.findFirstOrThrow({ where: { leadId: body.id } });
    expect(row).toMatchObject({ status: 'failed', attempts: 1 });
    expect(row.lastError).toMatch(/550|unavailable/i);
    const metrics = await request(t.app).get('/metrics');
    expect(metrics.text).toMatch(/notifications_failed_total\{kind="admissions"\} [1-9]/);
    // The lead itself is untouched.
    expect(await t.db.lead.count({ where: { id: body.id } })).toBe(1);
  });

  test('when every attempt fails, then after the last one the notification is failed', async () => {
    t.clock.set(OPEN_MONDAY);
    const { body } = await postJson(t, json(validInquiry())).expect(201);
    sink.setMode('unavailable');
    for (let attempt = 0; attempt < 20; attempt += 1) {
      const row = await t.db.notification.findFirstOrThrow({ where: { leadId: body.id } });
      if (row.status !== 'pending') break;
      t.clock.set(row.nextAttemptAt);
      await t.dispatcher.runOnce();
    }
    expect(await t.db.notification.findFirstOrThrow({ where: { leadId: body.id } })).toMatchObject({ status: 'failed', attempts: 10 });
  });

  test('when a dispatcher dies mid-send, then after its lease expires another sends each notification once', async () => {
    t.clock.set(OPEN_MONDAY);
    const ids = [];
    for (let n = 0; n < 3; n += 1) ids.push((await postJson(t, json(validInquiry())).expect(201)).body.id);
    // The dead process claimed the rows and never came back.
    const claimed = await createOutboxRepository(t.db).claim({ kinds: ['admissions'], digest: false, now: t.clock.now(), owner: 'killed-process', leaseMs: 5 * 60_000, limit: 10 });
    expect(claimed).toHaveLength(3);

    expect((await t.dispatcher.runOnce()).sent).toBe(0);
    t.clock.advance(5 * 60_000 + 1);
    expect((await t.dispatcher.runOnce()).sent).toBe(3);
    await t.dispatcher.runOnce();
    expect(admissionsLeadIds(sink).sort()).toEqual([...ids].sort());
  });

  test('when two dispatchers share one database with 200 due notifications, then each is sent exactly once', async () => {
    t.clock.set(OPEN_MONDAY);
    const ids: string[] = [];
    for (let n = 0; n < 200; n += 1) ids.push((await postJson(t, json(validInquiry())).expect(201)).body.id);
    const other = anotherDispatcher();
    try {
      const drain = async (dispatcher: { runOnce(): Promise<{ sent: number }> }) => {
        let total = 0;
        for (let report = await dispatcher.runOnce(); report.sent > 0; report = await dispatcher.runOnce()) total += report.sent;
        return total;
      };
      const [mine, theirs] = await Promise.all([drain(t.dispatcher), drain(other.dispatcher)]);
      expect(mine + theirs).toBe(200);
      expect(mine).toBeGreaterThan(0);
      expect(theirs).toBeGreaterThan(0);
    } finally {
      other.close();
    }
    const delivered = admissionsLeadIds(sink);
    expect(delivered).toHaveLength(200);
    expect(new Set(delivered)).toEqual(new Set(ids));
  });

  test('when a holiday is added after leads were queued, then the dispatcher respects it at send time', async () => {
    t.clock.set(CLOSED_SUNDAY);
    const { body } = await postJson(t, json(validInquiry())).expect(201);
    expect(body.notifyAdmissionsAt).toBe('2026-11-30T14:00:00.000Z');
    // The operator adds Monday as a holiday and restarts with it.
    const holiday = anotherDispatcher({ OFFICE_HOLIDAYS: '2026-11-30' });
    try {
      t.clock.set('2026-11-30T15:00:00.000Z');
      await holiday.dispatcher.runOnce();
      expect(sink.messages).toHaveLength(0);
      t.clock.set('2026-12-01T14:00:00.000Z');
      await holiday.dispatcher.runOnce();
      expect(admissionsLeadIds(sink)).toEqual([body.id]);
    } finally {
      holiday.close();
    }
  });
});

describe('Auto-reply failures', () => {
  test('when the auto-reply is rejected, then the lead and the admissions email are unaffected', async () => {
    const { t, sink } = await createTestAppWithSink({ env: { INQUIRY_RATE_LIMIT: '100/1m', ADMISSIONS_EMAIL: ADMISSIONS } });
    try {
      const fields = json(validInquiry());
      sink.setMode('reject', (address) => address === fields.email);
      const { body } = await postJson(t, fields).expect(201);
      expect(await t.dispatcher.runOnce()).toEqual({ sent: 1, retried: 0, failed: 1 });
      const rows = await t.db.notification.findMany({ where: { leadId: body.id }, orderBy: { kind: 'asc' } });
      expect(rows.map((row) => [row.kind, row.status])).toEqual([['admissions', 'sent'], ['autoreply', 'failed']]);
      expect(await t.db.lead.findUnique({ where: { id: body.id } })).not.toBeNull();
    } finally {
      await t.close();
    }
  });
});
