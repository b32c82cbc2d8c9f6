import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { buildApp } from '../../src/app';
import { createArticleViews, type ArticleViews } from '../../src/articles';
import { buildDispatcher, type DispatcherDeps, type Dispatchers as Dispatcher } from '../../src/dispatcher';
import { loadConfig, type Config } from '../../src/config/config';
import { seedIfEmpty } from '../../src/content/seed';
import { ManualClock, type Clock } from '../../src/platform/clock';
import { createDatabase, type Database } from '../../src/platform/database';
import { createMailer } from '../../src/platform/mailer';
import { createMetrics } from '../../src/platform/metrics';
import type { Redis } from '../../src/platform/redis';
import { createTestDatabase } from './scratch-database';
import { startSmtpSink, type SmtpSink } from './smtp-sink';

export interface TestApp {
  app: ReturnType<typeof buildApp>;
  /** The dispatchers, not started: tests call runOnce() (mail) and webhooks.runOnce() at the instants they choose. */
  dispatcher: Dispatcher;
  db: Database;
  config: Config;
  clock: ManualClock;
  connectionString: string;
  /** The article view counter, without its timer: tests write the buffered views with flush(). */
  articleViews: ArticleViews;
  close(): Promise<void>;
}

/** A Monday at 10:00 in New York (15:00Z in November): the office is open. */
export const OPEN_MONDAY = '2026-11-30T15:00:00.000Z';
/** A Sunday afternoon in New York: the office is closed until Monday 9:00. */
export const CLOSED_SUNDAY = '2026-11-29T15:30:00.000Z';

/**
 * The whole app on a database of its own, with a clock the test controls.
 * `seed` loads the sample articles and programs.
 */
export async function createTestApp(
  options: { env?: Record<string, string>; now?: string; seed?: boolean; clock?: Clock; logLines?: string[]; connectionString?: (real: string) => string; redis?: Redis; webhookSender?: DispatcherDeps['webhookSender'] } = {},
): Promise<TestApp> {
  const database = await createTestDatabase();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'frontdesk-app-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: database.connectionString,
    DATA_DIR: dataDir,
    SESSION_SECRET: 'test-secret-test-secret-test-secret-0123',
    LOG_LEVEL: 'silent',
    ...options.env,
  });
  if (options.seed !== false) {
    const seeding = createDatabase(database.connectionString, { poolSize: 1 });
    await seedIfEmpty(seeding);
    await seeding.$disconnect();
  }
  // A test may route the app's connections through a proxy it can cut (tcp-proxy.ts).
  const db = createDatabase(options.connectionString?.(database.connectionString) ?? database.connectionString, { poolSize: 4 });
  const clock = new ManualClock(options.now ?? OPEN_MONDAY);
  const logLines = options.logLines;
  const logger = logLines ? pino({ level: 'info' }, { write: (line: string) => void logLines.push(line) }) : pino({ level: 'silent' });
  const metrics = createMetrics();
  const mailer = createMailer({ smtpUrl: config.smtpUrl, dataDir: config.dataDir, logger });
  const articleViews = createArticleViews({ db, clock: options.clock ?? clock, timezone: config.officeHours.timezone, logger });
  const app = buildApp({ config, db, clock: options.clock ?? clock, logger, redis: options.redis, metrics, articleViews });
  const dispatcher = buildDispatcher({ config, db, clock: options.clock ?? clock, logger, mailer, registry: metrics.registry, webhookSender: options.webhookSender });
  return {
    app,
    dispatcher,
    db,
    config,
    clock,
    connectionString: database.connectionString,
    articleViews,
    async close() {
      await dispatcher.stop();
      mailer.close();
      await db.$disconnect();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The app with its mail going to a new in-process SMTP sink; `t.close()` closes both. */
export async function createTestAppWithSink(options: Parameters<typeof createTestApp>[0] = {}): Promise<{ t: TestApp; sink: SmtpSink }> {
  const sink = await startSmtpSink();
  const t = await createTestApp({ ...options, env: { SMTP_URL: sink.url, ...options.env } });
  const closeApp = t.close;
  t.close = async () => {
    await closeApp();
    await sink.close();
  };
  return { t, sink };
}

/** Between tests: the sink accepts everything again and has received nothing, and the outbox is empty. */
export async function resetMail(t: TestApp, sink: SmtpSink): Promise<void> {
  sink.setMode('accept');
  sink.clear();
  await t.db.notification.deleteMany();
}
