import express from 'express';
import { DateTime } from 'luxon';
import { articleLabel, insightsCsvRows, insightsJson, insightsRange, INSIGHTS_TABLES, TOP_ARTICLES, weeklyChart, type InsightsQueries, type InsightsTable } from '../../insights';
import { formatOfficeTime, type OfficeHours } from '../../office-hours';
import type { Clock } from '../../platform/clock';
import { errors, type ErrorIssue } from '../../platform/errors';
import { requireStaff } from '../auth/authentication';
import { filterIssues, parseDashboardRange, rangeEcho } from '../dashboard/dashboard-range';
import { csvFile } from '../export/export-encoders';
import { queryString, singleValue } from '../leads/lead-filters';
import type { RenderStaffPage } from '../staff-pages';

/** Three years: the weekly chart stays readable, and the queries stay well under a second (npm run bench -- insights). */
export const MAX_INSIGHTS_DAYS = 1_096;
/** Without `from`: the twelve weeks up to the end of the range (the current week so far included). */
const DEFAULT_WEEKS = 12;

export interface InsightsRouteDeps {
  queries: InsightsQueries;
  officeHours: OfficeHours;
  clock: Clock;
  renderStaffPage: RenderStaffPage;
}

const TABLE_LABELS: Record<InsightsTable, string> = { articles: 'By article', campaigns: 'By campaign', programs: 'By program' };

/**
 * GET /admin/insights (the page), /admin/insights.json (the same figures)
 * and /admin/insights/<table>.csv (SPEC §12): views → inquiries → outcomes
 * per article, campaign and program, for every signed-in person. `from`/`to`
 * as in the lead list; no `from` is the last twelve weeks.
 */
export function insightsRouter(deps: InsightsRouteDeps): express.Router {
  const router = express.Router();
  const { officeHours, clock, renderStaffPage } = deps;
  const timezone = officeHours.timezone;
  const defaultFrom = (until: Date) => DateTime.fromMillis(until.getTime() - 1, { zone: timezone }).startOf('week').minus({ weeks: DEFAULT_WEEKS - 1 }).toJSDate();

  async function figures(query: Record<string, unknown>) {
    const now = clock.now();
    const parsed = parseDashboardRange(query, timezone, now, { maxDays: MAX_INSIGHTS_DAYS, defaultFrom });
    const range = insightsRange(parsed.from, parsed.until, timezone);
    const rows = await deps.queries.report(range, TOP_ARTICLES);
    return { parsed, range, data: insightsJson({ range, now, timezone, rows }) };
  }

  router.get('/admin/insights.json', requireStaff, async (req, res) => {
    const { data } = await figures(req.query as Record<string, unknown>);
    res.set('Cache-Control', 'no-store');
    res.json(data);
  });

  router.get(INSIGHTS_TABLES.map((table) => `/admin/insights/${table}.csv`), requireStaff, async (req, res) => {
    const table = INSIGHTS_TABLES.find((name) => req.path === `/admin/insights/${name}.csv`)!;
    const query = req.query as Record<string, unknown>;
    const bom = parseBom(query);
    const { range, data } = await figures(query);
    const { header, rows } = insightsCsvRows(data, table);
    res.status(200).set({
      'Content-Type': 'text/csv; charset=utf-8; header=present',
      'Content-Disposition': `attachment; filename="insights-${table}-${range.firstDay}-to-${range.lastDay}.csv"`,
      'Cache-Control': 'no-store',
    });
    res.send(csvFile(header, rows, { bom }));
  });

  router.get('/admin/insights', requireStaff, async (req, res) => {
    const query = req.query as Record<string, unknown>;
    let result: Awaited<ReturnType<typeof figures>>;
    try {
      result = await figures(query);
    } catch (error) {
      const issues = filterIssues(error);
      if (!issues) throw error;
      // The range form again with what was wrong, as the dashboard does.
      const echo = rangeEcho(query);
      return renderStaffPage(req, res, 'staff/insights', { title: 'Insights', section: 'insights', echo, issues, ready: false }, 400);
    }
    const { parsed, range, data } = result;
    const last = new Date(range.until.getTime() - 1);
    const search = queryString({ from: parsed.echo.from, to: parsed.echo.to });
    renderStaffPage(req, res, 'staff/insights', {
      title: 'Insights',
      section: 'insights',
      echo: parsed.echo,
      issues: [],
      ready: true,
      rangeLabel: `${formatOfficeTime(officeHours, range.from)} to ${formatOfficeTime(officeHours, last)}`,
      lastWeeks: !parsed.echo.from && !parsed.echo.to,
      weeks: DEFAULT_WEEKS,
      data,
      chart: weeklyChart(data, timezone),
      articleLabel,
      percent: formatRate,
      number: (value: number) => value.toLocaleString('en-US'),
      csv: Object.fromEntries(INSIGHTS_TABLES.map((table) => [table, `/admin/insights/${table}.csv${search}`])),
      tableLabels: TABLE_LABELS,
      jsonHref: `/admin/insights.json${search}`,
      defaultFrom: range.firstDay,
      defaultTo: range.lastDay,
    });
  });

  return router;
}

/** 0.0241 → "2.4 %"; null (no views) → "—". */
export function formatRate(rate: number | null): string {
  if (rate === null) return '—';
  const percent = rate * 100;
  return `${percent >= 10 || percent === 0 ? Math.round(percent) : percent.toFixed(1)} %`;
}

function parseBom(query: Record<string, unknown>): boolean {
  const issues: ErrorIssue[] = [];
  const bom = singleValue(query, 'bom', issues);
  if (bom !== undefined && !['0', '1', 'true', 'false'].includes(bom)) issues.push({ path: 'bom', message: 'bom must be 1 or 0.' });
  if (issues.length > 0) throw errors.invalidFilter(issues);
  return bom === '1' || bom === 'true';
}
