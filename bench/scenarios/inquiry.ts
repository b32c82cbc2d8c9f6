import type autocannon from 'autocannon';
import { InquirySeries } from '../../tests/support/inquiries';
import { measure, ratioOf, startApp, startInquiryInsertServer, withClient, type LoadStats, type Measurement, type Scenario } from '../lib';

/** Issue 3's bar: storing an inquiry through the app keeps ≥ 70 % of the throughput of the bare inserts. */
const TARGET_RATIO = 0.7;

/**
 * The app as a busy web-only instance would run: the rate limit out of reach
 * (every request comes from 127.0.0.1), the auto-reply queued, and the
 * dispatcher off, so sending mail does not compete for the CPU with storing
 * inquiries (the dispatch scenario measures sending).
 */
const APP_ENV = { INQUIRY_RATE_LIMIT: '100000000/1h', AUTOREPLY: 'on', DISPATCHER: 'off' };

/**
 * POST /api/inquiries on the built app (JSON parsing, origin check, rate
 * limit, zod validation with phone normalisation, program check, duplicate
 * lookup under an advisory lock, lead + consent + two outbox rows + NOTIFY in
 * one transaction, metrics, logs) against a bare Express + `pg` server doing
 * the same inserts in one transaction on the same database. Every request
 * carries a new email address, so no lead is a duplicate of another.
 *
 * Order: baseline (warm-up + half the duration), app (warm-up + the
 * duration), baseline again (the other half). The baseline brackets the app,
 * so both see the same average table size, autovacuum/checkpoint activity and
 * background load from others on the machine, instead of the app alone paying
 * for whatever the baseline's writes set off. The baseline's row combines its
 * halves: req/s over both, p99 the worse half's, p50 the request-weighted mean.
 */
export const inquiryScenario: Scenario = {
  name: 'inquiry',
  summary: `POST /api/inquiries (new email each, DISPATCHER=off) vs. bare Express + pg doing the same inserts (target ≥ ${TARGET_RATIO})`,
  async run({ durationSec, warmupSec, connections, log }) {
    log('inquiry: starting the app (DISPATCHER=off, AUTOREPLY=on, INQUIRY_RATE_LIMIT=100000000/1h)');
    const app = await startApp({ sharedDatabase: true, env: APP_ENV });
    try {
      const databaseUrl = app.databaseUrl;
      if (!databaseUrl) throw new Error('startApp({ sharedDatabase: true }) gave no databaseUrl');
      log(`inquiry: app ready on ${app.url} (${app.database})`);
      const slug = await seededSlug(databaseUrl);

      const baseline = await startInquiryInsertServer(databaseUrl);
      try {
        const appLoad = inquiryLoad(slug, 'bench');
        const baselineLoad = inquiryLoad(slug, 'baseline');
        // One request each first: a 422 or 500 here says why far more clearly than 20,000 of them.
        await probe(`${app.url}/api/inquiries`, appLoad.nextBody(), 'app');
        await probe(`${baseline.url}/api/inquiries`, baselineLoad.nextBody(), 'baseline');

        const half = durationSec / 2;
        log(`inquiry: loading the baseline, first half (${warmupSec} s warm-up + ${half} s)`);
        const baselineFirst = await measure({ url: baseline.url, connections, durationSec: half, warmupSec, autocannon: baselineLoad.options });
        log(`inquiry: loading the app (${warmupSec} s warm-up + ${durationSec} s)`);
        const appStats = await measure({ url: app.url, connections, durationSec, warmupSec, autocannon: appLoad.options });
        log(`inquiry: loading the baseline, second half (${half} s, already warm)`);
        const baselineSecond = await measure({ url: baseline.url, connections, durationSec: half, warmupSec: 0, autocannon: baselineLoad.options });
        const baselineStats = combineHalves(baselineFirst, baselineSecond);

        // The 201s must mean rows: count what each target stored.
        const stored = await storedRows(databaseUrl);
        const appRows = stored.get('bench') ?? emptyRows();
        const baselineRows = stored.get('baseline') ?? emptyRows();
        const app201 = appStats.statusCodes['201'] ?? 0;
        log(
          `inquiry: app stored ${appRows.leads} leads (${appRows.consents} consent records, ${appRows.admissions} admissions + ${appRows.autoreplies} autoreply notifications, ` +
            `${appRows.duplicates} marked duplicate) for ${appLoad.sent()} requests built (probe + warm-up + run; a few may not have gone out when autocannon stopped), ${app201} answered 201 in the measured run; ` +
            `baseline stored ${baselineRows.leads} leads for ${baselineLoad.sent()} requests built`,
        );
        const problems = [];
        // In-flight requests when autocannon stops may commit unanswered, so stored ≥ answered, ≤ sent.
        if (appRows.leads < app201 || appRows.leads > appLoad.sent()) problems.push(`${appRows.leads} leads stored for ${app201} answered 201 and ${appLoad.sent()} sent`);
        if (appRows.consents !== appRows.leads) problems.push(`${appRows.consents} consent records for ${appRows.leads} leads`);
        if (appRows.admissions !== appRows.leads || appRows.autoreplies !== appRows.leads) {
          problems.push(`${appRows.admissions} admissions and ${appRows.autoreplies} autoreply notifications for ${appRows.leads} leads`);
        }
        if (appRows.duplicates > 0) problems.push(`${appRows.duplicates} leads marked duplicate although every email differs`);
        if (problems.length > 0) throw new Error(`the app's 201s do not match what it stored: ${problems.join('; ')}`);

        const measurements: Measurement[] = [
          { target: 'baseline (bare Express + pg, same inserts; 2 halves around the app)', stats: baselineStats, expectStatus: 201 },
          { target: 'app POST /api/inquiries', stats: appStats, expectStatus: 201, ratio: ratioOf(appStats, baselineStats, TARGET_RATIO) },
        ];
        return measurements;
      } finally {
        await baseline.stop();
      }
    } finally {
      log('inquiry: stopping the app');
      await app.stop();
    }
  },
};

/** autocannon options that POST a valid inquiry with a new email address each time. */
function inquiryLoad(slug: string, target: 'bench' | 'baseline') {
  // The email's local part tells the targets' rows apart (storedRows).
  const inquiries = new InquirySeries(`${target}-run`);
  const nextBody = () => inquiries.requiredJson({ article: slug, utm_source: 'bench' });
  const request: autocannon.Request = {
    method: 'POST',
    path: '/api/inquiries',
    headers: { 'content-type': 'application/json' },
    // Called for every request (autocannon rebuilds a request that has a setupRequest).
    setupRequest: (raw) => ({ ...raw, body: nextBody() }),
  };
  return { options: { requests: [request] }, nextBody, sent: () => inquiries.made };
}

async function probe(url: string, body: string, name: string): Promise<void> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  let json: { id?: unknown; status?: unknown; notifyAdmissionsAt?: unknown } = {};
  try {
    json = JSON.parse(text) as typeof json;
  } catch {
    // reported below
  }
  if (response.status !== 201 || typeof json.id !== 'string' || json.status !== 'new' || !('notifyAdmissionsAt' in json)) {
    throw new Error(`${name}: POST ${url} answered ${response.status} ${text.slice(0, 500)} (expected 201 { id, status: "new", notifyAdmissionsAt })`);
  }
}

/** The newest seeded article: the slug the form would carry. */
async function seededSlug(databaseUrl: string): Promise<string> {
  const { rows } = await withClient(databaseUrl, (client) => client.query<{ slug: string }>('SELECT slug FROM articles ORDER BY published_at DESC, id DESC LIMIT 1'));
  const slug = rows[0]?.slug;
  if (!slug) throw new Error('no article in the app\'s database; is the sample content seeded?');
  return slug;
}

interface Rows {
  leads: number;
  consents: number;
  admissions: number;
  autoreplies: number;
  duplicates: number;
}

function emptyRows(): Rows {
  return { leads: 0, consents: 0, admissions: 0, autoreplies: 0, duplicates: 0 };
}

/** Rows per target, told apart by the email's local part (bench-… app, baseline-… baseline). */
async function storedRows(databaseUrl: string): Promise<Map<string, Rows>> {
  const { rows } = await withClient(databaseUrl, (client) =>
    client.query<{ target: string; leads: string; consents: string; admissions: string; autoreplies: string; duplicates: string }>(`
      SELECT split_part(l.email, '-', 1) AS target,
             count(*) AS leads,
             count(c.lead_id) AS consents,
             coalesce(sum(n.admissions), 0) AS admissions,
             coalesce(sum(n.autoreplies), 0) AS autoreplies,
             count(l.duplicate_of_id) AS duplicates
        FROM leads l
        LEFT JOIN consent_records c ON c.lead_id = l.id
        LEFT JOIN (SELECT lead_id,
                          count(*) FILTER (WHERE kind = 'admissions') AS admissions,
                          count(*) FILTER (WHERE kind = 'autoreply') AS autoreplies
                     FROM notifications GROUP BY lead_id) n ON n.lead_id = l.id
       GROUP BY 1`),
  );
  return new Map(
    rows.map((row) => [
      row.target,
      { leads: Number(row.leads), consents: Number(row.consents), admissions: Number(row.admissions), autoreplies: Number(row.autoreplies), duplicates: Number(row.duplicates) },
    ]),
  );
}

/** Two runs of one target as one: exact req/s, counts and statuses; p50 approximated, p99 the worse half's. */
function combineHalves(a: LoadStats, b: LoadStats): LoadStats {
  const requests = a.requests + b.requests;
  const seconds = a.seconds + b.seconds;
  const statusCodes: Record<string, number> = { ...a.statusCodes };
  for (const [code, count] of Object.entries(b.statusCodes)) statusCodes[code] = (statusCodes[code] ?? 0) + count;
  return {
    rps: seconds > 0 ? requests / seconds : 0,
    p50: requests > 0 ? Math.round(((a.p50 * a.requests + b.p50 * b.requests) / requests) * 100) / 100 : 0,
    p99: Math.max(a.p99, b.p99),
    non2xx: a.non2xx + b.non2xx,
    errors: a.errors + b.errors,
    statusCodes,
    requests,
    seconds,
  };
}
