/**
 * The benchmark harness: `npm run bench` runs every scenario,
 * `npm run bench -- article` only the named ones, `-- --list` lists them.
 *
 * Each scenario measures the app against a baseline in the same run and
 * reports the ratio; performance claims in this project come only from here.
 * The Markdown report goes to stdout, progress to stderr.
 *
 * Settings: BENCH_DURATION (measured seconds per target, default 10; lower it
 * for a smoke run), BENCH_CONNECTIONS (default 50). Warm-up is 2 s per target
 * (or the duration, if shorter). BENCH_DISPATCH_COUNT: leads per phase of the
 * dispatch scenario (default 5000). DATABASE_URL: see lib/app.ts and lib/database.ts.
 *
 * Exit status: 0 when every scenario produced a valid measurement (even below
 * its target), 1 when one errored or saw errors/unexpected statuses, 2 on bad
 * usage, 130 on Ctrl-C.
 */
import { cleanUpEverything, cpuBusyPercent, failed, formatTable, machineLine, type ScenarioContext, type ScenarioOutcome } from './lib';
import { scenarios } from './scenarios';

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args.includes('--list') || args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`npm run bench [-- <scenario>...]\n\n${scenarios.map((s) => `  ${s.name.padEnd(12)} ${s.summary}`).join('\n')}\n`);
    return 0;
  }
  const unknown = args.filter((name) => !scenarios.some((scenario) => scenario.name === name));
  if (unknown.length > 0) {
    process.stderr.write(`Unknown scenario ${unknown.join(', ')}. Known: ${scenarios.map((s) => s.name).join(', ')}\n`);
    return 2;
  }
  const selected = args.length > 0 ? scenarios.filter((scenario) => args.includes(scenario.name)) : scenarios;

  const durationSec = positiveNumber('BENCH_DURATION', 10);
  const connections = Math.round(positiveNumber('BENCH_CONNECTIONS', 50));
  const context: ScenarioContext = {
    durationSec,
    warmupSec: Math.min(2, durationSec),
    connections,
    log: (message) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`),
  };

  // Sampled before any load, so it shows what else is using the machine.
  const machine = machineLine({ ...context, busyBeforePercent: await cpuBusyPercent() });
  const outcomes: ScenarioOutcome[] = [];
  for (const scenario of selected) {
    try {
      outcomes.push({ scenario: scenario.name, measurements: await scenario.run(context) });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      context.log(`${scenario.name}: FAILED\n${error instanceof Error && error.stack ? error.stack : message}`);
      outcomes.push({ scenario: scenario.name, error: message });
    } finally {
      // A scenario should have stopped its processes; make sure before the next one loads the CPU.
      await cleanUpEverything();
    }
  }

  process.stdout.write(`\n${machine}\n\n${formatTable(outcomes)}\n`);
  return outcomes.some(failed) ? 1 : 0;
}

function positiveNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    process.stderr.write(`${name} must be a positive number of ${name === 'BENCH_DURATION' ? 'seconds' : 'connections'}, not "${raw}"\n`);
    process.exit(2);
  }
  return value;
}

// Ctrl-C (or a CI timeout's SIGTERM): stop the app, its database, the
// baseline and temporary files before leaving. A second signal leaves at once.
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    process.stderr.write(`\nbench: ${signal}, stopping everything it started…\n`);
    void cleanUpEverything().finally(() => process.exit(130));
  });
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  async (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    await cleanUpEverything();
    process.exitCode = 1;
  },
);
