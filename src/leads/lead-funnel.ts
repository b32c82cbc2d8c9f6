import type { Bind } from './lead-conditions';

/**
 * What became of the leads that arrived in a range (SPEC §12), grouped by
 * where they came from. Definitions, shared by the page, the JSON, the CSV
 * and docs/staff-guide.md:
 * - inquiries: non-spam leads whose `created_at` is in [from, until);
 * - responded: those with a first response (`first_response_at`: the first
 *   logged contact or status change away from `new`, SPEC §10);
 * - qualified: those whose status is now `qualified` or `enrolled` (an
 *   enrolled person was qualified first, so the funnel never widens);
 * - enrolled: those whose status is now `enrolled`.
 * The outcomes are as they stand now, so a past range's figures grow as its
 * leads are worked, while its inquiries stay fixed.
 *
 * These are SELECTs for the insights queries to run or join (the article
 * table joins them with the view counts, insights/insights-queries.ts): the
 * SQL on leads stays here, and values go in through the caller's `bind`.
 */
export type FunnelDimension = 'article' | 'campaign' | 'program' | 'total';

export interface FunnelRange {
  from: Date;
  /** Exclusive. */
  until: Date;
}

const GROUPS: Record<FunnelDimension, { keys: string[]; columns: string }> = {
  // article_slug is null for inquiries sent without an article (the JSON API).
  article: { keys: ['l.article_slug'], columns: 'l.article_slug AS article_slug' },
  campaign: { keys: ['l.utm_source', 'l.utm_medium', 'l.utm_campaign'], columns: 'l.utm_source AS utm_source, l.utm_medium AS utm_medium, l.utm_campaign AS utm_campaign' },
  program: { keys: ['l.program_code'], columns: 'l.program_code AS program_code' },
  total: { keys: [], columns: '' },
};

/**
 * One row per group: its key columns (article_slug; utm_source, utm_medium,
 * utm_campaign; program_code), then inquiries, responded, qualified and
 * enrolled as integers. Reads leads_created_at_idx for the range.
 */
export function leadFunnelSql(dimension: FunnelDimension, range: FunnelRange, bind: Bind): string {
  const group = GROUPS[dimension];
  const columns = group.columns ? `${group.columns}, ` : '';
  return `SELECT ${columns}count(*)::int AS inquiries,
                 count(l.first_response_at)::int AS responded,
                 count(*) FILTER (WHERE l.status IN ('qualified', 'enrolled'))::int AS qualified,
                 count(*) FILTER (WHERE l.status = 'enrolled')::int AS enrolled
            FROM leads l
           WHERE l.created_at >= ${bind(range.from.toISOString(), 'timestamptz')} AND l.created_at < ${bind(range.until.toISOString(), 'timestamptz')}
             AND l.status <> 'spam'
           ${group.keys.length > 0 ? `GROUP BY ${group.keys.join(', ')}` : ''}`;
}

/**
 * The same per program, with the program's name (a lead's own program, which
 * its reads may join): code, name, then the four counts.
 */
export function programFunnelSql(range: FunnelRange, bind: Bind): string {
  return `SELECT f.program_code AS code, p.name, f.inquiries, f.responded, f.qualified, f.enrolled
            FROM (${leadFunnelSql('program', range, bind)}) f
            LEFT JOIN programs p ON p.code = f.program_code
           ORDER BY f.inquiries DESC, f.program_code`;
}

/**
 * Non-spam inquiries per week and article, for the top `top` articles of the
 * range by inquiries; every other article, and inquiries without one, are
 * summed in rows whose slug is null. `weeks` are the instants each week
 * begins and ends (the caller works them out in the office zone, DST
 * included). Joining the leads to that short list of weeks reads each week
 * with leads_created_at_idx and groups by (week, article), which the planner
 * estimates well; grouping by a time-zone conversion per row instead read the
 * leads in article order at three years (docs/benchmarks.md). Rows: week
 * (1-based index into `weeks`), slug, inquiries; at most weeks × (top + 1).
 */
export function weeklyArticleInquiriesSql(range: FunnelRange, weeks: ReadonlyArray<{ start: Date; end: Date }>, top: number, bind: Bind): string {
  const array = (instants: Date[]) => `${bind(`{${instants.map((at) => `"${at.toISOString()}"`).join(',')}}`, 'text')}::timestamptz[]`;
  return `SELECT r.week::int AS week, CASE WHEN r.slug IS NOT NULL AND r.rank <= ${Math.max(0, Math.floor(top))} THEN r.slug END AS slug, sum(r.n)::int AS inquiries
            FROM (SELECT t.week, t.slug, t.n, dense_rank() OVER (ORDER BY t.slug IS NULL, t.total DESC, t.slug) AS rank
                    FROM (SELECT g.week, g.slug, g.n, sum(g.n) OVER (PARTITION BY g.slug) AS total
                            FROM (SELECT w.week, l.article_slug AS slug, count(*) AS n
                                    FROM unnest(${array(weeks.map((week) => week.start))}, ${array(weeks.map((week) => week.end))}) WITH ORDINALITY AS w(start, stop, week)
                                    JOIN leads l ON l.created_at >= w.start AND l.created_at < w.stop
                                   WHERE l.created_at >= ${bind(range.from.toISOString(), 'timestamptz')} AND l.created_at < ${bind(range.until.toISOString(), 'timestamptz')}
                                     AND l.status <> 'spam'
                                   GROUP BY 1, 2) g) t) r
           GROUP BY 1, 2
           ORDER BY 1, 2 NULLS LAST`;
}
