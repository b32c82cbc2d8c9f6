import express from 'express';
import { DateTime } from 'luxon';
import { bucketMinutes } from '../../insights';
import type { LeadStatistics } from '../../leads';
import { formatOfficeTime, type OfficeHours } from '../../office-hours';
import type { Clock } from '../../platform/clock';
import { requireStaff } from '../auth/authentication';
import type { RenderStaffPage } from '../staff-pages';
import { dashboardCharts, dashboardJson, formatDuration, formatShare, summariseArrivalCounts } from './dashboard-model';
import { filterIssues, parseDashboardRange, rangeEcho } from './dashboard-range';

export interface DashboardRouteDeps {
  statistics: LeadStatistics;
  officeHours: OfficeHours;
  responseTargetMs: number;
  clock: Clock;
  renderStaffPage: RenderStaffPage;
}

/**
 * GET /admin/dashboard (the page) and /admin/dashboard.json (the same
 * figures), SPEC §10: how fast the office answers, for every signed-in
 * person. The figures and the chart counts are two grouped queries run side
 * by side; the charts are drawn here as SVG, so the page needs no script.
 */
export function dashboardRouter(deps: DashboardRouteDeps): express.Router {
  const router = express.Router();
  const { officeHours, clock, renderStaffPage } = deps;
  const targetSeconds = Math.floor(deps.responseTargetMs / 1000);

  async function figures(query: Record<string, unknown>) {
    const now = clock.now();
    const range = parseDashboardRange(query, officeHours.timezone, now);
    const [report, counts, calls] = await Promise.all([
      deps.statistics.speedToLead(range, now, targetSeconds),
      deps.statistics.arrivals(range, officeHours.timezone, bucketMinutes(officeHours)),
      deps.statistics.calls(range, now),
    ]);
    const arrivals = summariseArrivalCounts(officeHours, counts, range.from, range.until);
    return { range, data: dashboardJson({ from: range.from, until: range.until, now, office: officeHours, targetSeconds, report, arrivals, calls }) };
  }

  router.get('/admin/dashboard.json', requireStaff, async (req, res) => {
    const { data } = await figures(req.query as Record<string, unknown>);
    res.set('Cache-Control', 'no-store');
    res.json(data);
  });

  router.get('/admin/dashboard', requireStaff, async (req, res) => {
    const query = req.query as Record<string, unknown>;
    let result: Awaited<ReturnType<typeof figures>>;
    try {
      result = await figures(query);
    } catch (error) {
      const issues = filterIssues(error);
      if (!issues) throw error;
      // The range form again with what was wrong, as the lead list does.
      const echo = rangeEcho(query);
      return renderStaffPage(req, res, 'staff/dashboard', { title: 'Dashboard', section: 'dashboard', echo, issues, ready: false }, 400);
    }
    const { range, data } = result;
    const last = new Date(range.until.getTime() - 1);
    renderStaffPage(req, res, 'staff/dashboard', {
      title: 'Dashboard',
      section: 'dashboard',
      echo: range.echo,
      issues: [],
      ready: true,
      rangeLabel: `${formatOfficeTime(officeHours, range.from)} to ${formatOfficeTime(officeHours, last)}`,
      thisWeek: !range.echo.from && !range.echo.to,
      target: formatDuration(targetSeconds),
      data,
      charts: dashboardCharts(data, officeHours),
      duration: formatDuration,
      share: formatShare,
      jsonHref: `/admin/dashboard.json${req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?')) : ''}`,
      defaultFrom: DateTime.fromJSDate(range.from, { zone: officeHours.timezone }).toISODate(),
      defaultTo: DateTime.fromJSDate(last, { zone: officeHours.timezone }).toISODate(),
    });
  });

  return router;
}
