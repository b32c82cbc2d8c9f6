import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../../src/platform/embedded-postgres';
import { onCleanup } from './process';

/** A database that only this run uses, on a server the bench can reach itself. */
export interface ScratchDatabase {
  /** postgresql://… for the app (as DATABASE_URL), a baseline, or the bench process. */
  readonly connectionString: string;
  /** For the log: "database frontdesk_bench_… on host:port" or "embedded PostgreSQL started by the bench (port …)". */
  readonly description: string;
  /** Drops the database (or stops the embedded server and removes its directory). Idempotent. */
  close(): Promise<void>;
}

/**
 * A fresh, empty database the bench process can connect to:
 * - DATABASE_URL set: a new database on that server, dropped on close
 *   (a run never measures or alters someone's data);
 * - otherwise: a PostgreSQL 17 server of our own, started in a temporary
 *   directory with the app's own `startEmbeddedPostgres` (same binaries,
 *   same settings as the app's embedded server), stopped and removed on close.
 *
 * Scenarios whose baseline writes to the app's database, or that count what
 * the app stored, use this through `startApp({ sharedDatabase: true })`; the
 * app then runs with DATABASE_URL, as it does against an existing server.
 * Run-wide clean-up (Ctrl-C) is registered here.
 */
export async function openScratchDatabase(): Promise<ScratchDatabase> {
  const serverUrl = process.env.DATABASE_URL;
  if (serverUrl) {
    const created = await createScratchDatabase(serverUrl);
    return withCleanup({ connectionString: created.connectionString, description: `database ${created.name} on ${new URL(serverUrl).host}`, close: created.drop });
  }

  const dir = await mkdtemp(path.join(tmpdir(), 'frontdesk-bench-pg-'));
  // 0755 for the same reason as the app's DATA_DIR in app.ts: as root PostgreSQL
  // runs as the `postgres` user, and a cluster it can reach stays inside `dir`.
  await chmod(dir, 0o755);
  const unregisterEarly = onCleanup(() => removeDataDir(dir));
  try {
    const server = await startEmbeddedPostgres({ dataDir: dir });
    unregisterEarly();
    return withCleanup({
      connectionString: server.connectionString(),
      description: `embedded PostgreSQL started by the bench (port ${server.port})`,
      close: async () => {
        await server.stop();
        await removeDataDir(dir);
      },
    });
  } catch (error) {
    unregisterEarly();
    await removeDataDir(dir);
    throw error;
  }
}

function withCleanup(database: ScratchDatabase): ScratchDatabase {
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => (closing ??= database.close().finally(() => unregister()));
  const unregister = onCleanup(close);
  return { connectionString: database.connectionString, description: database.description, close };
}

async function createScratchDatabase(serverUrl: string): Promise<{ name: string; connectionString: string; drop(): Promise<void> }> {
  // Unquoted lower-case identifier: safe to interpolate, and easy to spot and drop by hand.
  const name = `frontdesk_bench_${process.pid}_${randomBytes(4).toString('hex')}`;
  await withClient(serverUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const connectionString = new URL(serverUrl);
  connectionString.pathname = `/${name}`;
  return {
    name,
    connectionString: connectionString.toString(),
    drop: () => withClient(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

export async function withClient<T>(connectionString: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Removes a DATA_DIR-like directory, and its cluster if the app or the bench had to relocate it under /var/lib/frontdesk. */
export async function removeDataDir(dataDir: string): Promise<void> {
  // If the cluster was relocated anyway (see chmod above), remove it too, but
  // only the exact directory recorded for this directory.
  const link = await readlink(path.join(dataDir, 'postgres')).catch(() => undefined);
  if (link && path.resolve(dataDir, link).startsWith('/var/lib/frontdesk/clusters/')) {
    await rm(path.resolve(dataDir, link), { recursive: true, force: true });
  }
  await rm(dataDir, { recursive: true, force: true });
}
