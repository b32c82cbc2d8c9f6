import type autocannon from 'autocannon';
import { launchBuiltApp, type AppProcess } from '../../tests/support/built-app';
import { InquirySeries } from '../../tests/support/inquiries';
import {
  combineHalves, measure, ratioOf, startApp, startInquiryInsertServer, startSmtpSinkProcess, withClient,
  type LoadStats, type Measurement, type RunningApp, type RunningBaseline, type Scenario, type ScenarioContext, type SmtpSinkProcess,
} from '../lib';

/** Assignment may cost intake at most 10 % of its ratio to the same-inserts baseline. */
const MAX_RATIO_DROP = 0.1;
/** Assignment may add at most this much to the p99 from a stored lead to its advisor's email. */
const MAX_ADDED_P99_MS = 5;
const ADVISORS = 20;
/** Leads of the latency phase, one every INTERVAL_MS (BENCH_ROUTING_COUNT lowers it for a smoke run). */
const DEFAULT_COUNT = 400;
const INTERVAL_MS = 25;
/** Inquiries through the same path first, untimed. */
const WARMUP_COUNT = 60;
const STAFF_DOMAIN = '@staff.bench.test';
/** Always open: assignment happens at once, as it does in office hours. */
const ALWAYS_OPEN = 'Mon-Sun 00:00-24:00';

type Mode = 'off' | 'round-robin';

interface ModeResult {
  load: LoadStats;
  baseline: LoadStats;
  latency: { p50: number; p99: number; max: number; count: number; seconds: number };
  /** Leads per advisor in the latency phase (empty with ROUTING=off). */
  perAdvisor: number[];
  problems: string[];
}

/**
 * The cost of assignment, ROUTING=off against ROUTING=round-robin in the same
 * run, each on a fresh database with 20 advisors taking leads and two
 * dispatchers (the web process and a `node dist/worker.js`) sending to an
 * SMTP sink in its own process, office open:
 *
 * 1. Latency: after 60 untimed ones, 400 inquiries paced one every 25 ms
 *    (an office's busiest minute, far from saturating anything); for each, the time from the
 *    lead's `created_at` (set just before the statement that stores it
 *    commits) to its admissions email arriving at the sink. Checks that every
 *    lead reached exactly one advisor and that the advisors' counts differ by
 *    at most one.
 * 2. Intake: POST /api/inquiries under load (as the inquiry scenario, but
 *    with the dispatchers on and assigning), bracketed by two halves of the
 *    same-inserts baseline on the same database.
 *
 * Targets: round-robin's intake ratio ≥ 90 % of off's (the ratio of the
 * inquiry scenario may not drop by more than 10 %); round-robin's p99
 * latency at most 5 ms above off's.
 */
export const routingScenario: Scenario = {
  name: 'routing',
  summary: `inquiries through assignment, 20 advisors, 2 dispatchers: intake ratio ≥ ${1 - MAX_RATIO_DROP}× ROUTING=off's, p99 stored → advisor's email < off's + ${MAX_ADDED_P99_MS} ms`,
  async run(context) {
    const { log } = context;
    const sink = await startSmtpSinkProcess({ admissions: STAFF_DOMAIN });
    try {
      const off = await runMode('off', context, sink);
      sink.mail.clear();
      const routed = await runMode('round-robin', context, sink);

      const offRatio = ratioOf(off.load, off.baseline, 0).value;
      const routedRatio = ratioOf(routed.load, routed.baseline, 0).value;
      const addedP99 = routed.latency.p99 - off.latency.p99;
      log(`routing: intake ratio off ${offRatio.toFixed(2)}, round-robin ${routedRatio.toFixed(2)}; p99 off ${off.latency.p99} ms, round-robin ${routed.latency.p99} ms`);
      const spread = routed.perAdvisor.length ? `${Math.min(...routed.perAdvisor)}–${Math.max(...routed.perAdvisor)} leads per advisor` : 'no advisor counts';
      const latencyRow = (mode: Mode, result: ModeResult, extra: string): Measurement => ({
        kind: 'throughput',
        target: `ROUTING=${mode}: ${result.latency.count} paced inquiries, stored → admissions email`,
        count: result.latency.count,
        unit: 'leads',
        seconds: result.latency.seconds,
        detail: `p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms${extra}`,
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
        latencyRow('round-robin', routed, `; ${spread}; assignment adds ${addedP99.toFixed(1)} ms at p99 (target < ${MAX_ADDED_P99_MS} ms: ${addedP99 < MAX_ADDED_P99_MS ? 'met' : 'NOT MET'})`),
      ];
    } finally {
      await sink.stop();
    }
  },
};

async function runMode(mode: Mode, { durationSec, warmupSec, connections, log }: ScenarioContext, sink: SmtpSinkProcess): Promise<ModeResult> {
  log(`routing: ROUTING=${mode}: starting the app, ${ADVISORS} advisors and a worker`);
  const app = await startApp({
    sharedDatabase: true,
    env: {
      ROUTING: mode,
      SMTP_URL: sink.url,
      ADMISSIONS_EMAIL: `admissions${STAFF_DOMAIN}`,
      OFFICE_HOURS: ALWAYS_OPEN,
      AUTOREPLY: 'on',
      DISPATCHER: 'on',
      INQUIRY_RATE_LIMIT: '100000000/1h',
    },
  });
  let worker: AppProcess | undefined;
  let baseline: RunningBaseline | undefined;
  try {
    await addAdvisors(app.databaseUrl);
    // The worker logs at info only to say it is ready; both dispatchers otherwise log nothing per email.
    worker = await launchBuiltApp({ name: `worker (ROUTING=${mode})`, role: 'worker', env: { ...app.env, LOG_LEVEL: 'info' }, cwd: app.env.DATA_DIR! });
    const slug = await newestSlug(app.databaseUrl);

    // Warm-up: the first emails pay for JIT, templates and SMTP connections; they are not timed.
    await latencyPhase(app, sink, slug, WARMUP_COUNT, mode, 'warm');
    const count = latencyCount();
    log(`routing: ROUTING=${mode}: ${count} inquiries, one every ${INTERVAL_MS} ms, timed to their admissions email`);
    const latency = await latencyPhase(app, sink, slug, count, mode, 'paced');

    baseline = await startInquiryInsertServer(app.databaseUrl);
    const appLoad = inquiryLoad(slug, `${mode === 'off' ? 'off' : 'rr'}load`);
    const baselineLoad = inquiryLoad(slug, 'baseline');
    const half = durationSec / 2;
    log(`routing: ROUTING=${mode}: same-inserts baseline, first half; the app (${warmupSec} s warm-up + ${durationSec} s); baseline, second half`);
    const first = await measure({ url: baseline.url, connections, durationSec: half, warmupSec, autocannon: baselineLoad.options });
    const load = await measure({ url: app.url, connections, durationSec, warmupSec, autocannon: appLoad.options });
    const second = await measure({ url: baseline.url, connections, durationSec: half, warmupSec: 0, autocannon: baselineLoad.options });
    return { load, baseline: combineHalves(first, second), latency: latency.stats, perAdvisor: latency.perAdvisor, problems: latency.problems };
  } finally {
    await baseline?.stop();
    await worker?.terminate(15_000);
    await app.stop();
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

async function latencyPhase(app: RunningApp, sink: SmtpSinkProcess, slug: string, count: number, mode: Mode, tag: string) {
  const series = new InquirySeries(`${mode === 'off' ? 'off' : 'rr'}${tag}`);
  const ids: string[] = [];
  const started = Date.now();
  const posts: Array<Promise<void>> = [];
  for (let i = 0; i < count; i += 1) {
    // Open loop: the next request goes out on schedule whether or not the last has answered.
    const due = started + i * INTERVAL_MS;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const body = series.requiredJson({ article: slug, utm_source: 'bench' });
    posts.push(
      fetch(`${app.url}/api/inquiries`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(10_000) }).then(async (response) => {
        const json = (await response.json()) as { id?: string };
        if (response.status !== 201 || !json.id) throw new Error(`POST /api/inquiries answered ${response.status} ${JSON.stringify(json).slice(0, 300)}`);
        ids.push(json.id);
      }),
    );
  }
  await Promise.all(posts);
  const deadline = Date.now() + 60_000;
  while (ids.some((id) => sink.mail.firstAdmissionsAtOf(id) === undefined) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  const seconds = (Date.now() - started) / 1000;

  const { rows } = await withClient(app.databaseUrl, (client) =>
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

  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.ceil(q * latencies.length) - 1)] ?? 0;
  return { stats: { p50: at(0.5), p99: at(0.99), max: latencies.at(-1) ?? 0, count: latencies.length, seconds }, perAdvisor: [...perAdvisor.values()], problems };
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
