import type autocannon from 'autocannon';
import { InquirySeries } from '../../tests/support/inquiries';
import {
  combineHalves, measure, ratioOf, startApp, startInquiryInsertServer, startInquiryMinimalServer, withClient,
  type LoadStats, type Measurement, type RunningBaseline, type Scenario,
} from '../lib';

/** Storing an inquiry through the app keeps ≥ 90 % of the throughput of the bare same inserts… */
const TARGET_SAME_INSERTS = 0.9;
/** …and ≥ 80 % of the least an inquiry endpoint must do (a lead and one notification row). */
const TARGET_MINIMAL = 0.8;
/** The app's p99 stays under this multiple of each baseline's. */
const P99_LIMIT = 2;

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
 * lookup under an advisory lock, lead + consent + two outbox rows + NOTIFY,
 * metrics, logs) against two bare Express + `pg` servers on the same
 * database, every request with a new email address (no lead is a duplicate):
 *   - same inserts: lead + consent + two notifications in one transaction;
 *   - minimal: a lead and one notification in one transaction, the least
 *     any inquiry endpoint must do.
 *
 * Order: same inserts (warm-up + half the duration), minimal (warm-up +
 * half), app (warm-up + the duration), minimal (the other half), same
 * inserts (the other half). The baselines bracket the app, so all three see
 * the same average table size, autovacuum/checkpoint activity and background
 * load from others on the machine, instead of the app alone paying for
 * whatever the baselines' writes set off. A baseline's row combines its
 * halves: req/s over both, p99 the worse half's, p50 the request-weighted mean.
 */
export const inquiryScenario: Scenario = {
  name: 'inquiry',
  summary:
    `POST /api/inquiries (new email each, DISPATCHER=off) vs. bare Express + pg doing the same inserts (target ≥ ${TARGET_SAME_INSERTS}) ` +
    `and vs. bare Express + pg storing a lead and one notification (target ≥ ${TARGET_MINIMAL}); p99 < ${P99_LIMIT}× each baseline's`,
  async run({ durationSec, warmupSec, connections, log }) {
    log('inquiry: starting the app (DISPATCHER=off, AUTOREPLY=on, INQUIRY_RATE_LIMIT=100000000/1h)');
    const app = await startApp({ sharedDatabase: true, env: APP_ENV });
    const baselines: RunningBaseline[] = [];
    try {
      const databaseUrl = app.databaseUrl;
      if (!databaseUrl) throw new Error('startApp({ sharedDatabase: true }) gave no databaseUrl');
      log(`inquiry: app ready on ${app.url} (${app.database})`);
      const slug = await seededSlug(databaseUrl);

      const same = await startInquiryInsertServer(databaseUrl);
      baselines.push(same);
      const minimal = await startInquiryMinimalServer(databaseUrl);
      baselines.push(minimal);
      const appLoad = inquiryLoad(slug, 'bench');
      const sameLoad = inquiryLoad(slug, 'baseline');
      const minimalLoad = inquiryLoad(slug, 'minimal');
      // One request each first: a 422 or 500 here says why far more clearly than 20,000 of them.
      await probe(`${app.url}/api/inquiries`, appLoad.nextBody(), 'app');
      await probe(`${same.url}/api/inquiries`, sameLoad.nextBody(), 'same-inserts baseline');
      await probe(`${minimal.url}/api/inquiries`, minimalLoad.nextBody(), 'minimal baseline');

      const half = durationSec / 2;
      log(`inquiry: loading the same-inserts baseline, first half (${warmupSec} s warm-up + ${half} s)`);
      const sameFirst = await measure({ url: same.url, connections, durationSec: half, warmupSec, autocannon: sameLoad.options });
      log(`inquiry: loading the minimal baseline, first half (${warmupSec} s warm-up + ${half} s)`);
      const minimalFirst = await measure({ url: minimal.url, connections, durationSec: half, warmupSec, autocannon: minimalLoad.options });
      log(`inquiry: loading the app (${warmupSec} s warm-up + ${durationSec} s)`);
      const appStats = await measure({ url: app.url, connections, durationSec, warmupSec, autocannon: appLoad.options });
      log(`inquiry: loading the minimal baseline, second half (${half} s, already warm)`);
      const minimalSecond = await measure({ url: minimal.url, connections, durationSec: half, warmupSec: 0, autocannon: minimalLoad.options });
      log(`inquiry: loading the same-inserts baseline, second half (${half} s, already warm)`);
      const sameSecond = await measure({ url: same.url, connections, durationSec: half, warmupSec: 0, autocannon: sameLoad.options });
      const sameStats = combineHalves(sameFirst, sameSecond);
      const minimalStats = combineHalves(minimalFirst, minimalSecond);

      // The 201s must mean rows: count what each target stored.
      const stored = await storedRows(databaseUrl);
      const appRows = stored.get('bench') ?? emptyRows();
      const sameRows = stored.get('baseline') ?? emptyRows();
      const minimalRows = stored.get('minimal') ?? emptyRows();
      const app201 = appStats.statusCodes['201'] ?? 0;
      log(
        `inquiry: app stored ${appRows.leads} leads (${appRows.consents} consent records, ${appRows.admissions} admissions + ${appRows.autoreplies} autoreply notifications, ` +
          `${appRows.duplicates} marked duplicate) for ${appLoad.sent()} requests built (probe + warm-up + run; a few may not have gone out when autocannon stopped), ${app201} answered 201 in the measured run; ` +
          `same-inserts baseline stored ${sameRows.leads} leads for ${sameLoad.sent()} requests built; ` +
          `minimal baseline stored ${minimalRows.leads} leads (${minimalRows.admissions} notifications) for ${minimalLoad.sent()} requests built`,
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

      const p99Times = (baseline: LoadStats) => (baseline.p99 > 0 ? `${(appStats.p99 / baseline.p99).toFixed(2)}×` : '—');
      const measurements: Measurement[] = [
        { target: 'baseline: same inserts (bare Express + pg: lead, consent, 2 notifications; 2 halves around the app)', stats: sameStats, expectStatus: 201 },
        { target: 'baseline: minimal (bare Express + pg: lead + 1 notification; 2 halves around the app)', stats: minimalStats, expectStatus: 201 },
        {
          target: `app POST /api/inquiries vs same inserts (p99 ${p99Times(sameStats)} its, limit ${P99_LIMIT}×)`,
          stats: appStats, expectStatus: 201, ratio: ratioOf(appStats, sameStats, TARGET_SAME_INSERTS),
        },
        {
          target: `app POST /api/inquiries vs minimal (same run as the row above; p99 ${p99Times(minimalStats)} its, limit ${P99_LIMIT}×)`,
          stats: appStats, expectStatus: 201, ratio: ratioOf(appStats, minimalStats, TARGET_MINIMAL),
        },
      ];
      return measurements;
    } finally {
      await Promise.all(baselines.map((baseline) => baseline.stop()));
      log('inquiry: stopping the app');
      await app.stop();
    }
  },
};

/** autocannon options that POST a valid inquiry with a new email address each time. */
function inquiryLoad(slug: string, target: 'bench' | 'baseline' | 'minimal') {
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

/** Rows per target, told apart by the email's local part (bench-… app, baseline-… same inserts, minimal-… minimal). */
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
