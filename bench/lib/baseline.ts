import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from './app';
import { baseEnvironment, freePort, startProcess, waitForHttpOk, type ManagedProcess } from './process';

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
  const port = await freePort();
  const server = startProcess(
    'baseline (static-page-server)',
    process.execPath,
    ['--import', 'tsx', path.join(REPO_ROOT, 'bench/baseline/static-page-server.ts')],
    {
      cwd: REPO_ROOT, // so `--import tsx` resolves from this project's node_modules
      env: { ...baseEnvironment(), NODE_ENV: 'production', PORT: String(port), HOST: '127.0.0.1', BENCH_BODY_FILE: bodyFile, BENCH_CONTENT_TYPE: contentType },
      onStopped: () => rm(dir, { recursive: true, force: true }),
    },
  );
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttpOk(`${url}/`, server, 30_000);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return { url, process: server, stop: () => server.stop() };
}
