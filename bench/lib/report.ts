import { cpus, release, totalmem, type as osType } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { readFileSync } from 'node:fs';
import { problemWith } from './load';
import type { Measurement, ThroughputMeasurement } from './scenario';

export type ScenarioOutcome = { scenario: string; measurements: Measurement[] } | { scenario: string; error: string };

/** Why a measurement is not a valid result (bad statuses, errors), or undefined. */
export function measurementProblem(measurement: Measurement): string | undefined {
  if (measurement.kind === 'throughput') return measurement.problem;
  return problemWith(measurement.stats, measurement.expectStatus ?? 200);
}

/** True when the outcome errored or measured something other than what it meant to. */
export function failed(outcome: ScenarioOutcome): boolean {
  return 'error' in outcome || outcome.measurements.some((measurement) => measurementProblem(measurement) !== undefined);
}

/**
 * The report table, in Markdown, so it can be pasted into an issue or PR as is:
 * req/s rows (and errors) first; throughput rows, if any, in a second table.
 */
export function formatTable(outcomes: ScenarioOutcome[]): string {
  const throughput = outcomes.flatMap((outcome) =>
    'error' in outcome ? [] : outcome.measurements.flatMap((measurement) => (measurement.kind === 'throughput' ? [{ scenario: outcome.scenario, measurement }] : [])),
  );
  const hasLoadRows = outcomes.some((outcome) => 'error' in outcome || outcome.measurements.some((measurement) => measurement.kind !== 'throughput'));
  const tables = [];
  if (hasLoadRows || throughput.length === 0) tables.push(formatLoadTable(outcomes));
  if (throughput.length > 0) tables.push(formatThroughputTable(throughput));
  return tables.join('\n\n');
}

function formatThroughputTable(rows: Array<{ scenario: string; measurement: ThroughputMeasurement }>): string {
  const lines = [
    '| scenario | target | processed | seconds | rate | detail | verdict |',
    '| --- | --- | ---: | ---: | ---: | --- | --- |',
  ];
  for (const { scenario, measurement } of rows) {
    const { count, unit, seconds, minRate } = measurement;
    const rate = seconds > 0 ? count / seconds : 0;
    let verdict = '—';
    if (measurement.problem) verdict = `INVALID: ${cell(measurement.problem)}`;
    else if (minRate !== undefined) verdict = `target ≥ ${minRate} ${unit}/s ${rate >= minRate ? 'PASS' : 'BELOW'}`;
    lines.push(
      `| ${scenario} | ${cell(measurement.target)} | ${count} ${unit} | ${seconds.toFixed(2)} | ${Math.round(rate)} ${unit}/s | ${cell(measurement.detail ?? '—')} | ${verdict} |`,
    );
  }
  return lines.join('\n');
}

function formatLoadTable(outcomes: ScenarioOutcome[]): string {
  const lines = [
    '| scenario | target | req/s | p50 ms | p99 ms | errors/non-2xx | ratio app/baseline |',
    '| --- | --- | ---: | ---: | ---: | ---: | --- |',
  ];
  for (const outcome of outcomes) {
    if ('error' in outcome) {
      lines.push(`| ${outcome.scenario} | — | — | — | — | — | ERROR: ${cell(outcome.error.split('\n')[0] ?? '')} |`);
      continue;
    }
    for (const measurement of outcome.measurements) {
      if (measurement.kind === 'throughput') continue;
      const { stats } = measurement;
      const problem = measurementProblem(measurement);
      let verdict = '—';
      if (problem) verdict = `INVALID: ${cell(problem)}`;
      else if (measurement.ratio) {
        const { value, min } = measurement.ratio;
        verdict = `${value.toFixed(2)} (target ≥ ${min.toFixed(2)}) ${value >= min ? 'PASS' : 'BELOW'}`;
      }
      const codes = Object.entries(stats.statusCodes).filter(([code]) => Number(code) !== (measurement.expectStatus ?? 200));
      const nonExpected = codes.length ? ` (${codes.map(([code, count]) => `${code}×${count}`).join(', ')})` : '';
      lines.push(
        `| ${outcome.scenario} | ${cell(measurement.target)} | ${Math.round(stats.rps)} | ${stats.p50} | ${stats.p99} | ${stats.errors} / ${stats.non2xx}${nonExpected} | ${verdict} |`,
      );
    }
  }
  return lines.join('\n');
}

/** Where and when the numbers were taken: ratios only compare within one such line. */
export function machineLine(settings: { durationSec: number; warmupSec: number; connections: number; busyBeforePercent: number }): string {
  const cores = cpus();
  const model = cores[0]?.model.replace(/\s+/g, ' ').trim() ?? 'unknown CPU';
  return [
    `${cores.length} CPUs (${model})`,
    `${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `${osType()} ${release()}`,
    `Node ${process.version}`,
    `autocannon ${autocannonVersion()} in the bench process`,
    `CPU ${settings.busyBeforePercent}% busy before the run`,
    `${settings.connections} connections, ${settings.warmupSec} s warm-up + ${settings.durationSec} s per target`,
    new Date().toISOString(),
  ].join(' · ');
}

/**
 * How busy all CPUs were over `ms`, before any load. Anything else running (a
 * test suite, another build) takes CPU from one target and not the other, so
 * a ratio taken on a busy machine is noise: the report shows this number.
 */
export async function cpuBusyPercent(ms = 1_000): Promise<number> {
  const total = () => cpus().reduce((sum, { times }) => ({ idle: sum.idle + times.idle, all: sum.all + times.user + times.nice + times.sys + times.irq + times.idle }), { idle: 0, all: 0 });
  const before = total();
  await sleep(ms);
  const after = total();
  const all = after.all - before.all;
  return all > 0 ? Math.round(100 * (1 - (after.idle - before.idle) / all)) : 0;
}

function autocannonVersion(): string {
  try {
    return (JSON.parse(readFileSync(require.resolve('autocannon/package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '?';
  }
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s+/g, ' ').trim();
}
