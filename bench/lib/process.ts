import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Child processes and clean-up for the harness. Everything the bench starts
 * (servers, temporary databases, directories) registers a clean-up here, so
 * run.ts can undo all of it on Ctrl-C as well as in each scenario's finally.
 */

const cleanups = new Set<() => Promise<void>>();

/** Registers a clean-up; returns a function that unregisters it (call once it has run). */
export function onCleanup(cleanup: () => Promise<void>): () => void {
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

/** Runs every registered clean-up, newest first, each at most once; failures are reported, not thrown. */
export async function cleanUpEverything(): Promise<void> {
  for (const cleanup of [...cleanups].reverse()) {
    cleanups.delete(cleanup);
    await cleanup().catch((error: unknown) => process.stderr.write(`bench: clean-up failed: ${String(error)}\n`));
  }
}

export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  readonly child: ChildProcess;
  /** Settles with the exit code (or signal) once the process has gone. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Whether the process has exited. */
  hasExited(): boolean;
  /** The last output lines (stdout and stderr, interleaved), for error messages. */
  outputTail(): string;
  /** SIGTERM, wait up to `graceMs`, then SIGKILL. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

const TAIL_BYTES = 16_384;

/**
 * Spawns `command args` with piped output (kept as a tail, so the pipes never
 * fill and block the child) and registers its stop as a clean-up.
 */
export function startProcess(
  name: string,
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; onStopped?: () => Promise<void> },
): ManagedProcess {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-TAIL_BYTES);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);

  let exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      exitInfo = { code, signal };
      resolve(exitInfo);
    });
    child.once('error', (error) => {
      keep(Buffer.from(`\n[bench] could not start ${name}: ${error.message}\n`));
      exitInfo = { code: null, signal: null };
      resolve(exitInfo);
    });
  });

  let stopping: Promise<void> | undefined;
  const stop = (graceMs = 20_000): Promise<void> => {
    stopping ??= (async () => {
      if (!exitInfo) {
        child.kill('SIGTERM');
        const gone = await Promise.race([exited.then(() => true), sleep(graceMs).then(() => false)]);
        if (!gone) {
          process.stderr.write(`bench: ${name} (pid ${child.pid}) ignored SIGTERM for ${graceMs} ms; sending SIGKILL\n`);
          child.kill('SIGKILL');
          await exited;
        }
      }
      await options.onStopped?.();
    })().finally(unregister);
    return stopping;
  };
  const unregister = onCleanup(() => stop());

  return {
    name,
    pid: child.pid ?? -1,
    child,
    exited,
    hasExited: () => exitInfo !== undefined,
    outputTail: () => tail,
    stop,
  };
}

/**
 * Polls `url` until it answers 200. Fails early, with the child's output, if
 * the child exits first; fails after `timeoutMs` otherwise.
 */
export async function waitForHttpOk(url: string, child: ManagedProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (child.hasExited()) {
      const { code, signal } = await child.exited;
      throw new Error(`${child.name} exited (code ${code}, signal ${signal}) before ${url} answered 200. Its last output:\n${indent(child.outputTail())}`);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      if (response.status === 200) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await sleep(250);
  }
  throw new Error(`${child.name} did not answer 200 on ${url} within ${Math.round(timeoutMs / 1000)} s (last: ${last}). Its last output:\n${indent(child.outputTail())}`);
}

function indent(text: string): string {
  return text.trimEnd().split('\n').map((line) => `    ${line}`).join('\n');
}
