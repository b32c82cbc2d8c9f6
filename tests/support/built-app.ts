import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import readline from 'node:readline';
import { createScratchDatabase, makeDataDir, openDatabaseServer, removeDataDir, stopLeftoverPostgres, type DatabaseServer, type ScratchDatabase } from './scratch-database';

/**
 * The one launcher of the BUILT app (dist/), for the browser tests, the fault
 * tests and the bench: `node dist/server.js` or `node dist/worker.js` as
 * production runs them, spawned directly (npm does not forward SIGTERM), on
 * 127.0.0.1, in a DATA_DIR of their own that is also the working directory
 * (the app reads a .env from there, and there is none).
 *
 * - `launchBuiltApp` starts one process with exactly the settings given and
 *   waits until it is ready; it keeps its output (a tail, every line in
 *   `logFile` if asked) and its JSON log events.
 * - `startBuiltApp` adds what one app needs around it: a free port (also its
 *   BASE_URL), a session secret, a DATA_DIR and a database of its own, and
 *   removes them all on `stop()`.
 */

/** The repository root: dist/ holds the built app. */
export const REPO_ROOT = path.resolve(__dirname, '../..');

export interface LogEvent {
  level: number;
  event?: string;
  kind?: string;
  count?: number;
  status?: number;
  path?: string;
  msg?: string;
  /** A duration the event reports (the dispatcher's `lead.routing`), and that event's batch. */
  ms?: number;
  batch?: string;
  /** ms since the epoch, from pino's `time`. */
  time: number;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Date.now() when the process was seen to exit. */
  at: number;
}

export interface AppProcess {
  readonly name: string;
  readonly role: 'web' | 'worker';
  readonly pid: number;
  /** http://127.0.0.1:<port> for a web process, '' for a worker. */
  readonly url: string;
  readonly exited: Promise<Exit>;
  hasExited(): boolean;
  /** Parsed JSON log events, optionally only those named `event`. */
  events(event?: string): LogEvent[];
  /** Messages this process marked sent (sum of `notification.sent` counts), optionally of one kind. */
  sent(kind?: 'admissions' | 'autoreply'): number;
  /** Log events at error level or above (pino: 50+). */
  errors(): LogEvent[];
  /** Resident set size now, from /proc. */
  rssBytes(): number;
  /** The last lines of output, for failure messages. */
  tail(): string;
  /** SIGTERM, and the exit (or SIGKILL after `graceMs`). */
  terminate(graceMs?: number): Promise<Exit & { ms: number }>;
  /** SIGKILL, and the exit. */
  kill(): Promise<Exit>;
}

export interface LaunchOptions {
  name: string;
  role?: 'web' | 'worker';
  /** The whole environment of the process (start from `processBasics()`); PORT=0 lets the OS pick (needs LOG_LEVEL info to read it). */
  env: Record<string, string | undefined>;
  /** Working directory: the app's DATA_DIR. */
  cwd: string;
  /** Node flags before the script, e.g. ['--cpu-prof'] (not allowed in NODE_OPTIONS). */
  nodeArgs?: string[];
  /** Every line the process writes goes here too. */
  logFile?: string;
  /** How long start-up may take (the first start of an embedded cluster runs initdb; migrations, seeding). */
  readyTimeoutMs?: number;
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  // A failed test must not leave servers running: last resort, synchronous.
  for (const child of live) child.kill('SIGKILL');
});

/** Only what a process needs to run: a developer's OFFICE_HOURS, REDIS_URL or NODE_OPTIONS must not change the app under test. */
export function processBasics(): Record<string, string> {
  const keep = ['PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'TMPDIR', 'TMP', 'TEMP', 'LANG', 'LC_ALL', 'TERM', 'TZ'];
  return Object.fromEntries(keep.flatMap((name) => (process.env[name] === undefined ? [] : [[name, process.env[name]!]])));
}

/** A free TCP port on the loopback interface (another process could take it first; the app then fails loudly). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Whether `promise` settles within `ms` (its timer is cleared either way, so nothing keeps jest waiting). */
export async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(resolve, ms, false)));
  try {
    return await Promise.race([promise.then(() => true, () => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Starts one process of the built app and waits until it is ready: a web process answers /readyz 200, a worker has logged `worker.started`. */
export async function launchBuiltApp(options: LaunchOptions): Promise<AppProcess> {
  const role = options.role ?? 'web';
  const script = path.join(REPO_ROOT, role === 'web' ? 'dist/server.js' : 'dist/worker.js');
  if (!existsSync(script)) throw new Error(`${path.relative(REPO_ROOT, script)} is missing: run \`npm run build\` (the test:e2e, test:faults and bench scripts build first).`);
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), script], { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  const pid = child.pid ?? -1;
  const log = options.logFile ? createWriteStream(options.logFile) : undefined;
  const events: LogEvent[] = [];
  let tail: string[] = [];
  let port = Number(options.env.PORT) || undefined;
  let signalReady: (() => void) | undefined;

  const onLine = (line: string) => {
    log?.write(`${line}\n`);
    tail.push(line);
    if (tail.length > 60) tail = tail.slice(-40);
    if (!line.startsWith('{')) return;
    try {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      const event: LogEvent = {
        level: Number(parsed.level),
        time: Number(parsed.time),
        ...(typeof parsed.event === 'string' ? { event: parsed.event } : {}),
        ...(typeof parsed.kind === 'string' ? { kind: parsed.kind } : {}),
        ...(typeof parsed.count === 'number' ? { count: parsed.count } : {}),
        ...(typeof parsed.status === 'number' ? { status: parsed.status } : {}),
        ...(typeof parsed.path === 'string' ? { path: parsed.path } : {}),
        ...(typeof parsed.msg === 'string' ? { msg: parsed.msg.slice(0, 300) } : {}),
        ...(typeof parsed.ms === 'number' ? { ms: parsed.ms } : {}),
        ...(typeof parsed.batch === 'string' ? { batch: parsed.batch } : {}),
      };
      events.push(event);
      if (event.event === 'server.listening' && typeof parsed.port === 'number') {
        port = parsed.port;
        signalReady?.();
      }
      if (event.event === 'worker.started') signalReady?.();
    } catch {
      // not a log event (a stack trace line, say): kept in the tail and the file only
    }
  };
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) readline.createInterface({ input: stream, crlfDelay: Infinity }).on('line', onLine);
  }

  let exitInfo: Exit | undefined;
  const exitSeen = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => {
      exitInfo = { code, signal, at: Date.now() };
      live.delete(child);
      resolve(exitInfo);
    });
    child.once('error', (error) => {
      onLine(`could not start ${options.name}: ${error.message}`);
      exitInfo = { code: null, signal: null, at: Date.now() };
      live.delete(child);
      resolve(exitInfo);
    });
  });
  // Let the output drain (into the file) before anyone reads it.
  const closed = new Promise<void>((resolve) => child.once('close', () => (log ? log.end(resolve) : resolve())));
  const exited = exitSeen.then(async (exit) => {
    await within(closed, 2_000);
    return exit;
  });

  const instance: AppProcess = {
    name: options.name,
    role,
    pid,
    get url() {
      return role === 'web' && port !== undefined ? `http://127.0.0.1:${port}` : '';
    },
    exited,
    hasExited: () => exitInfo !== undefined,
    events: (name) => (name ? events.filter((event) => event.event === name) : events),
    sent: (kind) => events.filter((event) => event.event === 'notification.sent' && (!kind || event.kind === kind)).reduce((sum, event) => sum + (event.count ?? 0), 0),
    errors: () => events.filter((event) => event.level >= 50),
    rssBytes: () => {
      const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      return match ? Number(match[1]) * 1024 : 0;
    },
    tail: () => tail.join('\n'),
    async terminate(graceMs = 20_000) {
      const began = Date.now();
      if (!exitInfo) child.kill('SIGTERM');
      if (!(await within(exited, graceMs))) {
        process.stderr.write(`${options.name} (pid ${pid}) ignored SIGTERM for ${graceMs} ms; killing it\n`);
        child.kill('SIGKILL');
      }
      const exit = await exited;
      return { ...exit, ms: exit.at - began };
    },
    async kill() {
      if (!exitInfo) child.kill('SIGKILL');
      return exited;
    },
  };

  const timeoutMs = options.readyTimeoutMs ?? 90_000;
  const failed = async (why: string) => {
    await instance.kill();
    return new Error(`${options.name} (${role}) ${why} during start-up. Its last output:\n${instance.tail()}`);
  };
  // A fixed port needs no log event: /readyz says when the app is ready.
  if (role === 'worker' || port === undefined) {
    const seen = new Promise<void>((resolve) => (signalReady = resolve));
    const state: { outcome: 'ready' | 'exited' | 'timeout' } = { outcome: 'timeout' };
    await within(Promise.race([seen.then(() => (state.outcome = 'ready')), exitSeen.then(() => (state.outcome = 'exited'))]), timeoutMs);
    if (state.outcome !== 'ready') throw await failed(state.outcome === 'exited' ? 'exited' : `was not ready within ${timeoutMs / 1000} s`);
  }
  if (role === 'web') {
    const deadline = Date.now() + timeoutMs;
    let last = 'no answer yet';
    for (;;) {
      if (exitInfo) throw await failed(`exited (code ${exitInfo.code}, signal ${exitInfo.signal})`);
      try {
        const response = await fetch(`${instance.url}/readyz`, { signal: AbortSignal.timeout(5_000) });
        await response.arrayBuffer();
        if (response.status === 200) break;
        last = `HTTP ${response.status}`;
      } catch (error) {
        last = (error as Error).message;
      }
      if (Date.now() > deadline) throw await failed(`did not answer 200 on /readyz within ${timeoutMs / 1000} s (last: ${last})`);
      await sleep(100);
    }
  }
  return instance;
}

/** `node dist/cli.js <args>`: the exit code and the output (stdout is never logged: staff:token prints the token there). */
export function runBuiltCli(args: string[], options: { env: Record<string, string | undefined>; cwd: string; timeoutMs?: number }): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(REPO_ROOT, 'dist/cli.js'), ...args], { cwd: options.cwd, env: options.env, timeout: options.timeoutMs ?? 60_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({ code, stdout, stderr: error && code === null ? `${stderr}${error.message}\n` : stderr });
    });
  });
}

export interface BuiltApp {
  /** http://127.0.0.1:<port>, also the app's BASE_URL (the inquiry form checks Origin against it). */
  readonly url: string;
  readonly pid: number;
  /** The settings the app runs with now. */
  readonly env: Readonly<Record<string, string>>;
  /** The app's DATABASE_URL when the caller can reach the database too ('' when the app runs its own embedded PostgreSQL). */
  readonly databaseUrl: string;
  /** For logs: "embedded PostgreSQL in DATA_DIR", or the scratch database and its server. */
  readonly database: string;
  /** `node dist/cli.js …` against the app's database; resolves with stdout, rejects with the output on a non-zero exit. */
  cli(args: string[], extraEnv?: Record<string, string>): Promise<string>;
  /** Stops the app (SIGTERM, waits) and starts it again on the same port and database with some settings changed. */
  restart(changes: Record<string, string>): Promise<void>;
  /** The app's last output lines, for failure messages. */
  output(): string;
  /** SIGTERM and wait, then drop the database and remove DATA_DIR. Idempotent. */
  stop(): Promise<void>;
}

export interface StartBuiltAppOptions {
  /** Settings over the defaults (production, LOG_LEVEL warn, a high inquiry rate limit: every request comes from 127.0.0.1). */
  env?: Record<string, string>;
  /**
   * The caller reaches the app's database too: without DATABASE_URL a
   * PostgreSQL server of its own is started for the app (instead of the app
   * starting one in DATA_DIR), so `databaseUrl` is always set.
   */
  sharedDatabase?: boolean;
  nodeArgs?: string[];
  readyTimeoutMs?: number;
}

/**
 * The built app on a free port with a database of its own: a new database on
 * the DATABASE_URL server when that is set (dropped by `stop()`), otherwise
 * the app's embedded PostgreSQL in a fresh DATA_DIR (or, with
 * `sharedDatabase`, an embedded server started here).
 */
export async function startBuiltApp(options: StartBuiltAppOptions = {}): Promise<BuiltApp> {
  const dataDir = makeDataDir('frontdesk-app');
  let server: DatabaseServer | undefined;
  let database: ScratchDatabase | undefined;
  let running: AppProcess | undefined;
  const cleanUp = async () => {
    await database?.drop();
    await server?.close();
    await stopLeftoverPostgres(dataDir);
    removeDataDir(dataDir);
  };

  try {
    if (process.env.DATABASE_URL || options.sharedDatabase) {
      server = await openDatabaseServer({ label: 'frontdesk-app-pg' });
      database = await createScratchDatabase(server.adminUrl, { prefix: 'frontdesk_app' });
    }
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
      // set: a developer's .env cannot point the app at their database.
      DATABASE_URL: database?.connectionString ?? '',
      LOG_LEVEL: 'warn',
      INQUIRY_RATE_LIMIT: '1000/1m',
      ...options.env,
    };
    const launch = () => launchBuiltApp({ name: 'app (node dist/server.js)', env, cwd: dataDir, nodeArgs: options.nodeArgs, readyTimeoutMs: options.readyTimeoutMs });
    running = await launch();

    let stopping: Promise<void> | undefined;
    return {
      url,
      get pid() {
        return running?.pid ?? -1;
      },
      get env() {
        return env;
      },
      databaseUrl: database?.connectionString ?? '',
      database: database && server ? `database ${database.name} on ${server.description}` : 'embedded PostgreSQL in DATA_DIR',
      async cli(args, extraEnv = {}) {
        const result = await runBuiltCli(args, { env: { ...env, ...extraEnv }, cwd: dataDir });
        if (result.code !== 0) throw new Error(`cli ${args[0]} failed (exit ${result.code}):\n${result.stdout}${result.stderr}`);
        return result.stdout;
      },
      async restart(changes) {
        await running?.terminate();
        env = { ...env, ...changes };
        running = await launch();
      },
      output: () => running?.tail() ?? '',
      stop: () =>
        (stopping ??= (async () => {
          await running?.terminate();
          await cleanUp();
        })()),
    };
  } catch (error) {
    await running?.terminate();
    await cleanUp();
    throw error;
  }
}
