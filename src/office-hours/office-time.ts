import { IANAZone } from 'luxon';
import { WEEKDAYS, minutesOfDay, type OfficeHours } from './schedule';

/**
 * Office-time arithmetic: durations counted only while the office is open,
 * for response targets ("15 minutes of office time"). Pure: every instant is
 * a parameter.
 *
 * Open time is elapsed time inside the open periods that office-clock.ts
 * describes: each segment on each non-holiday local date, resolved on
 * DST-change days by the same rule (a nonexistent wall time is read with the
 * offset before the gap, an ambiguous one as its first occurrence). So the
 * posted wall-clock hours decide when counting runs, and a period across a
 * DST change counts the hours that really pass: 00:00-24:00 is 23 hours on
 * the spring-forward day and 25 on the fall-back day.
 *
 * The periods are walked a local day at a time, never minute by minute, with
 * plain date arithmetic and one time-zone lookup per day (a few more on the
 * days around a DST change). A year is about 365 steps, a few milliseconds.
 * office-clock.ts builds its periods with luxon date objects, about a hundred
 * times slower per day, so this walk applies the same DST rule itself; the
 * unit tests check that it agrees with isOpen millisecond for millisecond.
 */

/** As nextOpening: a closed stretch this long means the office does not open again. */
const CLOSED_DAYS_LIMIT = 400;

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
/** Offsets lie within UTC-12 and UTC+14: a local midnight is at most 14 h before its UTC reading. */
const MAX_OFFSET_MS = 14 * HOUR_MS;

interface Period {
  start: number; // epoch ms, inclusive
  end: number; // epoch ms, exclusive
}

interface Minutes {
  open: number;
  close: number;
}

/**
 * The instant at which `durationMs` of open time has passed since `from`.
 *
 * - Counting starts at `from` when open, else at the next opening; it pauses
 *   over closings, nights, weekends and holidays.
 * - A duration that runs out exactly at a closing ends at that closing
 *   instant (e.g. 21:00), although the office is closed from that instant on:
 *   20:45 + 15 minutes is 21:00 the same day, not the next opening. Every
 *   other result for `durationMs > 0` is an instant when the office is open.
 * - `durationMs` 0 gives `from` when open, else the next opening (as
 *   earliestOpenAt).
 * - `null` when the office does not open again: no segment, or a closed
 *   stretch of 400 local days (the horizon nextOpening uses).
 *
 * `durationMs` must be a non-negative integer; a RangeError says otherwise.
 */
export function addOfficeTime(office: OfficeHours, from: Date, durationMs: number): Date | null {
  const start = epochMs(from, 'from');
  if (!Number.isSafeInteger(durationMs) || durationMs < 0) {
    throw new RangeError(`office hours: the duration must be a non-negative whole number of ms, got ${durationMs}`);
  }
  let remaining = durationMs;
  for (const period of openPeriods(office, start, { closedDaysLimit: CLOSED_DAYS_LIMIT })) {
    if (remaining <= period.end - period.start) return new Date(period.start + remaining);
    remaining -= period.end - period.start;
  }
  return null;
}

/**
 * Open milliseconds in [from, to): 0 when `to` is not after `from`. Exact over
 * any span (no horizon), and additive: between(a, c) = between(a, b) + between(b, c).
 */
export function officeTimeBetween(office: OfficeHours, from: Date, to: Date): number {
  const start = epochMs(from, 'from');
  const end = epochMs(to, 'to');
  let total = 0;
  if (end <= start) return total;
  for (const period of openPeriods(office, start, { until: end })) {
    if (period.start >= end) break;
    total += Math.min(period.end, end) - period.start;
  }
  return total;
}

/**
 * The open periods from `from` on, in order and disjoint, the one holding
 * `from` cut to start there. Periods that touch are not merged (counting does
 * not need it); periods that overlap, which only happens when a DST gap
 * swallows the end of one segment, are clipped so no instant counts twice.
 * Stops at the first local day that starts at or after `until`, or after
 * `closedDaysLimit` days in a row without an opening.
 */
function* openPeriods(
  office: OfficeHours,
  from: number,
  stop: { until?: number; closedDaysLimit?: number },
): Generator<Period> {
  const until = stop.until ?? Number.POSITIVE_INFINITY;
  const closedDaysLimit = stop.closedDaysLimit ?? Number.POSITIVE_INFINITY;
  const zone = IANAZone.create(office.timezone);
  if (!zone.isValid) throw new RangeError(`office hours: "${office.timezone}" is not an IANA time zone`);
  const offsetAt = (at: number) => zone.offset(at) * MINUTE_MS;
  const holidays = new Set(office.holidays);
  const week = minutesByWeekday(office);
  const offsets = new OffsetWindow(offsetAt);

  // A local date is held as the UTC midnight of the same calendar date, so
  // stepping days, weekdays and holiday keys are plain Date arithmetic.
  let localDate = Math.floor((from + offsetAt(from)) / DAY_MS) * DAY_MS;
  let coveredUntil = from;
  let closedDays = 0;

  while (closedDays < closedDaysLimit && localDate - MAX_OFFSET_MS < until) {
    const calendar = new Date(localDate);
    const holiday = holidays.has(calendar.toISOString().slice(0, 10));
    const segments = holiday ? [] : (week[(calendar.getUTCDay() + 6) % 7] ?? []);
    let opened = false;
    if (segments.length > 0) {
      const { before, after } = offsets.around(localDate);
      const toInstant = (minutes: number) => {
        const wall = localDate + minutes * MINUTE_MS;
        return before === after ? wall - before : resolveWallClock(wall, before, after, offsetAt);
      };
      for (const segment of segments) {
        const start = Math.max(toInstant(segment.open), coveredUntil);
        const end = toInstant(segment.close);
        if (start >= end) continue;
        coveredUntil = end;
        opened = true;
        yield { start, end };
      }
    }
    closedDays = opened ? 0 : closedDays + 1;
    localDate += DAY_MS;
  }
}

/** Each weekday's segments as minutes since local midnight, Mon first, sorted by opening. */
function minutesByWeekday(office: OfficeHours): Minutes[][] {
  return WEEKDAYS.map((name) =>
    office.segments
      .filter((segment) => segment.days.includes(name))
      .map((segment) => ({ open: minutesOfDay(segment.open), close: minutesOfDay(segment.close) }))
      .sort((a, b) => a.open - b.open),
  );
}

/**
 * The offsets at the edges of a window around a local date, [date - 14 h,
 * date + 58 h] in UTC readings, which surely holds the whole day. Equal
 * edges mean the day has no DST change (no zone changes its offset and back
 * within three days); otherwise they are the offsets before and after the
 * change. The lookups slide along with the days, so a day costs one.
 */
class OffsetWindow {
  private readonly edges = new Map<number, number>();

  constructor(private readonly offsetAt: (at: number) => number) {}

  around(localDate: number): { before: number; after: number } {
    for (const known of this.edges.keys()) if (known < localDate) this.edges.delete(known);
    return { before: this.edge(localDate), after: this.edge(localDate + 3 * DAY_MS) };
  }

  private edge(localDate: number): number {
    let offset = this.edges.get(localDate);
    if (offset === undefined) {
      offset = this.offsetAt(localDate - MAX_OFFSET_MS);
      this.edges.set(localDate, offset);
    }
    return offset;
  }
}

/**
 * The instant of a wall-clock reading (as UTC ms) near a DST change, by
 * office-clock.ts's rule, so that isOpen and this arithmetic agree on every
 * day: the earliest instant showing that reading; in a gap, the reading with
 * the offset before it (the smaller one, as clocks jump forward).
 */
function resolveWallClock(wall: number, before: number, after: number, offsetAt: (at: number) => number): number {
  const readings = [wall - before, wall - after].filter((at) => at + offsetAt(at) === wall);
  return readings.length > 0 ? Math.min(...readings) : wall - Math.min(before, after);
}

function epochMs(at: Date, name: string): number {
  const ms = at.getTime();
  if (Number.isNaN(ms)) throw new RangeError(`office hours: "${name}" is an invalid Date`);
  return ms;
}
