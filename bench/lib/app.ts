import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readFile, readlink, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { baseEnvironment, freePort, onCleanup, startProcess, waitForHttpOk, type ManagedProcess } from './process';

/** The repository root (bench/lib/ → ../..), where dist/ and node_modules/ live. */
export const REPO_ROOT = path.resolve(__dirname, '../..');

export interface RunningApp {
  /** e.g. http://127.0.0.1:41234, no trailing slash. */
  readonly url: string;
  readonly process: ManagedProcess;
  /** "embedded PostgreSQL" or "database frontdesk_bench_… on <host>". */
  readonly database: string;
  /** SIGTERM (the app stops its embedded PostgreSQL), then drops the database and removes DATA_DIR. Idempotent. */
  stop(): Promise<void>;
}

export interface StartAppOptions {
  /** Extra settings, e.g. `{ INQUIRY_RATE_LIMIT: '1000000/1s' }`; they win over the harness defaults. */
  env?: Record<string, string>;
  /** How long to wait for GET /readyz → 200. First start of an embedded cluster runs initdb. */
  readyTimeoutMs?: number;
  /** Node flags before dist/server.js, e.g. ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] (not allowed in NODE_OPTIONS). */
  nodeArgs?: string[];
}

/**
 * Starts the built app (`node dist/server.js`, as production runs it) in its own
 * process on a free port, with a fresh DATA_DIR and a fresh database, and waits
 * until it is ready. The caller must `stop()` it (run.ts also does on Ctrl-C).
 *
 * With DATABASE_URL set for the bench, a new database is created on that server
 * (and dropped afterwards), so a run never measures or alters someone's data;
 * without it the app starts its embedded PostgreSQL inside DATA_DIR.
 */
export async function startApp(options: StartAppOptions = {}): Promise<RunningApp> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'frontdesk-bench-'));
  // mkdtemp makes 0700. As root the app runs PostgreSQL as the `postgres` user,
  // and a DATA_DIR that user cannot reach makes it move the cluster to
  // /var/lib/frontdesk, where removing DATA_DIR would leave it behind. 0755
  // keeps the cluster inside DATA_DIR, so one rm removes everything.
  await chmod(dataDir, 0o755);

  const undo: Array<() => Promise<void>> = [() => removeDataDir(dataDir)];
  const undoAll = async () => {
    for (const step of undo.splice(0).reverse()) await step();
  };
  // Until the app handle exists, Ctrl-C must still remove what was made so far.
  const unregisterEarly = onCleanup(undoAll);

  try {
    let databaseUrl = '';
    let database = 'embedded PostgreSQL';
    const serverUrl = process.env.DATABASE_URL;
    if (serverUrl) {
      const created = await createScratchDatabase(serverUrl);
      undo.push(created.drop);
      databaseUrl = created.connectionString;
      database = `database ${created.name} on ${new URL(serverUrl).host}`;
    }

    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...baseEnvironment(),
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      SESSION_SECRET: randomBytes(32).toString('hex'),
      DATA_DIR: dataDir,
      // The app reads a .env (dotenv never overrides a variable that is set, even
      // to ""), and the app treats "" as unset: so a developer's .env cannot
      // point the bench at their database. cwd is DATA_DIR for the same reason.
      DATABASE_URL: databaseUrl,
      ...options.env,
    };

    const app = startProcess('app (node dist/server.js)', process.execPath, [...(options.nodeArgs ?? []), path.join(REPO_ROOT, 'dist/server.js')], {
      cwd: dataDir,
      env,
      onStopped: async () => {
        await stopOrphanedPostgres(dataDir);
        await undoAll();
      },
    });
    unregisterEarly();

    const url = `http://127.0.0.1:${port}`;
    try {
      await waitForHttpOk(`${url}/readyz`, app, options.readyTimeoutMs ?? 90_000);
    } catch (error) {
      await app.stop();
      throw error;
    }
    return { url, process: app, database, stop: () => app.stop() };
  } catch (error) {
    unregisterEarly();
    await undoAll();
    throw error;
  }
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

async function withClient<T>(connectionString: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * The app runs PostgreSQL in its own process group and stops it on SIGTERM.
 * Only if the app had to be SIGKILLed can that server outlive it; it is ours
 * (started for this run, in our DATA_DIR), so stop it by the pid it recorded
 * before its directory is removed.
 */
async function stopOrphanedPostgres(dataDir: string): Promise<void> {
  const cluster = path.join(dataDir, 'postgres');
  const pidFile = await readFile(path.join(cluster, 'postmaster.pid'), 'utf8').catch(() => undefined);
  const pid = Number(pidFile?.split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return;
  // A stale file's pid may belong to someone else by now: only a postmaster
  // working in this cluster is ours (the same test the app itself uses).
  const [cwd, clusterPath] = await Promise.all([readlink(`/proc/${pid}/cwd`).catch(() => ''), realpath(cluster).catch(() => cluster)]);
  if (cwd !== clusterPath) return;
  try {
    process.kill(pid, 'SIGINT'); // PostgreSQL's "fast" shutdown
  } catch {
    return; // already gone
  }
  for (let waited = 0; waited < 10_000; waited += 200) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
  }
  process.stderr.write(`bench: PostgreSQL (pid ${pid}) from ${dataDir} did not stop; leaving ${dataDir} in place\n`);
  throw new Error('embedded PostgreSQL still running');
}

async function removeDataDir(dataDir: string): Promise<void> {
  // If the cluster was relocated anyway (see chmod above), remove it too, but
  // only the exact directory the app recorded for this DATA_DIR.
  const link = await readlink(path.join(dataDir, 'postgres')).catch(() => undefined);
  if (link && path.resolve(dataDir, link).startsWith('/var/lib/frontdesk/clusters/')) {
    await rm(path.resolve(dataDir, link), { recursive: true, force: true });
  }
  await rm(dataDir, { recursive: true, force: true });
}
