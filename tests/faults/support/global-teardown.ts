import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DatabaseServer } from '../../support/scratch-database';
import { readResults, type ResultRow, type RunInfo } from './run';

/**
 * Stops the run's embedded PostgreSQL (its cluster is removed; the logs stay
 * in the run directory), then prints the results table and writes it as
 * Markdown to <run dir>/results.md.
 */
export default async function globalTeardown(): Promise<void> {
  const info = JSON.parse(process.env.FAULTS_RUN ?? 'null') as RunInfo | null;
  await (globalThis as { __faultsServer?: DatabaseServer }).__faultsServer?.close();
  if (!info) return;

  const rows = readResults(info.dir);
  const markdown = resultsMarkdown(rows, info);
  const file = path.join(info.dir, 'results.md');
  writeFileSync(file, markdown);
  process.stdout.write(`\n${markdown}\n[faults] results table: ${file}\n[faults] logs of every process: ${path.join(info.dir, 'logs')}\n`);
}

export function resultsMarkdown(rows: ResultRow[], info: RunInfo): string {
  const total = (pick: (row: ResultRow) => number | null) => rows.reduce((sum, row) => sum + (pick(row) ?? 0), 0);
  const cell = (value: string | number | null) => (value === null ? '—' : String(value).replace(/\|/g, '\\|').replace(/\n/g, ' '));
  const minutes = ((Date.now() - info.startedAt) / 60_000).toFixed(1);
  return [
    `### Fault-test results (\`npm run test:faults\`)`,
    '',
    `Run ${new Date(info.startedAt).toISOString().slice(0, 16).replace('T', ' ')} UTC on ${info.database}, ${minutes} min, ` +
      `Node ${process.version}, ${os.cpus().length} CPUs.`,
    '',
    '| scenario | what was done | inputs tried | result | leads lost | duplicates | notes | s |',
    '| --- | --- | ---: | --- | ---: | ---: | --- | ---: |',
    ...rows.map((row) =>
      `| ${cell(row.scenario)} | ${cell(row.setup)} | ${row.inputs.toLocaleString('en-US')} | ${cell(row.outcome)} | ${cell(row.leadsLost)} | ${cell(row.duplicates)} | ${cell(row.notes)} | ${Math.round(row.seconds)} |`),
    `| **total** | ${rows.length} scenarios | ${total((row) => row.inputs).toLocaleString('en-US')} | | **${total((row) => row.leadsLost)}** | **${total((row) => row.duplicates)}** | | |`,
    '',
  ].join('\n');
}
