import { DateTime, IANAZone } from 'luxon';

/**
 * The posted office hours as data: parsed once from configuration
 * (OFFICE_TIMEZONE, OFFICE_HOURS, OFFICE_HOLIDAYS; grammar in docs/configuration.md), then
 * handed to the pure functions in office-clock.ts and office-time.ts. Parsing
 * fails loudly, naming the bad part, because a typo here silently changes when
 * admissions is emailed.
 */

export const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface ScheduleSegment {
  /** In week order, Mon first, no repeats. */
  readonly days: readonly Weekday[];
  /** Local wall-clock "HH:MM" in the office zone, 00:00–23:59. */
  readonly open: string;
  /** Local wall-clock "HH:MM", after `open`; "24:00" is the end of the day. */
  readonly close: string;
}

export interface OfficeHours {
  /** IANA zone name, e.g. "America/New_York". */
  readonly timezone: string;
  readonly segments: readonly ScheduleSegment[];
  /** Local dates "YYYY-MM-DD", sorted, closed all day. */
  readonly holidays: readonly string[];
}

/** `setting` says which input was wrong, so configuration can name its variable. */
export class ScheduleError extends Error {
  constructor(
    message: string,
    readonly setting: 'timezone' | 'hours' | 'holidays',
  ) {
    super(message);
    this.name = 'ScheduleError';
  }
}

const EXAMPLE = 'e.g. "Mon-Fri 09:00-17:00"';

/**
 * `Mon-Fri 09:00-21:00; Sat,Sun 10:00-14:00`. Decisions beyond the posted grammar:
 * day names are case-insensitive; a range may wrap the week (`Fri-Mon` is
 * Fri, Sat, Sun, Mon); a day list may mix days and ranges (`Mon-Wed,Fri`);
 * the hour may have one digit (`9:00`); spaces around `-`, `,` and `;` are
 * allowed and empty segments (a trailing `;`) are ignored. Segments that
 * overlap on a day are rejected: a later segment does not override an
 * earlier one, so an overlap is almost certainly a typo.
 */
export function parseSchedule(text: string): ScheduleSegment[] {
  const parts = text
    .split(';')
    .map((raw, index) => ({ raw: raw.trim(), number: index + 1 }))
    .filter((part) => part.raw !== '');
  if (parts.length === 0) {
    throw new ScheduleError(`office hours are empty: give at least one segment, ${EXAMPLE}`, 'hours');
  }

  const parsed = parts.map((part) => ({
    ...part,
    segment: parseSegment(part.raw, (problem) => {
      throw new ScheduleError(`segment ${part.number} "${part.raw}": ${problem}`, 'hours');
    }),
  }));

  parsed.forEach((later, index) => {
    for (const earlier of parsed.slice(0, index)) {
      const day = sharedDay(earlier.segment, later.segment);
      if (day && overlaps(earlier.segment, later.segment)) {
        throw new ScheduleError(
          `segment ${later.number} "${later.raw}": overlaps segment ${earlier.number} "${earlier.raw}" on ${day}`,
          'hours',
        );
      }
    }
  });
  return parsed.map((part) => part.segment);
}

/** Comma-separated local dates; blanks are ignored, repeats collapse, result sorted. */
export function parseHolidays(text: string): string[] {
  const dates = text
    .split(',')
    .map((raw, index) => ({ raw: raw.trim(), number: index + 1 }))
    .filter((item) => item.raw !== '')
    .map(({ raw, number }) => {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(raw)) {
        throw new ScheduleError(`holiday ${number} "${raw}" is not a date (use YYYY-MM-DD)`, 'holidays');
      }
      if (!DateTime.fromISO(raw, { zone: 'utc' }).isValid) {
        throw new ScheduleError(`holiday ${number} "${raw}" is not a real calendar date`, 'holidays');
      }
      return raw;
    });
  return [...new Set(dates)].sort();
}

export function createOfficeHours(options: { timezone: string; hours: string; holidays?: string }): OfficeHours {
  const timezone = options.timezone.trim();
  if (!IANAZone.isValidZone(timezone)) {
    throw new ScheduleError(
      `time zone "${options.timezone}" is not an IANA time zone name (e.g. America/New_York)`,
      'timezone',
    );
  }
  return Object.freeze({
    timezone: canonicalCase(timezone),
    segments: Object.freeze(parseSchedule(options.hours)),
    holidays: Object.freeze(parseHolidays(options.holidays ?? '')),
  });
}

type Fail = (problem: string) => never;

function parseSegment(raw: string, fail: Fail): ScheduleSegment {
  // Day names contain no digits, so the first digit starts the time range.
  const firstDigit = raw.search(/\d/);
  if (firstDigit === -1) fail(`missing the time range, ${EXAMPLE}`);
  const daysText = raw.slice(0, firstDigit).trim();
  if (daysText === '') fail(`missing the days before the time range, ${EXAMPLE}`);
  const days = parseDays(daysText, fail);
  const { open, close } = parseTimeRange(raw.slice(firstDigit).trim(), fail);
  return { days, open, close };
}

function parseDays(text: string, fail: Fail): Weekday[] {
  const compact = text.replace(/\s*([,-])\s*/g, '$1');
  if (/\s/.test(compact)) {
    fail(`"${text}" is not a list of days (use Mon, a range Mon-Fri or a list Sat,Sun)`);
  }
  const days = new Set<Weekday>();
  for (const item of compact.split(',')) {
    const ends = item.split('-');
    if (ends.length > 2) fail(`"${item}" is not a day range (use e.g. Mon-Fri)`);
    const from = parseDay(ends[0] ?? '', fail);
    const to = ends.length === 2 ? parseDay(ends[1] ?? '', fail) : from;
    if (ends.length === 2 && from === to) fail(`"${item}" starts and ends on the same day; write "${from}" for one day`);
    // Walk forward through the week so that a range like Fri-Mon wraps past Sunday.
    for (let index = WEEKDAYS.indexOf(from); ; index = (index + 1) % 7) {
      const day = WEEKDAYS[index] as Weekday;
      if (days.has(day)) fail(`${day} is listed twice`);
      days.add(day);
      if (day === to) break;
    }
  }
  return WEEKDAYS.filter((day) => days.has(day));
}

function parseDay(text: string, fail: Fail): Weekday {
  const day = WEEKDAYS.find((name) => name.toLowerCase() === text.toLowerCase());
  return day ?? fail(`"${text}" is not a day (use Mon, Tue, Wed, Thu, Fri, Sat or Sun)`);
}

function parseTimeRange(text: string, fail: Fail): { open: string; close: string } {
  const dash = text.indexOf('-');
  if (dash === -1) fail(`"${text}" is not a time range: give opening and closing times, e.g. 09:00-17:00`);
  const [closeText = '', ...rest] = text.slice(dash + 1).trim().split(/\s+/);
  if (rest.length > 0) fail(`unexpected "${rest.join(' ')}" after the time range (separate segments with ";")`);
  const open = parseTime(text.slice(0, dash).trim(), 'opening', fail);
  const close = parseTime(closeText, 'closing', fail);
  if (minutesOfDay(open) >= minutesOfDay(close)) {
    fail(
      `opening ${open} is not before closing ${close} (a segment cannot cross midnight: ` +
        'split it, e.g. "Fri 22:00-24:00; Sat 00:00-02:00")',
    );
  }
  return { open, close };
}

function parseTime(text: string, role: 'opening' | 'closing', fail: Fail): string {
  if (text === '') fail(`missing the ${role} time, e.g. 09:00-17:00`);
  const match = /^(\d{1,2}):(\d{2})$/.exec(text);
  const hour = Number(match?.[1]);
  const minute = Number(match?.[2]);
  if (!match || minute > 59 || hour > 24 || (hour === 24 && minute > 0)) {
    fail(`"${text}" is not a time (use HH:MM, 00:00–24:00)`);
  }
  return `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
}

/** Minutes since local midnight of a validated "HH:MM" (24:00 → 1440). */
export function minutesOfDay(time: string): number {
  const [hour = 0, minute = 0] = time.split(':').map(Number);
  return hour * 60 + minute;
}

function sharedDay(a: ScheduleSegment, b: ScheduleSegment): Weekday | undefined {
  return a.days.find((day) => b.days.includes(day));
}

function overlaps(a: ScheduleSegment, b: ScheduleSegment): boolean {
  return minutesOfDay(a.open) < minutesOfDay(b.close) && minutesOfDay(b.open) < minutesOfDay(a.close);
}

/**
 * "america/new_york" is accepted by luxon; show it as "America/New_York".
 * Intl's canonical name is used only when it differs in case, because Intl
 * also swaps current names for old ones (Asia/Kolkata → Asia/Calcutta).
 */
function canonicalCase(timezone: string): string {
  const canonical = new Intl.DateTimeFormat('en-US', { timeZone: timezone }).resolvedOptions().timeZone;
  return canonical.toLowerCase() === timezone.toLowerCase() ? canonical : timezone;
}
