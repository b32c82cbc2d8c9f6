import { IANAZone } from 'luxon';
import { WEEKDAYS, minutesOfDay, type OfficeHours } from './schedule';

/**
 * The open periods of OfficeHours: the one rule behind isOpen, nextOpening,
 * currentClosing and earliestOpenAt (office-clock.ts) and the office-time
 * arithmetic (office-time.ts). Pure: the instant is always a parameter.
 *
 * Each segment on each non-holiday local date is one open period
 * [opening, closing), and the office is open exactly inside their union.
 *
 * DST: the posted times are wall-clock times in the office zone. A wall time
 * that does not exist or happens twice on a DST-change day is resolved as
 * RFC 5545 (iCalendar) and Temporal's "compatible" mode do:
 * - nonexistent (spring forward): read with the offset before the gap, so a
 *   02:30 opening on 2026-03-08 in America/New_York is 03:30 EDT (07:30Z);
 * - ambiguous (fall back): the first occurrence, so 01:30 on 2026-11-01 is
 *   01:30 EDT (05:30Z), and a period spanning the repeated hour stays open
 *   through it instead of closing and reopening.
 * On every other day "inside a period" is exactly the documented rule
 * "start <= local time < end", and one rule for all callers keeps isOpen,
 * opensAt, closesAt and counted office time consistent on DST-change days too.
 *
 * The periods are walked a local day at a time, never minute by minute, with
 * plain date arithmetic and one time-zone lookup per day (a few more on the
 * days around a DST change). A year is about 365 steps, a few milliseconds;
 * building each day with luxon DateTime objects was about a hundred times
 * slower per day, and the banner and the office state ask on every page.
 */

export interface Period {
  start: number; // epoch ms, inclusive
  end: number; // epoch ms, exclusive
}

/** Where a walk stops; without any it goes on for as long as it is iterated. */
export interface WalkLimits {
  /** Stop at the first local day that starts at or after this instant. */
  until?: number;
  /** Walk at most this many local days, the day holding `from` being the first. */
  days?: number;
  /** Stop after this many local days in a row without an opening. */
  closedDays?: number;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
/** Offsets lie within UTC-12 and UTC+14: a local midnight is at most 14 h before its UTC reading. */
const MAX_OFFSET_MS = 14 * HOUR_MS;

interface Minutes {
  open: number;
  close: number;
}

/**
 * The open periods from `from` on, in order and disjoint, the one holding
 * `from` cut to start there. Periods that touch are not merged (callers that
 * need it, as closesAt does, join them); periods that overlap, which only
 * happens when a DST gap moves a wall time past a later one, are clipped so
 * no instant is yielded twice.
 *
 * Returns the instant up to which every open period has been yielded: the
 * start of the first local day not walked.
 */
export function* openPeriods(office: OfficeHours, from: number, limits: WalkLimits = {}): Generator<Period, number> {
  const until = limits.until ?? Number.POSITIVE_INFINITY;
  const days = limits.days ?? Number.POSITIVE_INFINITY;
  const closedDaysLimit = limits.closedDays ?? Number.POSITIVE_INFINITY;
  const zone = IANAZone.create(office.timezone);
  if (!zone.isValid) throw new RangeError(`office hours: "${office.timezone}" is not an IANA time zone`);
  const offsetAt = (at: number) => zone.offset(at) * MINUTE_MS;
  const holidays = new Set(office.holidays);
  const week = minutesByWeekday(office);
  const offsets = new OffsetWindow(offsetAt);
  /** The instant of `minutes` past midnight on a local date, with the DST rule described at the top. */
  const wallClockInstant = (localDate: number, minutes: number, window = offsets.around(localDate)) => {
    const wall = localDate + minutes * MINUTE_MS;
    return window.before === window.after ? wall - window.before : resolveWallClock(wall, window, offsetAt);
  };

  // A local date is held as the UTC midnight of the same calendar date, so
  // stepping days, weekdays and holiday keys are plain Date arithmetic.
  let localDate = Math.floor((from + offsetAt(from)) / DAY_MS) * DAY_MS;
  let coveredUntil = from;
  let walked = 0;
  let closedDays = 0;

  while (walked < days && closedDays < closedDaysLimit && localDate - MAX_OFFSET_MS < until) {
    const calendar = new Date(localDate);
    const holiday = holidays.has(calendar.toISOString().slice(0, 10));
    const segments = holiday ? [] : (week[(calendar.getUTCDay() + 6) % 7] ?? []);
    let opened = false;
    if (segments.length > 0) {
      const window = offsets.around(localDate);
      const periods = segments.map((segment) => ({
        start: wallClockInstant(localDate, segment.open, window),
        end: wallClockInstant(localDate, segment.close, window),
      }));
      // Wall-clock order is instant order except across a gap: 02:30, read
      // with the offset before the jump, comes after 03:10 read after it.
      if (window.before !== window.after) periods.sort((a, b) => a.start - b.start);
      for (const period of periods) {
        const start = Math.max(period.start, coveredUntil);
        if (start >= period.end) continue; // a segment inside a DST gap can resolve to nothing
        coveredUntil = period.end;
        opened = true;
        yield { start, end: period.end };
      }
    }
    closedDays = opened ? 0 : closedDays + 1;
    walked += 1;
    localDate += DAY_MS;
  }
  return wallClockInstant(localDate - DAY_MS, 24 * 60);
}

/** `at` as epoch ms; a RangeError names the parameter when it is an invalid Date. */
export function epochMs(at: Date, name: string): number {
  const ms = at.getTime();
  if (Number.isNaN(ms)) throw new RangeError(`office hours: "${name}" is an invalid Date`);
  return ms;
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
 * The instant of a wall-clock reading (as UTC ms) near a DST change, by the
 * rule at the top: the earliest instant showing that reading; in a gap, the
 * reading with the offset before it (the smaller one, as clocks jump forward).
 */
function resolveWallClock(
  wall: number,
  { before, after }: { before: number; after: number },
  offsetAt: (at: number) => number,
): number {
  const readings = [wall - before, wall - after].filter((at) => at + offsetAt(at) === wall);
  return readings.length > 0 ? Math.min(...readings) : wall - Math.min(before, after);
}
