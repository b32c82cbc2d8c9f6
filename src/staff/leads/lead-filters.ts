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
 * - `assignee` is `me`, `none` (unassigned) or a staff email address, which
 *   resolveLeadFilters turns into an id: an address nobody has is a mistake
 *   to point out, not an empty list. `awaiting=1`: no first response yet;
 *   `overdue=1`: awaiting and past its respondBy at the time of the request.
 */

export const FILTER_FIELDS = ['from', 'to', 'status', 'program', 'article', 'q', 'assignee', 'awaiting', 'overdue'] as const;
export type FilterField = (typeof FILTER_FIELDS)[number];

/** Filters as typed, for the form to show again and for links to carry on. */
export type FilterEcho = Partial<Record<FilterField, string>>;

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
const INSTANT_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})$/i;
const PROGRAM_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/;
const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const MAX_Q = 200;
const EMAIL_PATTERN = /^[^\s@]{1,64}@[^\s@]{1,255}$/;
const FLAG_VALUES: Record<string, boolean> = { '1': true, true: true, '0': false, false: false };
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

export interface FilterContext {
  timezone: string;
  /** The time of the request: `overdue=1` means past respondBy at this instant. */
  now: Date;
  /** The signed-in person, for `assignee=me`; none on the command line. */
  me?: string;
  /** A staff account's id by its email address; null when there is none. */
  staffIdByEmail(email: string): Promise<string | null>;
}

/**
 * parseLeadFilters, then the assignee turned into an id (a database look-up
 * for an email address): the one entry point for the list and the export.
 */
export async function resolveLeadFilters(query: Record<string, unknown>, context: FilterContext): Promise<{ filters: LeadFilters; echo: FilterEcho }> {
  const parsed = parseLeadFilters(query, context.timezone, context.now);
  const assignee = parsed.echo.assignee;
  if (assignee === undefined || assignee === 'none') return parsed;
  if (assignee === 'me') {
    if (!context.me) throw errors.invalidFilter([{ path: 'assignee', message: 'assignee=me needs a signed-in person: give a staff email address instead.' }]);
    return { ...parsed, filters: { ...parsed.filters, assigneeId: context.me } };
  }
  const id = await context.staffIdByEmail(assignee);
  if (!id) throw errors.invalidFilter([{ path: 'assignee', message: `No staff account has the address ${assignee}.` }]);
  return { ...parsed, filters: { ...parsed.filters, assigneeId: id } };
}

/**
 * Parses the filter parameters; collects every problem and throws one 400
 * listing them. An assignee's email address is checked for its form only
 * (see resolveLeadFilters); `now` is needed for `overdue=1`.
 */
export function parseLeadFilters(query: Record<string, unknown>, timezone: string, now?: Date): { filters: LeadFilters; echo: FilterEcho } {
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

  const assignee = singleValue(query, 'assignee', issues)?.toLowerCase();
  if (assignee !== undefined) {
    if (assignee === 'me' || assignee === 'none' || (assignee.length <= 320 && EMAIL_PATTERN.test(assignee))) {
      echo.assignee = assignee;
      if (assignee === 'none') filters.unassigned = true;
    } else {
      issues.push({ path: 'assignee', message: 'Assignee must be me, none or a staff email address.' });
    }
  }
  for (const name of ['awaiting', 'overdue'] as const) {
    const text = singleValue(query, name, issues);
    if (text === undefined) continue;
    const on = FLAG_VALUES[text.toLowerCase()];
    if (on === undefined) issues.push({ path: name, message: `${name} must be 1 or 0.` });
    else if (on) echo[name] = '1';
  }
  if (echo.awaiting) filters.awaiting = true;
  if (echo.overdue) {
    if (now) filters.overdueAt = now;
    else issues.push({ path: 'overdue', message: 'overdue=1 is not available here.' });
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
