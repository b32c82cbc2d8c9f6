import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { Client } from 'pg';
import { Registry } from 'prom-client';
import { v7 as uuidv7 } from 'uuid';
import { openScratchDatabase, startSmtpSinkProcess, type MailStats, type Measurement, type Scenario } from '../lib';

/** Issue 4's bar for open-hours mail: at least this many emails a second from one dispatcher. */
const TARGET_EMAILS_PER_SECOND = 200;
/** Leads per phase; BENCH_DISPATCH_COUNT lowers it for a smoke run. */
const DEFAULT_COUNT = 5_000;
const WARMUP_COUNT = 100;

const OFFICE = { OFFICE_TIMEZONE: 'America/New_York', OFFICE_HOURS: 'Mon-Fri 09:00-21:00', OFFICE_HOLIDAYS: '' };
/** Tuesday 12 January 2027, 01:00 EST: closed, the office opens at 09:00 EST (14:00Z). */
const CLOSED_AT = new Date('2027-01-12T06:00:00Z');

/**
 * Throughput of the mail dispatcher (src/notifications/dispatcher.ts), built
 * as src/app.ts builds it and driven in this process with `runOnce()` and a
 * ManualClock, against an SMTP sink in its own process (accepts and counts
 * every message, reads only headers). The outbox is filled with SQL, not
 * through HTTP: this measures sending, not storing (the inquiry scenario
 * measures storing).
 *
 * - Warm-up: 100 open-hours emails through both dispatchers (Prisma pools,
 *   SMTP pools, templates), not timed.
 * - Phase A: 5,000 leads that arrived overnight (digest rows), clock at the
 *   opening, drained. By design that is ONE email covering 5,000 leads
 *   (listing 100): the row reports leads covered per second, and the email count.
 * - Phase B: 5,000 open-hours admissions rows, one email each, one dispatcher.
 *   Target ≥ 200 emails/s.
 * - Phase C: another 5,000, two dispatchers at once (each its own Prisma
 *   client, mailer and lease owner, as two processes would have; here they
 *   share this event loop). The sink counts messages per X-Frontdesk-Leads
 *   value: any lead emailed twice makes the row INVALID.
 *
 * Database: DATABASE_URL set → a fresh database on that server, dropped
 * afterwards; else an embedded PostgreSQL started by the bench in a
 * temporary directory. Migrated and seeded as the app does at start-up.
 */
export const dispatchScenario: Scenario = {
  name: 'dispatch',
  summary: `mail dispatcher → local SMTP sink: overnight digest of 5,000 leads, 5,000 open-hours emails (target ≥ ${TARGET_EMAILS_PER_SECOND}/s), 5,000 with 2 dispatchers`,
  async run({ log }) {
    const count = dispatchCount();
    const src = loadSource();
    const undo: Array<() => Promise<unknown>> = [];
    try {
      log('dispatch: opening a fresh database and starting the SMTP sink');
      const database = await openScratchDatabase();
      undo.push(() => database.close());
      const sink = await startSmtpSinkProcess();
      undo.push(() => sink.stop());
      log(`dispatch: ${database.description}; sink on ${sink.url}`);

      await src.migrate(database.connectionString);
      const config = src.loadConfig({
        ...OFFICE,
        NODE_ENV: 'production',
        SESSION_SECRET: randomBytes(32).toString('hex'),
        DATA_DIR: tmpdir(), // nothing is written there: mail goes to SMTP_URL
        BASE_URL: 'https://enroll.example.edu',
        SMTP_URL: sink.url,
        AUTOREPLY: 'on',
        LOG_LEVEL: 'warn',
      });
      // Warnings (failed sends) to stderr with the progress; stdout is the report.
      const logger = src.createLogger(config.logLevel, { write: (line: string) => void process.stderr.write(line) });
      const clock = new src.ManualClock(CLOSED_AT);

      /** One dispatcher as src/app.ts builds it, with its own Prisma client, mailer and metrics registry. */
      const makeDispatcher = () => {
        const db = src.createDatabase(database.connectionString);
        const outbox = src.createOutboxRepository(db);
        const mailer = src.createMailer({ smtpUrl: config.smtpUrl, dataDir: config.dataDir, logger });
        const dispatcher = src.createDispatcher({
          outbox,
          content: src.createEmailContent({ leads: src.createLeadRepository(db), config }),
          mailer,
          clock,
          officeHours: config.officeHours,
          logger,
          metrics: src.createNotificationMetrics(new Registry(), () => outbox.countPending()),
        });
        undo.push(async () => {
          mailer.close();
          await db.$disconnect();
        });
        return { db, dispatcher };
      };
      const first = makeDispatcher();
      const second = makeDispatcher();
      await src.seedIfEmpty(first.db);

      const sql = new Client({ connectionString: database.connectionString });
      await sql.connect();
      undo.push(() => sql.end());
      const slug = (await sql.query<{ slug: string }>('SELECT slug FROM articles ORDER BY published_at DESC, id DESC LIMIT 1')).rows[0]?.slug ?? null;

      const opening = src.nextOpening(config.officeHours, CLOSED_AT);
      if (!opening || src.isOpen(config.officeHours, CLOSED_AT) || !src.isOpen(config.officeHours, opening)) {
        throw new Error(`expected the office closed at ${CLOSED_AT.toISOString()} and open at its next opening (${opening?.toISOString()})`);
      }
      const hour = 3_600_000;

      // -------------------------------------------------------------- warm-up
      clock.set(opening);
      await queueLeads(sql, { count: WARMUP_COUNT, tag: 'warmup', createdAt: opening, dueAt: opening, digest: false, slug });
      log(`dispatch: warm-up, ${WARMUP_COUNT} emails through both dispatchers`);
      await Promise.all([drain(first.dispatcher), drain(second.dispatcher)]);
      await expectNothingPending(sql, 'warm-up');
      sink.mail.clear();

      const measurements: Measurement[] = [];

      // -------------------------------------------------------------- phase A
      await queueLeads(sql, { count, tag: 'a', createdAt: CLOSED_AT, dueAt: opening, digest: true, slug });
      clock.set(opening);
      log(`dispatch: phase A, ${count} leads held overnight, drained at the opening (${opening.toISOString()})`);
      {
        const { seconds, result: report } = await timed(() => drain(first.dispatcher));
        const seen = sink.mail.stats();
        const problems = await phaseProblems(sql, report, seen, { expectedSent: count, expectedMessages: 1, expectedLeads: Math.min(count, 100) });
        measurements.push({
          kind: 'throughput',
          target: `phase A: ${count} leads held overnight, sent at the opening`,
          count: report.sent,
          unit: 'leads',
          seconds,
          detail: `${seen.messages} email${seen.messages === 1 ? '' : 's'} (one digest by design; its X-Frontdesk-Leads names the ${seen.distinctLeads} leads it lists)`,
          problem: problems,
        });
        log(`dispatch: phase A: ${report.sent} leads in ${seen.messages} email(s) in ${seconds.toFixed(2)} s`);
      }
      sink.mail.clear();

      // -------------------------------------------------------------- phase B
      const openB = new Date(opening.getTime() + hour);
      await queueLeads(sql, { count, tag: 'b', createdAt: openB, dueAt: openB, digest: false, slug });
      clock.set(openB);
      log(`dispatch: phase B, ${count} open-hours emails, one dispatcher`);
      {
        const { seconds, result: report } = await timed(() => drain(first.dispatcher));
        const seen = sink.mail.stats();
        const problems = await phaseProblems(sql, report, seen, { expectedSent: count, expectedMessages: count, expectedLeads: count });
        measurements.push({
          kind: 'throughput',
          target: `phase B: ${count} open-hours emails, 1 dispatcher`,
          count: seen.messages,
          unit: 'emails',
          seconds,
          detail: `sink: ${seen.distinctLeads} distinct leads, ${seen.duplicateLeads} duplicates`,
          minRate: TARGET_EMAILS_PER_SECOND,
          problem: problems,
        });
        log(`dispatch: phase B: ${seen.messages} emails in ${seconds.toFixed(2)} s`);
      }
      sink.mail.clear();

      // -------------------------------------------------------------- phase C
      const openC = new Date(opening.getTime() + 2 * hour);
      await queueLeads(sql, { count, tag: 'c', createdAt: openC, dueAt: openC, digest: false, slug });
      clock.set(openC);
      log(`dispatch: phase C, ${count} open-hours emails, two dispatchers at once`);
      {
        const { seconds, result: [one, two] } = await timed(() => Promise.all([drain(first.dispatcher), drain(second.dispatcher)]));
        const total = { sent: one.sent + two.sent, retried: one.retried + two.retried, failed: one.failed + two.failed };
        const seen = sink.mail.stats();
        const problems = await phaseProblems(sql, total, seen, { expectedSent: count, expectedMessages: count, expectedLeads: count });
        measurements.push({
          kind: 'throughput',
          target: `phase C: ${count} open-hours emails, 2 dispatchers at once`,
          count: seen.messages,
          unit: 'emails',
          seconds,
          detail: `sent ${one.sent} + ${two.sent}; sink: ${seen.distinctLeads} distinct leads, ${seen.duplicateLeads} duplicates`,
          problem: problems,
        });
        log(`dispatch: phase C: ${seen.messages} emails in ${seconds.toFixed(2)} s (${one?.sent} + ${two?.sent}), ${seen.duplicateLeads} duplicates`);
      }
      return measurements;
    } finally {
      log('dispatch: stopping the dispatchers, the sink and the database');
      for (const step of undo.reverse()) await step().catch((error: unknown) => log(`dispatch: clean-up step failed: ${String(error)}`));
    }
  },
};

type Source = ReturnType<typeof loadSource>;
type DispatchReport = Awaited<ReturnType<ReturnType<Source['createDispatcher']>['runOnce']>>;

/**
 * The app's modules, loaded when the scenario runs rather than when the
 * harness starts, so `npm run bench -- article` does not load Prisma and the
 * rest. (`require`: this file is CommonJS under tsx; `import()` would go
 * through the ESM loader.)
 */
function loadSource() {
  const migrations = require('../../src/platform/migrations') as typeof import('../../src/platform/migrations');
  const seed = require('../../src/content/seed') as typeof import('../../src/content/seed');
  const database = require('../../src/platform/database') as typeof import('../../src/platform/database');
  const config = require('../../src/config/config') as typeof import('../../src/config/config');
  const clock = require('../../src/platform/clock') as typeof import('../../src/platform/clock');
  const logger = require('../../src/platform/logger') as typeof import('../../src/platform/logger');
  const mailer = require('../../src/platform/mailer') as typeof import('../../src/platform/mailer');
  const outbox = require('../../src/outbox/outbox-repository') as typeof import('../../src/outbox/outbox-repository');
  const content = require('../../src/notifications/email-content') as typeof import('../../src/notifications/email-content');
  const leads = require('../../src/leads') as typeof import('../../src/leads');
  const dispatcher = require('../../src/notifications/dispatcher') as typeof import('../../src/notifications/dispatcher');
  const metrics = require('../../src/notifications/notification-metrics') as typeof import('../../src/notifications/notification-metrics');
  const office = require('../../src/office-hours') as typeof import('../../src/office-hours');
  return {
    migrate: migrations.migrate,
    seedIfEmpty: seed.seedIfEmpty,
    createDatabase: database.createDatabase,
    loadConfig: config.loadConfig,
    ManualClock: clock.ManualClock,
    createLogger: logger.createLogger,
    createMailer: mailer.createMailer,
    createOutboxRepository: outbox.createOutboxRepository,
    createEmailContent: content.createEmailContent,
    createLeadRepository: leads.createLeadRepository,
    createDispatcher: dispatcher.createDispatcher,
    createNotificationMetrics: metrics.createNotificationMetrics,
    nextOpening: office.nextOpening,
    isOpen: office.isOpen,
  };
}

/** runOnce until a pass finds nothing it can claim; the totals. */
async function drain(dispatcher: { runOnce(): Promise<DispatchReport> }): Promise<DispatchReport> {
  const total: DispatchReport = { sent: 0, retried: 0, failed: 0 };
  for (;;) {
    const report = await dispatcher.runOnce();
    total.sent += report.sent;
    total.retried += report.retried;
    total.failed += report.failed;
    // A failed send is retried a minute later by the (frozen) clock: it ends the loop too.
    if (report.sent + report.retried + report.failed === 0) return total;
  }
}

/** Wall-clock seconds of `work`: the drain, from the first claim to the last row marked sent. */
async function timed<T>(work: () => Promise<T>): Promise<{ seconds: number; result: T }> {
  const start = performance.now();
  const result = await work();
  return { seconds: (performance.now() - start) / 1000, result };
}

/**
 * `count` leads (as the app stores them, minus consent records, which no email
 * reads) and one admissions outbox row each, inserted with two statements.
 * Then ANALYZE, as autovacuum would have over the hours real leads take to arrive.
 */
async function queueLeads(sql: Client, options: { count: number; tag: string; createdAt: Date; dueAt: Date; digest: boolean; slug: string | null }): Promise<void> {
  const leadIds = Array.from({ length: options.count }, () => uuidv7({ msecs: options.createdAt.getTime() }));
  const notificationIds = Array.from({ length: options.count }, () => uuidv7());
  await sql.query('BEGIN');
  try {
    await sql.query(
      `INSERT INTO leads (id, created_at, first_name, last_name, email, phone, program_code, status, article_slug, utm_source)
       SELECT id, $2, 'Maya', 'Okafor', $3 || ord || '@example.org', '+12125550147', 'HCA-BS', 'new', $4, 'bench'
         FROM unnest($1::uuid[]) WITH ORDINALITY AS t(id, ord)`,
      [leadIds, options.createdAt, `dispatch-${options.tag}-`, options.slug],
    );
    await sql.query(
      `INSERT INTO notifications (id, lead_id, kind, digest, scheduled_at, next_attempt_at)
       SELECT n, l, 'admissions', $3, $4, $4 FROM unnest($1::uuid[], $2::uuid[]) AS t(n, l)`,
      [notificationIds, leadIds, options.digest, options.dueAt],
    );
    await sql.query('COMMIT');
  } catch (error) {
    await sql.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
  await sql.query('ANALYZE leads, notifications');
}

async function pendingCount(sql: Client): Promise<number> {
  return Number((await sql.query<{ n: string }>(`SELECT count(*) AS n FROM notifications WHERE status <> 'sent'`)).rows[0]?.n ?? 0);
}

async function expectNothingPending(sql: Client, phase: string): Promise<void> {
  const pending = await pendingCount(sql);
  if (pending > 0) throw new Error(`${phase}: ${pending} notifications not sent; is the SMTP sink accepting mail?`);
}

/** Why a phase's numbers are not a valid measurement, or undefined. */
async function phaseProblems(
  sql: Client,
  report: DispatchReport,
  seen: MailStats,
  expected: { expectedSent: number; expectedMessages: number; expectedLeads?: number },
): Promise<string | undefined> {
  const problems: string[] = [];
  if (report.retried + report.failed > 0) problems.push(`${report.retried} retried, ${report.failed} failed`);
  if (report.sent !== expected.expectedSent) problems.push(`${report.sent} rows marked sent, expected ${expected.expectedSent}`);
  const left = await pendingCount(sql);
  if (left > 0) problems.push(`${left} rows not sent`);
  if (seen.messages !== expected.expectedMessages) problems.push(`sink got ${seen.messages} messages, expected ${expected.expectedMessages}`);
  if (expected.expectedLeads !== undefined && seen.distinctLeads !== expected.expectedLeads) problems.push(`sink saw ${seen.distinctLeads} distinct leads, expected ${expected.expectedLeads}`);
  if (seen.duplicateLeads > 0) problems.push(`${seen.duplicateLeads} leads emailed more than once`);
  return problems.length > 0 ? problems.join('; ') : undefined;
}

function dispatchCount(): number {
  const raw = process.env.BENCH_DISPATCH_COUNT;
  if (raw === undefined || raw === '') return DEFAULT_COUNT;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`BENCH_DISPATCH_COUNT must be a positive whole number, not "${raw}"`);
  return value;
}
