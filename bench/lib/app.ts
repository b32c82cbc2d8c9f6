import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readFile, readlink, realpath } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openScratchDatabase, removeDataDir } from './database';
import { baseEnvironment, freePort, onCleanup, startProcess, waitForHttpOk, type ManagedProcess } from './process';

/** The repository root (bench/lib/ → ../..), where dist/ and node_modules/ live. */
export const REPO_ROOT = path.resolve(__dirname, '../..');

export interface RunningApp {
  /** e.g. http://127.0.0.1:41234, no trailing slash. */
  readonly url: string;
  readonly process: ManagedProcess;
  /** "embedded PostgreSQL", "database frontdesk_bench_… on <host>" or "embedded PostgreSQL started by the bench (port …)". */
  readonly database: string;
  /**
   * The app's DATABASE_URL, when the bench knows it: with DATABASE_URL set for
   * the bench, or with `sharedDatabase`. Undefined when the app runs its own
   * embedded PostgreSQL.
   */
  readonly databaseUrl: string | undefined;
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
  /**
   * The bench connects to the app's database too (a baseline writing to the
   * same database, or counting what the app stored): without DATABASE_URL the
   * bench starts the embedded PostgreSQL itself (lib/database.ts) and gives the
   * app its connection string, instead of the app starting one in DATA_DIR.
   * Either way `databaseUrl` is then set. With DATABASE_URL nothing changes.
   */
  sharedDatabase?: boolean;
}

/**
 * Starts the built app (`node dist/server.js`, as production runs it) in its own
 * process on a free port, with a fresh DATA_DIR and a fresh database, and waits
 * until it is ready. The caller must `stop()` it (run.ts also does on Ctrl-C).
 *
 * With DATABASE_URL set for the bench, a new database is created on that server
 * (and dropped afterwards), so a run never measures or alters someone's data;
 * without it the app starts its embedded PostgreSQL inside DATA_DIR, unless
 * `sharedDatabase` asks the bench to start that server itself (see there).
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
    if (process.env.DATABASE_URL || options.sharedDatabase) {
      const scratch = await openScratchDatabase();
      undo.push(scratch.close);
      databaseUrl = scratch.connectionString;
      database = scratch.description;
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
    return { url, process: app, database, databaseUrl: databaseUrl || undefined, stop: () => app.stop() };
  } catch (error) {
    unregisterEarly();
    await undoAll();
    throw error;
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
