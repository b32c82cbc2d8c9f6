import { DateTime } from 'luxon';
import { errors, type ErrorIssue } from '../../platform/errors';
import { isLeadStatus, LEAD_STATUSES, type LeadFilters } from '../../leads';

/**
 * The filters of the lead list and the export, as staff type them in a query
 * string or on the command line, parsed into the leads module's LeadFilters
 * (whose one SQL builder, leads/lead-conditions.ts, serves list and export).
 *
 * Decisions:
 * - `from`/`to` take a date (`2026-11-30`, a whole day in the office's time
 *   zone, both ends inclusive) or an instant with `Z` or an offset.
 * - `status` is one status or a comma-separated list; without it spam is
 *   left out, with it exactly the statuses named are shown.
 * - `q` matches part of the name ("first last"), part of the email address,
 *   or, when it looks like a phone number, part of the phone's digits.
 */

export const FILTER_FIELDS = ['from', 'to', 'status', 'program', 'article', 'q'] as const;
export type FilterField = (typeof FILTER_FIELDS)[number];

/** Filters as typed, for the form to show again and for links to carry on. */
export type FilterEcho = Partial<Record<FilterField, string>>;

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
const INSTANT_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})$/i;
const PROGRAM_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/;
const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const MAX_Q = 200;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/g;

/** One query-string value: repeated parameters (`?q=a&q=b`) are a mistake, not a list. */
export function singleValue(query: Record<string, unknown>, name: string, issues: ErrorIssue[]): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    issues.push({ path: name, message: `Give ${name} once.` });
    return undefined;
  }
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** Parses the filter parameters; collects every problem and throws one 400 listing them. */
export function parseLeadFilters(query: Record<string, unknown>, timezone: string): { filters: LeadFilters; echo: FilterEcho } {
  const issues: ErrorIssue[] = [];
  const filters: LeadFilters = {};
  const echo: FilterEcho = {};

  const fromText = singleValue(query, 'from', issues);
  if (fromText !== undefined) {
    const from = parseBound(fromText, timezone, 'start');
    if (from) [filters.from, echo.from] = [from, fromText];
    else issues.push({ path: 'from', message: 'Enter the start date as YYYY-MM-DD (or an ISO 8601 instant with Z or an offset).' });
  }
  const toText = singleValue(query, 'to', issues);
  if (toText !== undefined) {
    const until = parseBound(toText, timezone, 'end');
    if (until) [filters.until, echo.to] = [until, toText];
    else issues.push({ path: 'to', message: 'Enter the end date as YYYY-MM-DD (or an ISO 8601 instant with Z or an offset).' });
  }
  if (filters.from && filters.until && filters.from >= filters.until) {
    issues.push({ path: 'to', message: 'The end date must be on or after the start date.' });
  }

  const statusValue = query.status;
  const statusTexts = (Array.isArray(statusValue) ? statusValue : [statusValue]).filter((value) => value !== undefined);
  if (statusTexts.some((value) => typeof value !== 'string')) {
    issues.push({ path: 'status', message: 'Status must be text.' });
  } else {
    const names = (statusTexts as string[]).flatMap((text) => text.split(',')).map((name) => name.trim()).filter(Boolean);
    const unknown = names.filter((name) => !isLeadStatus(name));
    if (unknown.length > 0) {
      issues.push({ path: 'status', message: `Status must be one of ${LEAD_STATUSES.join(', ')}.` });
    } else if (names.length > 0) {
      filters.statuses = LEAD_STATUSES.filter((status) => names.includes(status));
      echo.status = filters.statuses.join(',');
    }
  }

  const program = singleValue(query, 'program', issues);
  if (program !== undefined) {
    if (PROGRAM_PATTERN.test(program)) [filters.program, echo.program] = [program, program];
    else issues.push({ path: 'program', message: 'Program must be a program code such as HCA-BS.' });
  }
  const article = singleValue(query, 'article', issues);
  if (article !== undefined) {
    if (article.length <= 200 && SLUG_PATTERN.test(article)) [filters.article, echo.article] = [article, article];
    else issues.push({ path: 'article', message: 'Article must be an article slug such as campus-visit-day.' });
  }
  const q = singleValue(query, 'q', issues);
  if (q !== undefined) {
    const cleaned = q.replace(CONTROL, '').trim();
    if (cleaned.length > MAX_Q) issues.push({ path: 'q', message: `Search for ${MAX_Q} characters or fewer.` });
    else if (cleaned) [filters.q, echo.q] = [cleaned, cleaned];
  }

  if (issues.length > 0) throw errors.invalidFilter(issues);
  return { filters, echo };
}

function parseBound(text: string, timezone: string, end: 'start' | 'end'): Date | undefined {
  if (DATE_PATTERN.test(text)) {
    const day = DateTime.fromISO(text, { zone: timezone });
    if (!day.isValid) return undefined;
    return (end === 'start' ? day.startOf('day') : day.startOf('day').plus({ days: 1 })).toJSDate();
  }
  if (INSTANT_PATTERN.test(text)) {
    const instant = DateTime.fromISO(text, { setZone: true });
    if (!instant.isValid) return undefined;
    // Stored times have millisecond precision: an inclusive instant ends 1 ms later.
    return end === 'start' ? instant.toJSDate() : new Date(instant.toMillis() + 1);
  }
  return undefined;
}

/** `?from=…&status=…` for links that keep the current filters (plus extra parameters). */
export function queryString(echo: FilterEcho, extra: Record<string, string | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries({ ...echo, ...extra })) if (value !== undefined && value !== '') params.set(name, value);
  const text = params.toString();
  return text ? `?${text}` : '';
}
