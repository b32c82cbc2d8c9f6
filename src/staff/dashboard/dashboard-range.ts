import { DateTime } from 'luxon';
import { errors, isAppError, type ErrorIssue } from '../../platform/errors';
import { parseLeadFilters, type FilterEcho } from '../leads/lead-filters';

/** Longer ranges are a report, not a dashboard: a day per bar stops being readable, and the query would read years of leads. */
export const MAX_RANGE_DAYS = 366;

export interface DashboardRange {
  from: Date;
  /** Exclusive. */
  until: Date;
  /** `from`/`to` as typed, for the form. */
  echo: Pick<FilterEcho, 'from' | 'to'>;
}

/**
 * `from`/`to` exactly as the lead list reads them (lead-filters.ts: a date is
 * a whole day in the office zone, an instant needs Z or an offset; the same
 * 400 invalid_filter), with the dashboard's defaults: no `to` is "until now",
 * no `from` is the Monday 00:00 (office zone) of the week the range ends in —
 * so no parameters at all is "this week so far". The insights page passes
 * its own longest range and default start (`options`).
 */
export function parseDashboardRange(
  query: Record<string, unknown>,
  timezone: string,
  now: Date,
  options: { maxDays?: number; defaultFrom?: (until: Date) => Date } = {},
): DashboardRange {
  const maxDays = options.maxDays ?? MAX_RANGE_DAYS;
  // Only from/to: the list's other filters are not the dashboard's.
  const { filters, echo } = parseLeadFilters({ from: query.from, to: query.to }, timezone);
  const until = filters.until ?? now;
  const from = filters.from ?? options.defaultFrom?.(until) ?? DateTime.fromMillis(until.getTime() - 1, { zone: timezone }).startOf('week').toJSDate();
  const issues: ErrorIssue[] = [];
  if (from >= until) issues.push({ path: 'from', message: 'The start must be before the end of the range (without an end date, before now).' });
  else if (until.getTime() - from.getTime() > (maxDays + 1) * 86_400_000) issues.push({ path: 'to', message: `Choose a range of at most ${maxDays} days.` });
  if (issues.length > 0) throw errors.invalidFilter(issues);
  return { from, until, echo: { from: echo.from, to: echo.to } };
}

/** The issues of an invalid_filter error, or undefined for any other error (which should propagate). */
export function filterIssues(error: unknown): ErrorIssue[] | undefined {
  return isAppError(error) && error.code === errors.invalidFilter.code ? (error.issues ?? []) : undefined;
}

/** What was typed into the range form, to show it again beside the problems (capped: it is echoed into the page). */
export function rangeEcho(query: Record<string, unknown>): { from?: string; to?: string } {
  const typed = (value: unknown) => (typeof value === 'string' ? value.slice(0, 100) : undefined);
  return { from: typed(query.from), to: typed(query.to) };
}
