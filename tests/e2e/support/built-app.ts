import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, readlinkSync, realpathSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { withDatabase } from '../../helpers/global-setup';
import { withClient } from '../../helpers/test-database';

/** The repository root: dist/ holds the built app the tests drive. */
export const REPO_ROOT = path.resolve(__dirname, '../../..');

export interface BuiltApp {
  /** http://127.0.0.1:<port>, also the app's BASE_URL (the inquiry form checks Origin against it). */
  readonly url: string;
  /** The settings the app runs with now. */
  readonly env: Readonly<Record<string, string>>;
  /** `node dist/cli.js …` against the app's database; resolves with stdout, rejects with the output on a non-zero exit. */
  cli(args: string[], extraEnv?: Record<string, string>): Promise<string>;
  /** Stops the app (SIGTERM, waits) and starts it again on the same port and database with some settings changed. */
  restart(changes: Record<string, string>): Promise<void>;
  /** The app's last output lines, for failure messages. */
  output(): string;
  /** SIGTERM and wait, then drop the database or remove DATA_DIR. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts the built app as production runs it (`node dist/server.js`, spawned
 * directly so SIGTERM reaches it) on a free port with a database of its own:
 * the app's embedded PostgreSQL in a fresh DATA_DIR when DATABASE_URL is
 * unset, otherwise a new database on that server, dropped by `stop()`.
 * `env` adds or overrides settings (OFFICE_HOURS, SMTP_URL, …).
 */
export async function startBuiltApp(options: { env?: Record<string, string> } = {}): Promise<BuiltApp> {
  const server = path.join(REPO_ROOT, 'dist/server.js');
  if (!existsSync(server)) throw new Error('dist/server.js is missing: run the e2e tests with `npm run test:e2e`, which builds first.');

  const dataDir = mkdtempSync(path.join(tmpdir(), 'frontdesk-e2e-'));
  // mkdtemp makes 0700. As root the app runs PostgreSQL as the `postgres` user;
  // a DATA_DIR that user can reach keeps the cluster inside it, so one rm removes all.
  chmodSync(dataDir, 0o755);
  const database = process.env.DATABASE_URL ? await createDatabase(process.env.DATABASE_URL) : undefined;

  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let env: Record<string, string> = {
    ...processBasics(),
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
    BASE_URL: url,
    SESSION_SECRET: randomBytes(32).toString('hex'),
    DATA_DIR: dataDir,
    // "" is "unset" for the app, and dotenv never overrides a variable that is
    // set: a developer's .env cannot point the tests at their database.
    DATABASE_URL: database?.url ?? '',
    LOG_LEVEL: 'warn',
    // Every inquiry of the run comes from 127.0.0.1.
    INQUIRY_RATE_LIMIT: '1000/1m',
    ...options.env,
  };

  let running: Running | undefined;
  const cleanUp = () => {
    stopLeftoverPostgres(dataDir);
    removeDataDir(dataDir);
    return database?.drop();
  };
  try {
    running = await launch(server, env, dataDir);
  } catch (error) {
    await cleanUp();
    throw error;
  }

  let stopping: Promise<void> | undefined;
  return {
    url,
    get env() {
      return env;
    },
    cli: (args, extraEnv = {}) => runCli(args, { ...env, ...extraEnv }, dataDir),
    async restart(changes) {
      await running?.stop();
      env = { ...env, ...changes };
      running = await launch(server, env, dataDir);
    },
    output: () => running?.output() ?? '',
    stop: () =>
      (stopping ??= (async () => {
        await running?.stop();
        await cleanUp();
      })()),
  };
}

interface Running {
  output(): string;
  stop(): Promise<void>;
}

async function launch(server: string, env: Record<string, string>, cwd: string): Promise<Running> {
  // cwd is DATA_DIR: the app reads a .env from its working directory.
  const child = spawn(process.execPath, [server], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-16_384);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', (error) => {
      keep(Buffer.from(`could not start the app: ${error.message}\n`));
      resolve();
    });
  });
  const running: Running = { output: () => tail, stop: () => stopChild(child, exited) };
  try {
    await waitUntilReady(`http://${env.HOST}:${env.PORT}/readyz`, child, () => tail);
  } catch (error) {
    await running.stop();
    throw error;
  }
  return running;
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const stopped = await Promise.race([exited.then(() => true), new Promise<false>((resolve) => (timer = setTimeout(resolve, 20_000, false)))]);
  clearTimeout(timer);
  if (!stopped) {
    process.stderr.write(`e2e: the app (pid ${child.pid}) ignored SIGTERM for 20 s; killing it\n`);
    child.kill('SIGKILL');
    await exited;
  }
}

async function waitUntilReady(url: string, child: ChildProcess, output: () => string): Promise<void> {
  // The first start of an embedded cluster runs initdb: a few seconds.
  const deadline = Date.now() + 90_000;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`The app exited (code ${child.exitCode}, signal ${child.signalCode}) before it was ready. Its output:\n${output()}`);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      if (response.status === 200) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await sleep(100);
  }
  throw new Error(`The app did not become ready on ${url} (last: ${last}). Its output:\n${output()}`);
}

function runCli(args: string[], env: Record<string, string>, cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [path.join(REPO_ROOT, 'dist/cli.js'), ...args], { cwd, env, timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`cli ${args[0]} failed (${error.message.split('\n')[0]}):\n${stdout}${stderr}`));
      else resolve(stdout);
    });
  });
}

/** Only what a process needs to run: a developer's OFFICE_HOURS or REDIS_URL must not change the app under test. */
function processBasics(): Record<string, string> {
  const keep = ['PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'TMPDIR', 'LANG', 'LC_ALL', 'TERM'];
  return Object.fromEntries(keep.flatMap((name) => (process.env[name] === undefined ? [] : [[name, process.env[name]!]])));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

/** A new database on the server at `serverUrl`, for this app only. */
async function createDatabase(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  // An unquoted lower-case identifier: safe to interpolate, easy to spot and drop by hand.
  const name = `frontdesk_e2e_${process.pid}_${randomBytes(4).toString('hex')}`;
  await withClient(serverUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  return { url: withDatabase(serverUrl, name), drop: () => withClient(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined) };
}


/**
 * The app stops its embedded PostgreSQL on SIGTERM. Only if it had to be
 * killed can that server outlive it: stop it by the pid it recorded, if that
 * process really works in this cluster (a stale pid may be someone else's).
 */
function stopLeftoverPostgres(dataDir: string): void {
  const cluster = path.join(dataDir, 'postgres');
  let pid: number;
  try {
    pid = Number(readFileSync(path.join(cluster, 'postmaster.pid'), 'utf8').split('\n')[0]);
    if (!Number.isInteger(pid) || pid <= 0 || readlinkSync(`/proc/${pid}/cwd`) !== realpathSync(cluster)) return;
  } catch {
    return; // no pid file, or no such process
  }
  process.stderr.write(`e2e: stopping PostgreSQL (pid ${pid}) left behind in ${dataDir}\n`);
  process.kill(pid, 'SIGQUIT');
}

/** DATA_DIR, and its cluster if the app had to place it under /var/lib/frontdesk. */
function removeDataDir(dataDir: string): void {
  try {
    const link = path.resolve(dataDir, readlinkSync(path.join(dataDir, 'postgres')));
    if (link.startsWith('/var/lib/frontdesk/clusters/')) rmSync(link, { recursive: true, force: true, maxRetries: 5 });
  } catch {
    // not a symlink: the cluster is inside DATA_DIR
  }
  rmSync(dataDir, { recursive: true, force: true, maxRetries: 5 });
}
