import type { LoadStats } from './load';

/** Settings shared by every scenario in one run (from BENCH_* variables). */
export interface ScenarioContext {
  /** Measured seconds per target. */
  durationSec: number;
  /** Discarded seconds of load before each measurement. */
  warmupSec: number;
  connections: number;
  /** Progress for the person watching; goes to stderr so stdout stays the report. */
  log(message: string): void;
}

/** One line of the report: a target under HTTP load, or a throughput run (see ThroughputMeasurement). */
export type Measurement = LoadMeasurement | ThroughputMeasurement;

/** One line of the req/s table: one target (baseline or app) under load. */
export interface LoadMeasurement {
  kind?: 'load';
  /** e.g. "baseline (static Express)" or "app GET /articles/:slug". */
  target: string;
  stats: LoadStats;
  /**
   * The status every response must have (default 200). The harness marks the
   * scenario failed when any response differs or any request errors: a run of
   * 429s or 500s measures the error path, not the feature.
   */
  expectStatus?: number;
  /** This target's req/s over the baseline's, and the least acceptable value. */
  ratio?: { value: number; min: number };
}

/**
 * One line of the throughput table: a fixed amount of work done as fast as
 * the code under test can (e.g. the mail dispatcher draining its outbox),
 * rather than a server under HTTP load.
 */
export interface ThroughputMeasurement {
  kind: 'throughput';
  /** e.g. "phase B: 5000 open-hours emails, 1 dispatcher". */
  target: string;
  /** How much was processed, in `unit`s. */
  count: number;
  /** e.g. "emails" or "leads". */
  unit: string;
  seconds: number;
  /** Anything else worth a column: emails sent, duplicates seen, how the work split. */
  detail?: string;
  /** The least acceptable count/seconds, when there is a target. */
  minRate?: number;
  /** Why this is not a valid measurement (failed sends, duplicates, rows left), or undefined. */
  problem?: string;
}

/**
 * A benchmark scenario: measures the app against a baseline in the same run,
 * so the ratio is meaningful on any machine. Register it in scenarios/index.ts.
 * It must stop whatever it starts (try/finally); run.ts also stops everything
 * on Ctrl-C through the clean-ups registered by lib/process.ts.
 */
export interface Scenario {
  /** CLI name: `npm run bench -- <name>`. */
  name: string;
  /** One line for `npm run bench -- --list`. */
  summary: string;
  run(context: ScenarioContext): Promise<Measurement[]>;
}

/** req/s of `target` over req/s of `baseline`, with the target ratio it must reach. */
export function ratioOf(target: LoadStats, baseline: LoadStats, min: number): { value: number; min: number } {
  return { value: baseline.rps > 0 ? target.rps / baseline.rps : 0, min };
}
