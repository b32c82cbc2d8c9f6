import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { buildApp } from '../../src/app';
import { loadConfig, type Config } from '../../src/config/config';
import { seedIfEmpty } from '../../src/content/seed';
import { ManualClock, type Clock } from '../../src/platform/clock';
import { createDatabase, type Database } from '../../src/platform/database';
import { createTestDatabase } from './test-database';

export interface TestApp {
  app: ReturnType<typeof buildApp>;
  db: Database;
  config: Config;
  clock: ManualClock;
  connectionString: string;
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
export async function createTestApp(options: { env?: Record<string, string>; now?: string; seed?: boolean; clock?: Clock } = {}): Promise<TestApp> {
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
  const db = createDatabase(database.connectionString, { poolSize: 4 });
  if (options.seed !== false) await seedIfEmpty(db);
  const clock = new ManualClock(options.now ?? OPEN_MONDAY);
  const app = buildApp({ config, db, clock: options.clock ?? clock, logger: pino({ level: 'silent' }) });
  return {
    app,
    db,
    config,
    clock,
    connectionString: database.connectionString,
    async close() {
      await db.$disconnect();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
