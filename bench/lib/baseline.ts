import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, processBasics, REPO_ROOT } from '../../tests/support/built-app';
import { startProcess, waitForHttpOk, type ManagedProcess } from './process';

export interface RunningBaseline {
  readonly url: string;
  readonly process: ManagedProcess;
  stop(): Promise<void>;
}

/**
 * Starts bench/baseline/static-page-server.ts in its own process (through
 * tsx's loader, which costs start-up time only), serving `body` with
 * `contentType` on every GET path. The baseline gets its own process, like the
 * app, so neither shares an event loop with autocannon.
 */
export async function startStaticPageServer(body: Buffer, contentType: string): Promise<RunningBaseline> {
  const dir = await mkdtemp(path.join(tmpdir(), 'frontdesk-bench-baseline-'));
  const bodyFile = path.join(dir, 'body');
  await writeFile(bodyFile, body);
  return startBenchServer({
    name: 'baseline (static-page-server)',
    script: 'bench/baseline/static-page-server.ts',
    env: { BENCH_BODY_FILE: bodyFile, BENCH_CONTENT_TYPE: contentType },
    readyPath: '/',
    onStopped: () => rm(dir, { recursive: true, force: true }),
  });
}

/**
 * Starts bench/baseline/inquiry-insert-server.ts in its own process: bare
 * Express + a `pg` Pool (max 10) doing the app's inserts for an inquiry on
 * `databaseUrl` (which must be migrated and seeded: the app's own database).
 */
export function startInquiryInsertServer(databaseUrl: string): Promise<RunningBaseline> {
  return startBenchServer({
    name: 'baseline (inquiry-insert-server)',
    script: 'bench/baseline/inquiry-insert-server.ts',
    env: { DATABASE_URL: databaseUrl },
    readyPath: '/healthz',
  });
}

/**
 * Starts bench/baseline/inquiry-minimal-server.ts in its own process: bare
 * Express + a `pg` Pool (max 10) storing only a lead row and one notification
 * row per inquiry on `databaseUrl` (migrated and seeded: the app's own database).
 */
export function startInquiryMinimalServer(databaseUrl: string): Promise<RunningBaseline> {
  return startBenchServer({
    name: 'baseline (inquiry-minimal-server)',
    script: 'bench/baseline/inquiry-minimal-server.ts',
    env: { DATABASE_URL: databaseUrl },
    readyPath: '/healthz',
  });
}

/** A TypeScript server of bench/ (a baseline) in its own process, on a free loopback port (PORT), once `readyPath` answers 200. */
export async function startBenchServer(options: {
  name: string;
  /** Relative to the repository root. */
  script: string;
  env: Record<string, string>;
  readyPath: string;
  onStopped?: () => Promise<void>;
}): Promise<RunningBaseline> {
  const port = await freePort();
  const server = startProcess(options.name, process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, options.script)], {
    cwd: REPO_ROOT, // so `--import tsx` resolves from this project's node_modules
    env: { ...processBasics(), NODE_ENV: 'production', PORT: String(port), HOST: '127.0.0.1', ...options.env },
    onStopped: options.onStopped,
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttpOk(`${url}${options.readyPath}`, server, 30_000);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return { url, process: server, stop: () => server.stop() };
}
