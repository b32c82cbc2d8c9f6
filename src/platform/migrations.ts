import { createHash, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { StartupError } from './errors';
import type { Logger } from './logger';

/**
 * Applies prisma/migrations at start-up. Prisma's own `migrate deploy` needs
 * a native engine that cannot be downloaded everywhere, so the app does the
 * same job itself and keeps Prisma's bookkeeping (`_prisma_migrations`, same
 * checksums, same advisory lock key) so that `prisma migrate status` on a
 * connected machine agrees with what ran here.
 */
export const MIGRATIONS_DIR = path.resolve(__dirname, '../../prisma/migrations');

// The key Prisma's migrate engine locks on: running `prisma migrate deploy`
// beside a starting app therefore waits too, instead of racing it.
const PRISMA_ADVISORY_LOCK_KEY = 72707369;

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export function readMigrations(directory = MIGRATIONS_DIR): Migration[] {
  return readdirSync(directory, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(path.join(directory, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

/** A migration that cannot run: the database needs an operator before the app can start. */
export class MigrationError extends StartupError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('migration_failed', message, options);
    this.name = 'MigrationError';
  }
}

/** Returns the names of the migrations this call applied (empty when up to date). */
export async function migrate(connectionString: string, logger?: Logger, migrations = readMigrations()): Promise<string[]> {
  const client = new Client({ connectionString });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [PRISMA_ADVISORY_LOCK_KEY]);
    await client.query(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" VARCHAR(36) PRIMARY KEY NOT NULL,
      "checksum" VARCHAR(64) NOT NULL,
      "finished_at" TIMESTAMPTZ,
      "migration_name" VARCHAR(255) NOT NULL,
      "logs" TEXT,
      "rolled_back_at" TIMESTAMPTZ,
      "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
      "applied_steps_count" INTEGER NOT NULL DEFAULT 0
    )`);
    const { rows } = await client.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
      'SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL',
    );
    const recorded = new Map(rows.map((row) => [row.migration_name, row]));

    const applied: string[] = [];
    for (const migration of migrations) {
      const previous = recorded.get(migration.name);
      if (previous?.finished_at === null) {
        throw new MigrationError(`Migration ${migration.name} failed earlier and was never resolved; fix the database, then mark it rolled back in _prisma_migrations.`);
      }
      if (previous) {
        if (previous.checksum !== migration.checksum) {
          throw new MigrationError(`Migration ${migration.name} was edited after it was applied; add a new migration instead of changing an old one.`);
        }
        continue;
      }
      // One transaction per migration: it lands whole, with its record, or not at all.
      await client.query('BEGIN');
      try {
        await client.query(migration.sql);
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
           VALUES ($1, $2, $3, now(), now(), 1)`,
          [randomUUID(), migration.checksum, migration.name],
        );
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw new MigrationError(`Migration ${migration.name} failed: ${(error as Error).message}`, { cause: error });
      }
      logger?.info({ event: 'database.migration_applied', migration: migration.name });
      applied.push(migration.name);
    }
    return applied;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [PRISMA_ADVISORY_LOCK_KEY]).catch(() => undefined);
    await client.end();
  }
}
