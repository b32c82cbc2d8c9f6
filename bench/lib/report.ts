import { cpus, release, totalmem, type as osType } from 'node:os';
import { readFileSync } from 'node:fs';
import { problemWith } from './load';
import type { Measurement } from './scenario';

export type ScenarioOutcome = { scenario: string; measurements: Measurement[] } | { scenario: string; error: string };

/** Why a measurement is not a valid result (bad statuses, errors), or undefined. */
export function measurementProblem(measurement: Measurement): string | undefined {
  return problemWith(measurement.stats, measurement.expectStatus ?? 200);
}

/** True when the outcome errored or measured something other than what it meant to. */
export function failed(outcome: ScenarioOutcome): boolean {
  return 'error' in outcome || outcome.measurements.some((measurement) => measurementProblem(measurement) !== undefined);
}

/** The report table, in Markdown, so it can be pasted into an issue or PR as is. */
export function formatTable(outcomes: ScenarioOutcome[]): string {
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
export function machineLine(settings: { durationSec: number; warmupSec: number; connections: number }): string {
  const cores = cpus();
  const model = cores[0]?.model.replace(/\s+/g, ' ').trim() ?? 'unknown CPU';
  return [
    `${cores.length} CPUs (${model})`,
    `${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `${osType()} ${release()}`,
    `Node ${process.version}`,
    `autocannon ${autocannonVersion()} in the bench process`,
    `${settings.connections} connections, ${settings.warmupSec} s warm-up + ${settings.durationSec} s per target`,
    new Date().toISOString(),
  ].join(' · ');
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
