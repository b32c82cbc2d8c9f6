import { withTransaction, type Database } from '../platform/database';

/**
 * Speed-to-lead figures for the dashboard (SPEC §10): how many leads arrived
 * in a range, how many were assigned and answered, and how fast, in office
 * time. Every figure is over the non-spam leads that ARRIVED in the range
 * (`created_at` in [from, until)), so the range selects with
 * leads_created_at_idx and the figures of a past week do not change as new
 * leads come in, except as those leads are answered.
 *
 * Definitions (one place, shared by the page, the JSON and the docs):
 * - awaiting: no first response yet and still `new` (a status change away
 *   from `new` is a response, and leads from before the response clock
 *   existed have no first_response_at but are not waiting for anyone);
 * - responded: first_response_at is set;
 * - median / p90: percentile_cont(0.5 / 0.9) of response_seconds (open
 *   office seconds from due to first response) over the leads that have it;
 * - within target: response_seconds ≤ the target; the share is over the
 *   leads whose outcome is known: those with response_seconds, plus those
 *   still awaiting past respond_by (they can no longer make it);
 * - overdue now: awaiting and respond_by < now;
 * - unassigned now: awaiting and no advisor.
 */
export interface SpeedFigures {
  leads: number;
  assigned: number;
  responded: number;
  medianSeconds: number | null;
  p90Seconds: number | null;
  withinTarget: number;
  /** The denominator of the within-target share (see above). */
  judged: number;
  overdueNow: number;
  unassignedNow: number;
}

export interface AdvisorFigures extends SpeedFigures {
  staffUserId: string;
  name: string;
  email: string;
  disabled: boolean;
}

export interface ProgramFigures extends SpeedFigures {
  code: string;
  name: string;
  level: string;
}

export interface SpeedReport {
  totals: SpeedFigures;
  advisors: AdvisorFigures[];
  programs: ProgramFigures[];
}

/**
 * Calls from an advisor (SPEC §11) booked for a time in the range (not
 * cancelled, spam left out):
 * - onTime: a call contact was logged on the lead after the booking and no
 *   later than the call's end (its time + CALLBACK_SLOT_MINUTES; for "call me
 *   now", the request + the slot length);
 * - missed: the call's end has passed without such a contact (a call logged
 *   later counts as missed: the person waited in vain at the time they chose);
 * - upcoming: neither yet.
 */
export interface CallFigures {
  booked: number;
  onTime: number;
  missed: number;
  upcoming: number;
}

export const CALLS_SQL = `
  SELECT count(*)::int AS booked,
         count(*) FILTER (WHERE made)::int AS "onTime",
         count(*) FILTER (WHERE NOT made AND ends_at <= $3::timestamptz)::int AS missed
    FROM (SELECT cb.ends_at,
                 EXISTS (SELECT 1 FROM lead_contacts c
                          WHERE c.lead_id = cb.lead_id AND c.channel = 'call' AND c.at >= cb.booked_at AND c.at <= cb.ends_at) AS made
            FROM callbacks cb JOIN leads l ON l.id = cb.lead_id
           WHERE cb.status = 'booked' AND cb.scheduled_for >= $1::timestamptz AND cb.scheduled_for < $2::timestamptz AND l.status <> 'spam') AS calls`;

/** Non-spam arrivals counted per office-local date and time-of-day bucket. */
export interface ArrivalBucket {
  /** Local date in the office zone, YYYY-MM-DD. */
  day: string;
  /** Minutes after local midnight at which the bucket starts (a multiple of the bucket size). */
  minute: number;
  leads: number;
}

export interface StatisticsRange {
  from: Date;
  /** Exclusive. */
  until: Date;
}

interface FigureRow {
  kind: 'total' | 'advisor' | 'program';
  key: string | null;
  name: string | null;
  email: string | null;
  level: string | null;
  disabled: boolean | null;
  leads: number | null;
  assigned: number | null;
  responded: number | null;
  percentiles: Array<number | null> | null;
  within: number | null;
  judged: number | null;
  overdue: number | null;
  unassigned: number | null;
}

const AWAITING = `l.first_response_at IS NULL AND l.status = 'new'`;

/**
 * (Exported for the bench, which EXPLAINs it; the app goes through createLeadStatistics.)
 * One pass over the range (leads_created_at_idx, then the rows) counts the leads of each advisor and program
 * pair, hashed, and keeps the pair's response times in an array: a few dozen
 * cells however long the range. The totals and the rows per advisor and per
 * program are summed from the cells (GROUPING SETS), and each of those groups
 * takes percentile_cont over its cells' response times, so the only sorts are
 * the percentiles' own, of integers. (Grouping the leads themselves by advisor
 * and then by program sorted every lead twice: 1.3 s for a year.)
 * Enabled advisors and active programs with no leads in the range still get
 * a row of zeros: "nothing assigned to Sam this week" is worth seeing.
 */
export const FIGURES_SQL = `
  WITH cells AS MATERIALIZED (
    SELECT l.assigned_to_id, l.program_code,
           count(*)::int AS leads,
           count(l.assigned_to_id)::int AS assigned,
           count(l.first_response_at)::int AS responded,
           array_agg(l.response_seconds) FILTER (WHERE l.response_seconds IS NOT NULL) AS times,
           count(*) FILTER (WHERE l.response_seconds <= $4::int)::int AS within,
           count(*) FILTER (WHERE l.response_seconds IS NOT NULL OR (${AWAITING} AND l.respond_by < $3::timestamptz))::int AS judged,
           count(*) FILTER (WHERE ${AWAITING} AND l.respond_by < $3::timestamptz)::int AS overdue,
           count(*) FILTER (WHERE ${AWAITING} AND l.assigned_to_id IS NULL)::int AS unassigned
      FROM leads l
     WHERE l.created_at >= $1::timestamptz AND l.created_at < $2::timestamptz AND l.status <> 'spam'
     GROUP BY l.assigned_to_id, l.program_code
  ), groups AS (
    SELECT GROUPING(c.assigned_to_id, c.program_code) AS g, c.assigned_to_id, c.program_code,
           coalesce(sum(c.leads), 0)::int AS leads, coalesce(sum(c.assigned), 0)::int AS assigned, coalesce(sum(c.responded), 0)::int AS responded,
           coalesce(sum(c.within), 0)::int AS within, coalesce(sum(c.judged), 0)::int AS judged,
           coalesce(sum(c.overdue), 0)::int AS overdue, coalesce(sum(c.unassigned), 0)::int AS unassigned
      FROM cells c
     GROUP BY GROUPING SETS ((), (c.assigned_to_id), (c.program_code))
  ), f AS (
    -- g: 3 the totals, 1 per advisor (program summed out), 2 per program (advisor summed out).
    -- unnest in the select list streams the times into the sort (in FROM it would first copy them to a tuplestore).
    SELECT gr.*,
           (SELECT percentile_cont(ARRAY[0.5, 0.9]::float8[]) WITHIN GROUP (ORDER BY t.seconds)
              FROM (SELECT unnest(c.times) AS seconds
                      FROM cells c
                     WHERE (gr.g & 2 = 2 OR c.assigned_to_id IS NOT DISTINCT FROM gr.assigned_to_id)
                       AND (gr.g & 1 = 1 OR c.program_code = gr.program_code)) AS t) AS percentiles
      FROM groups gr
  )
  SELECT 'total' AS kind, NULL AS key, NULL AS name, NULL AS email, NULL AS level, NULL::boolean AS disabled,
         f.leads, f.assigned, f.responded, f.percentiles, f.within, f.judged, f.overdue, f.unassigned
    FROM f WHERE f.g = 3
  UNION ALL
  SELECT 'advisor', s.id::text, s.name, s.email, NULL, s.disabled_at IS NOT NULL,
         f.leads, f.assigned, f.responded, f.percentiles, f.within, f.judged, f.overdue, f.unassigned
    FROM staff_users s LEFT JOIN f ON f.g = 1 AND f.assigned_to_id = s.id
   WHERE s.disabled_at IS NULL OR f.g IS NOT NULL
  UNION ALL
  SELECT 'program', p.code, p.name, NULL, p.level, NOT p.active,
         f.leads, f.assigned, f.responded, f.percentiles, f.within, f.judged, f.overdue, f.unassigned
    FROM programs p LEFT JOIN f ON f.g = 2 AND f.program_code = p.code
   WHERE p.active OR f.g IS NOT NULL`;

// One time-zone conversion per lead, binned on local wall time (the origin is
// a Monday midnight, so buckets start on the hour); the grouped rows only are
// formatted. Measured at about half the cost of grouping by to_char/extract.
// The conversion is the cast to timestamp in the session's TimeZone, which the
// caller sets to the office zone for the transaction (ARRIVALS_ZONE_SQL): the
// same wall time as AT TIME ZONE with the zone's name, without looking the
// name up again for every lead (0.4 s → 0.25 s for a year of leads).
export const ARRIVALS_ZONE_SQL = `SELECT set_config('TimeZone', $1::text, true)`;

export const ARRIVALS_SQL = `
  SELECT to_char(g.bucket, 'YYYY-MM-DD') AS day, (extract(hour FROM g.bucket)::int * 60 + extract(minute FROM g.bucket)::int) AS minute, g.leads
    FROM (SELECT date_bin(make_interval(mins => $3::int), l.created_at::timestamp, timestamp '2000-01-03 00:00') AS bucket, count(*)::int AS leads
            FROM leads l
           WHERE l.created_at >= $1::timestamptz AND l.created_at < $2::timestamptz AND l.status <> 'spam'
           GROUP BY 1) AS g
   ORDER BY g.bucket`;

export function createLeadStatistics(db: Database) {
  return {
    /** The speed-to-lead figures of the leads that arrived in `range`, with "now" (overdue) at `now`. */
    async speedToLead(range: StatisticsRange, now: Date, targetSeconds: number): Promise<SpeedReport> {
      const rows = await withTransaction(db.pool, async (tx) => {
        // The percentiles sort every response time of each group; in memory rather than on disk.
        await tx.query(`SET LOCAL work_mem = '32MB'`);
        const result = await tx.query<FigureRow>(FIGURES_SQL, [range.from.toISOString(), range.until.toISOString(), now.toISOString(), Math.floor(targetSeconds)]);
        return result.rows;
      });
      const totals = rows.find((row) => row.kind === 'total');
      const advisors = rows
        .filter((row) => row.kind === 'advisor')
        .map((row) => ({ staffUserId: row.key!, name: row.name!, email: row.email!, disabled: Boolean(row.disabled), ...figures(row) }))
        .sort((a, b) => a.name.localeCompare(b.name, 'en') || a.email.localeCompare(b.email));
      const programs = rows
        .filter((row) => row.kind === 'program')
        .map((row) => ({ code: row.key!, name: row.name!, level: row.level!, ...figures(row) }))
        .sort((a, b) => b.leads - a.leads || a.code.localeCompare(b.code));
      return { totals: figures(totals), advisors, programs };
    },

    /** Calls booked for a time in `range`, made on time and missed as of `now` (see CallFigures). */
    async calls(range: StatisticsRange, now: Date): Promise<CallFigures> {
      const { rows } = await db.pool.query<Omit<CallFigures, 'upcoming'>>(CALLS_SQL, [range.from.toISOString(), range.until.toISOString(), now.toISOString()]);
      const { booked, onTime, missed } = rows[0] ?? { booked: 0, onTime: 0, missed: 0 };
      return { booked, onTime, missed, upcoming: booked - onTime - missed };
    },

    /**
     * Arrivals per office-local date and bucket of `bucketMinutes` (a divisor
     * of 60), for the charts: grouped in SQL, so a range of a million leads
     * sends at most one row per bucket, never one per lead.
     */
    async arrivals(range: StatisticsRange, timezone: string, bucketMinutes: number): Promise<ArrivalBucket[]> {
      if (!Number.isInteger(bucketMinutes) || bucketMinutes < 1 || 60 % bucketMinutes !== 0) throw new RangeError('bucketMinutes must divide 60');
      return withTransaction(db.pool, async (tx) => {
        await tx.query(ARRIVALS_ZONE_SQL, [timezone]);
        const { rows } = await tx.query<ArrivalBucket>(ARRIVALS_SQL, [range.from.toISOString(), range.until.toISOString(), bucketMinutes]);
        return rows;
      });
    },
  };
}

export type LeadStatistics = ReturnType<typeof createLeadStatistics>;

function figures(row: FigureRow | undefined): SpeedFigures {
  return {
    leads: row?.leads ?? 0,
    assigned: row?.assigned ?? 0,
    responded: row?.responded ?? 0,
    medianSeconds: seconds(row?.percentiles?.[0]),
    p90Seconds: seconds(row?.percentiles?.[1]),
    withinTarget: row?.within ?? 0,
    judged: row?.judged ?? 0,
    overdueNow: row?.overdue ?? 0,
    unassignedNow: row?.unassigned ?? 0,
  };
}

/** percentile_cont interpolates in float8 (2040.0000000000002): rounded to the millisecond, which response times never go below. */
function seconds(value: number | null | undefined): number | null {
  return value === null || value === undefined ? null : Math.round(value * 1000) / 1000;
}
