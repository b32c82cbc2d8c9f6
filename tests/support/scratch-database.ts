import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, readlinkSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../../src/platform/embedded-postgres';

/**
 * Databases that only one test file, scenario or benchmark uses, for every
 * suite and the bench: a PostgreSQL server to create them on (the one at
 * DATABASE_URL, or an embedded one in a temporary directory), a database
 * created on it and dropped afterwards, and short-lived connections.
 */

/** The server URL with another database name. */
export function withDatabase(connectionString: string, database: string): string {
  const url = new URL(connectionString);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Runs `work` on a short-lived connection to `connectionString`, closed afterwards whatever happens. */
export async function withClient<T>(connectionString: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString });
  client.on('error', () => undefined); // a server going away mid-call fails the query; it must not crash the runner
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export interface ScratchDatabase {
  readonly name: string;
  /** postgresql://… of this database. */
  readonly connectionString: string;
  /** Runs one query on a short-lived connection. */
  query<T extends Record<string, unknown> = Record<string, unknown>>(sql: string, values?: unknown[]): Promise<T[]>;
  /** Drops the database (WITH FORCE: connections still open are cut). Idempotent. */
  drop(): Promise<void>;
}

/**
 * A new database on the server at `serverUrl`, empty or copied from `template`.
 * `name` must be an unquoted lower-case identifier (safe to interpolate, easy
 * to spot and drop by hand); by default `<prefix>_<pid>_<random>`.
 */
export async function createScratchDatabase(serverUrl: string, options: { prefix?: string; name?: string; template?: string } = {}): Promise<ScratchDatabase> {
  const name = options.name ?? `${options.prefix ?? 'frontdesk_scratch'}_${process.pid}_${randomBytes(4).toString('hex')}`;
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain database name: ${name}`);
  await withClient(serverUrl, (client) => client.query(`CREATE DATABASE ${name}${options.template ? ` TEMPLATE ${options.template}` : ''}`));
  let dropping: Promise<void> | undefined;
  const drop = () => (dropping ??= withClient(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined));
  return databaseAt({ name, drop }, withDatabase(serverUrl, name));
}

/** The same database reached at `connectionString` (through a forwarder, say). */
export function databaseAt(db: Pick<ScratchDatabase, 'name' | 'drop'>, connectionString: string): ScratchDatabase {
  return {
    name: db.name,
    connectionString,
    query: <T extends Record<string, unknown>>(sql: string, values: unknown[] = []) => withClient(connectionString, async (client) => (await client.query<T>(sql, values)).rows),
    drop: db.drop,
  };
}

let counter = 0;

/**
 * A database for one jest test file, on the run's server (global-setup.ts):
 * a copy of the run's migrated template, or with `{ empty: true }` nothing at all.
 * Named after the run so global-teardown.ts finds what a crashed file left.
 */
export async function createTestDatabase(options: { empty?: boolean } = {}): Promise<ScratchDatabase> {
  const adminUrl = process.env.FRONTDESK_TEST_ADMIN_URL;
  const template = process.env.FRONTDESK_TEST_TEMPLATE;
  if (!adminUrl || !template) throw new Error('The test database is not set up: run the tests through jest (globalSetup).');
  const runPid = template.replace('frontdesk_template_', '');
  counter += 1;
  const name = `frontdesk_test_${runPid}_${process.env.JEST_WORKER_ID ?? '0'}_${process.pid}_${counter}`;
  return createScratchDatabase(adminUrl, { name, ...(options.empty ? {} : { template }) });
}

/** A PostgreSQL server scratch databases can be created on. */
export interface DatabaseServer {
  /** A URL of the server's `postgres` database, for CREATE DATABASE. */
  readonly adminUrl: string;
  /** For logs and reports: "embedded PostgreSQL 17 (port …)" or "DATABASE_URL server host:port". */
  readonly description: string;
  /** Stops the embedded server and removes its directory; nothing for the DATABASE_URL server. Idempotent. */
  close(): Promise<void>;
}

/**
 * The server at DATABASE_URL when it is set, otherwise an embedded
 * PostgreSQL (the app's own `startEmbeddedPostgres`: same binaries, same
 * settings) in `dataDir` or a new temporary directory.
 */
export async function openDatabaseServer(options: { dataDir?: string; label?: string } = {}): Promise<DatabaseServer> {
  const serverUrl = process.env.DATABASE_URL;
  if (serverUrl) return { adminUrl: withDatabase(serverUrl, 'postgres'), description: `DATABASE_URL server ${new URL(serverUrl).host}`, close: async () => undefined };
  const dataDir = options.dataDir ?? makeDataDir(options.label ?? 'frontdesk-pg');
  try {
    const server = await startEmbeddedPostgres({ dataDir });
    let closing: Promise<void> | undefined;
    return {
      adminUrl: server.connectionString('postgres'),
      description: `embedded PostgreSQL 17 (port ${server.port})`,
      close: () => (closing ??= server.stop().then(() => removeDataDir(dataDir))),
    };
  } catch (error) {
    removeDataDir(dataDir);
    throw error;
  }
}

/**
 * A new temporary directory that PostgreSQL can use. mkdtemp makes it 0700:
 * as root, PostgreSQL runs as the `postgres` user, and a directory that user
 * cannot reach makes the cluster move to /var/lib/frontdesk (and outlive the
 * run); 0755 keeps it inside, so one rm removes everything.
 */
export function makeDataDir(label: string, parent = os.tmpdir()): string {
  const dir = mkdtempSync(path.join(parent, `${label}-`));
  chmodSync(dir, 0o755);
  return dir;
}

/** Removes a DATA_DIR-like directory, and its cluster if it had to be placed under /var/lib/frontdesk. */
export function removeDataDir(dataDir: string): void {
  try {
    const link = path.resolve(dataDir, readlinkSync(path.join(dataDir, 'postgres')));
    if (link.startsWith('/var/lib/frontdesk/clusters/')) rmSync(link, { recursive: true, force: true, maxRetries: 5 });
  } catch {
    // not a symlink: the cluster is inside DATA_DIR
  }
  rmSync(dataDir, { recursive: true, force: true, maxRetries: 5 });
}

/**
 * An app stops its embedded PostgreSQL on SIGTERM. Only if it had to be
 * killed can that server outlive it: stop it by the pid it recorded, if that
 * process really works in this cluster (a stale pid may be someone else's),
 * and wait until it has gone, so that its directory can be removed.
 */
export async function stopLeftoverPostgres(dataDir: string): Promise<void> {
  const cluster = path.join(dataDir, 'postgres');
  let pid: number;
  try {
    pid = Number(readFileSync(path.join(cluster, 'postmaster.pid'), 'utf8').split('\n')[0]);
    if (!Number.isInteger(pid) || pid <= 0 || readlinkSync(`/proc/${pid}/cwd`) !== realpathSync(cluster)) return;
    process.kill(pid, 'SIGQUIT');
  } catch {
    return; // no pid file, or no such process
  }
  process.stderr.write(`stopping PostgreSQL (pid ${pid}) left behind in ${dataDir}\n`);
  for (let waited = 0; waited < 10_000; waited += 200) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
  }
  throw new Error(`PostgreSQL (pid ${pid}) in ${dataDir} did not stop`);
}
