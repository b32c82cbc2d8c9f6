import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, createWriteStream, mkdtempSync, readFileSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { logDir, REPO_ROOT, runInfo, sleep, within } from './run';

/**
 * The built app as production runs it: `node dist/server.js` (web, with the
 * dispatcher unless DISPATCHER=off) and `node dist/worker.js` (dispatcher
 * only), spawned directly (npm does not forward SIGTERM), on 127.0.0.1 and a
 * port the OS picks (PORT=0; the port is read from the `server.listening` log
 * event). Every line a process writes goes to <run dir>/logs/, and its JSON
 * log events are kept so a scenario can count them (`notification.sent` per
 * process says who sent what).
 */

export const ADMISSIONS = 'admissions@college.test';
/** Every day, all day: the built app reads the real clock, and open-hours mail must go out now. */
export const ALWAYS_OPEN = 'Mon-Sun 00:00-24:00';

export interface LogEvent {
  level: number;
  event?: string;
  kind?: string;
  count?: number;
  status?: number;
  path?: string;
  msg?: string;
  /** ms since the epoch, from pino's `time`. */
  time: number;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Date.now() when the process was seen to exit. */
  at: number;
}

export interface Instance {
  readonly name: string;
  readonly role: 'web' | 'worker';
  readonly pid: number;
  /** http://127.0.0.1:<port> for a web process, '' for a worker. */
  readonly url: string;
  readonly logFile: string;
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

export interface InstanceOptions {
  name: string;
  databaseUrl: string;
  smtpUrl: string;
  /** Settings over the run's defaults (office always open, high rate limit, auto-reply on, info logs). */
  env?: Record<string, string>;
  /** How long start-up may take (migrations, seeding). */
  readyTimeoutMs?: number;
}

const live = new Set<{ child: ChildProcess; name: string }>();
process.once('exit', () => {
  // A failed scenario must not leave servers running: last resort, synchronous.
  for (const { child } of live) child.kill('SIGKILL');
});

/** Only what a process needs from our environment; never the caller's app settings (OFFICE_HOURS, REDIS_URL…). */
function baseEnvironment(): NodeJS.ProcessEnv {
  const keep = ['PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'TMPDIR', 'LANG', 'LC_ALL', 'TZ'];
  return Object.fromEntries(keep.filter((key) => process.env[key] !== undefined).map((key) => [key, process.env[key]]));
}

export function appEnvironment(options: Pick<InstanceOptions, 'databaseUrl' | 'smtpUrl' | 'env'>, dataDir: string): NodeJS.ProcessEnv {
  const run = runInfo();
  return {
    ...baseEnvironment(),
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: '0',
    BASE_URL: 'http://enroll.college.test',
    DATABASE_URL: options.databaseUrl,
    DATA_DIR: dataDir,
    SMTP_URL: options.smtpUrl,
    ADMISSIONS_EMAIL: ADMISSIONS,
    MAIL_FROM: 'Admissions <admissions@college.test>',
    SESSION_SECRET: run.sessionSecret,
    OFFICE_TIMEZONE: 'America/New_York',
    OFFICE_HOURS: ALWAYS_OPEN,
    OFFICE_HOLIDAYS: '',
    INQUIRY_RATE_LIMIT: '1000000/1m',
    AUTOREPLY: 'on',
    DISPATCHER: 'on',
    LOG_LEVEL: 'info',
    // Set explicitly (to "" = unset for the app): a .env must not point an instance elsewhere.
    REDIS_URL: '',
    TRUST_PROXY: '',
    ...options.env,
  };
}

let counter = 0;

function newDataDir(name: string): string {
  const dir = mkdtempSync(path.join(runInfo().dir, `app-${name}-`));
  chmodSync(dir, 0o755);
  return dir;
}

function launch(role: 'web' | 'worker', options: InstanceOptions): { instance: Instance; ready: Promise<void> } {
  counter += 1;
  const dataDir = newDataDir(options.name);
  const script = path.join(REPO_ROOT, role === 'web' ? 'dist/server.js' : 'dist/worker.js');
  // cwd is DATA_DIR: dotenv reads .env from the working directory, and there is none there.
  const child = spawn(process.execPath, [...(process.env.FAULTS_DEBUG_PRELOAD ? ['--require', process.env.FAULTS_DEBUG_PRELOAD] : []), script], { cwd: dataDir, env: appEnvironment(options, dataDir), stdio: ['ignore', 'pipe', 'pipe'] });
  const entry = { child, name: options.name };
  live.add(entry);
  const pid = child.pid ?? -1;
  const logFile = path.join(logDir(), `${String(counter).padStart(3, '0')}-${options.name}-${role}-${pid}.log`);
  const log: WriteStream = createWriteStream(logFile);
  const events: LogEvent[] = [];
  let tail: string[] = [];
  let port: number | undefined;
  let portSeen: (() => void) | undefined;
  let startedSeen: (() => void) | undefined;

  const onLine = (line: string) => {
    log.write(`${line}\n`);
    tail.push(line);
    if (tail.length > 40) tail = tail.slice(-40);
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
      };
      events.push(event);
      if (event.event === 'server.listening' && typeof parsed.port === 'number') {
        port = parsed.port;
        portSeen?.();
      }
      if (event.event === 'worker.started') startedSeen?.();
    } catch {
      // not a log event (a stack trace line, say): kept in the file only
    }
  };
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) readline.createInterface({ input: stream, crlfDelay: Infinity }).on('line', onLine);
  }

  let exitInfo: Exit | undefined;
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => {
      exitInfo = { code, signal, at: Date.now() };
      live.delete(entry);
      resolve(exitInfo);
    });
    child.once('error', (error) => {
      onLine(`[faults] could not start ${options.name}: ${error.message}`);
      exitInfo = { code: null, signal: null, at: Date.now() };
      live.delete(entry);
      resolve(exitInfo);
    });
  });
  // Let the output drain into the file before anyone reads it.
  const closed = new Promise<void>((resolve) => child.once('close', () => log.end(resolve)));

  const instance: Instance = {
    name: options.name,
    role,
    pid,
    get url() {
      return port === undefined ? '' : `http://127.0.0.1:${port}`;
    },
    logFile,
    exited: exited.then(async (exit) => {
      await within(closed, 2_000);
      return exit;
    }),
    hasExited: () => exitInfo !== undefined,
    events: (name) => (name ? events.filter((event) => event.event === name) : events),
    sent: (kind) => events.filter((event) => event.event === 'notification.sent' && (!kind || event.kind === kind)).reduce((sum, event) => sum + (event.count ?? 0), 0),
    errors: () => events.filter((event) => event.level >= 50),
    rssBytes: () => {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
      return match ? Number(match[1]) * 1024 : 0;
    },
    tail: () => tail.join('\n'),
    async terminate(graceMs = 20_000) {
      const began = Date.now();
      if (!exitInfo) child.kill('SIGTERM');
      if (!(await within(instance.exited, graceMs))) child.kill('SIGKILL');
      const exit = await instance.exited;
      return { ...exit, ms: exit.at - began };
    },
    async kill() {
      if (!exitInfo) child.kill('SIGKILL');
      return instance.exited;
    },
  };

  const timeoutMs = options.readyTimeoutMs ?? 90_000;
  const ready = (async () => {
    const signal = new Promise<void>((resolve) => {
      if (role === 'web') portSeen = resolve;
      else startedSeen = resolve;
    });
    const state: { outcome: 'ready' | 'exited' | 'timeout' } = { outcome: 'timeout' };
    await within(Promise.race([signal.then(() => (state.outcome = 'ready')), exited.then(() => (state.outcome = 'exited'))]), timeoutMs);
    const { outcome } = state;
    if (outcome !== 'ready') {
      await instance.kill();
      throw new Error(`${options.name} (${role}) ${outcome === 'exited' ? 'exited' : `was not ready within ${timeoutMs / 1000} s`} during start-up. Its last output:\n${instance.tail()}`);
    }
    if (role === 'web') {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const status = await fetch(`${instance.url}/readyz`, { signal: AbortSignal.timeout(5_000) }).then((response) => response.status, () => 0);
        if (status === 200) break;
        if (Date.now() > deadline) throw new Error(`${options.name}: /readyz never answered 200`);
        await sleep(200);
      }
    }
  })();
  return { instance, ready };
}

/** `node dist/server.js`, ready (listening and /readyz 200). */
export async function startWeb(options: InstanceOptions): Promise<Instance> {
  const { instance, ready } = launch('web', options);
  await ready;
  return instance;
}

/** `node dist/worker.js`, ready (its dispatcher started). */
export async function startWorker(options: InstanceOptions): Promise<Instance> {
  const { instance, ready } = launch('worker', options);
  await ready;
  return instance;
}

/** Stops every instance a scenario started that is still running (SIGTERM, SIGKILL after 15 s). */
export async function stopAll(instances: Array<Instance | undefined>): Promise<void> {
  await Promise.all(instances.map((instance) => (instance && !instance.hasExited() ? instance.terminate(15_000) : undefined)));
}

/**
 * `node dist/cli.js <args>` on a database. stdout is returned and not logged
 * (staff:token prints the token there, by design); stderr goes to the logs.
 */
export async function runCli(args: string[], options: { databaseUrl: string; env?: Record<string, string> }): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const dataDir = newDataDir('cli');
  const env = { ...appEnvironment({ databaseUrl: options.databaseUrl, smtpUrl: '', env: options.env }, dataDir), LOG_LEVEL: 'warn' };
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'dist/cli.js'), ...args], { cwd: dataDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  counter += 1;
  const log = createWriteStream(path.join(logDir(), `${String(counter).padStart(3, '0')}-cli-${args[0] ?? ''}-${child.pid}.stderr.log`));
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
    log.write(chunk);
  });
  const code = await new Promise<number | null>((resolve) => child.once('close', (exitCode) => resolve(exitCode)));
  await new Promise<void>((resolve) => log.end(resolve));
  return { code, stdout, stderr };
}
