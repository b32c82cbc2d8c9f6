import { appendFileSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * What every scenario of one `npm run test:faults` shares, set up by
 * global-setup.ts in environment variables (jest hands them to the test files):
 * a run directory for logs and results, a run id that marks every piece of
 * personal data the scenarios send (so the last scenario can grep the logs
 * for it), and the PostgreSQL server scenarios create their databases on.
 */
export { REPO_ROOT, within } from '../../support/built-app';

export interface RunInfo {
  /** Temporary directory of this run: logs/, results.jsonl, results.md. */
  dir: string;
  /** Lower-case letters and digits; part of every email address and message the scenarios send. */
  id: string;
  /** A server URL on which scenarios may CREATE DATABASE (embedded, or DATABASE_URL's server). */
  adminUrl: string;
  /** "embedded PostgreSQL 17 started by the run" or "DATABASE_URL server host:port". */
  database: string;
  /** REDIS_URL when Redis answered at set-up, else undefined (the Redis scenario is then skipped). */
  redisUrl: string | undefined;
  /** The SESSION_SECRET every instance of the run shares (form tokens must verify on any instance). */
  sessionSecret: string;
  startedAt: number;
}

export function runInfo(): RunInfo {
  const value = process.env.FAULTS_RUN;
  if (!value) throw new Error('tests/faults must run through its jest config (globalSetup): npm run test:faults');
  return JSON.parse(value) as RunInfo;
}

export const logDir = () => path.join(runInfo().dir, 'logs');

/** One row of the results table (global-teardown.ts turns them into Markdown). */
export interface ResultRow {
  scenario: string;
  /** What was done, in a few words. */
  setup: string;
  /** Requests, messages or connections tried. */
  inputs: number;
  /** "held", "survived", "passed", or what went wrong. */
  outcome: string;
  leadsLost: number | null;
  duplicates: number | null;
  notes: string;
  seconds: number;
}

export function recordResult(row: ResultRow): void {
  appendFileSync(path.join(runInfo().dir, 'results.jsonl'), `${JSON.stringify(row)}\n`);
  process.stdout.write(`\n[faults] ${row.scenario}: ${row.outcome} — ${row.notes}\n`);
}

export function readResults(dir: string): ResultRow[] {
  try {
    return readFileSync(path.join(dir, 'results.jsonl'), 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as ResultRow);
  } catch {
    return [];
  }
}

/** A positive number (a count or seconds) from an environment variable, or the default. */
export function numberFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, not "${raw}"`);
  return value;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns a value (not undefined), or throws after `timeoutMs` with `describe()`. */
export async function waitUntil<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs: number, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`);
    await sleep(everyMs);
  }
}
