import { DateTime } from 'luxon';
import { currentClosing, isOpen, nextOpening, WEEKDAYS, type OfficeHours } from '../office-hours';
import type { OpenPeriod } from './week-heatmap';

/** Arrivals of one office-local date and time-of-day bucket, as the leads module counts them. */
export interface ArrivalCount {
  day: string;
  minute: number;
  leads: number;
}

export interface DayArrivals {
  /** Office-local date, YYYY-MM-DD. */
  date: string;
  open: number;
  closed: number;
}

export interface ArrivalSummary {
  days: DayArrivals[];
  /** byHour[day][hour], Monday first, office-local wall time. */
  byHour: number[][];
}

const timeToMinutes = (time: string) => {
  const [hour = 0, minute = 0] = time.split(':').map(Number);
  return hour * 60 + minute;
};

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/**
 * The size of the time-of-day buckets to count arrivals in: the largest
 * divisor of 60 on which every posted opening and closing falls (60 for
 * "09:00-17:00", 30 for "08:30-17:00", 5 for "08:05-…"). Then no bucket
 * straddles an opening or closing, so classifying a whole bucket as open or
 * closed is exact, not an approximation, while the database still groups
 * (never lists) the leads.
 */
export function bucketMinutes(office: OfficeHours): number {
  return office.segments.reduce((size, segment) => gcd(gcd(size, timeToMinutes(segment.open) % 60), timeToMinutes(segment.close) % 60), 60);
}

/** The posted weekly hours as periods to outline: day 0 = Monday. */
export function openPeriods(office: OfficeHours): OpenPeriod[] {
  return office.segments.flatMap((segment) =>
    segment.days.map((day) => ({ day: WEEKDAYS.indexOf(day), from: timeToMinutes(segment.open), to: timeToMinutes(segment.close) })),
  );
}

/** Every office-local date from the one containing `from` to the one containing the last instant before `until`. */
export function datesBetween(from: Date, until: Date, timezone: string): string[] {
  const last = DateTime.fromMillis(until.getTime() - 1, { zone: timezone }).startOf('day');
  const dates: string[] = [];
  for (let day = DateTime.fromJSDate(from, { zone: timezone }).startOf('day'); day <= last; day = day.plus({ days: 1 })) dates.push(day.toISODate()!);
  return dates;
}

/**
 * Arrivals per day split into "while open" and "while closed", and by hour
 * of the week. A bucket is open when isOpen is true at its start, which
 * (buckets never straddling a change, see bucketMinutes) is isOpen at the
 * arrival of every lead in it. On a DST change the repeated hour's two
 * halves share one wall-clock bucket; both are classified as its first
 * occurrence, as office-clock resolves posted times.
 *
 * A year has about 8,800 hourly buckets: resolving each in the zone and
 * asking isOpen of each took 0.7 s. So the zone is asked once per date (its
 * midnight) and the schedule once per opening and closing in the range; a
 * bucket of an ordinary day is its midnight plus its minutes, looked up among
 * the open periods. Days with a change of offset, and dates outside `dates`,
 * take the bucket-by-bucket way, which gives the same answer.
 */
export function summariseArrivals(office: OfficeHours, counts: readonly ArrivalCount[], dates: readonly string[]): ArrivalSummary {
  const days = new Map(dates.map((date) => [date, { date, open: 0, closed: 0 }]));
  const byHour = Array.from({ length: 7 }, () => Array.from({ length: 24 }, () => 0));
  const calendar = officeCalendar(office, dates);
  for (const count of counts) {
    const hour = Math.floor(count.minute / 60);
    const plain = calendar.plainDays.get(count.day);
    let start: number;
    let weekday: number;
    if (plain) {
      start = plain.midnight + count.minute * 60_000;
      weekday = plain.weekday;
    } else {
      const [year, month, day] = count.day.split('-').map(Number);
      const resolved = DateTime.fromObject({ year, month, day, hour, minute: count.minute % 60 }, { zone: office.timezone });
      if (!resolved.isValid) continue;
      start = resolved.toMillis();
      weekday = resolved.weekday;
    }
    const row = days.get(count.day);
    if (row) row[calendar.isOpen(start) ? 'open' : 'closed'] += count.leads;
    byHour[weekday - 1]![hour]! += count.leads;
  }
  return { days: [...days.values()], byHour };
}

interface PlainDay {
  /** The instant of the date's local midnight. */
  midnight: number;
  /** ISO weekday, 1 = Monday. */
  weekday: number;
}

/**
 * The dates of `dates` without a change of UTC offset (24 hours long, the
 * same offset at both midnights), where a local time is midnight plus its
 * minutes; and isOpen over the whole span, from the open periods found by
 * walking from opening to closing (isOpen itself outside the span).
 */
function officeCalendar(office: OfficeHours, dates: readonly string[]) {
  const plainDays = new Map<string, PlainDay>();
  const midnights = dates.map((date) => DateTime.fromISO(date, { zone: office.timezone }));
  if (midnights.length > 0) midnights.push(midnights[midnights.length - 1]!.plus({ days: 1 }).startOf('day'));
  dates.forEach((date, index) => {
    const midnight = midnights[index]!;
    const next = midnights[index + 1]!;
    if (!midnight.isValid || !next.isValid || next.toMillis() - midnight.toMillis() !== 86_400_000 || midnight.offset !== next.offset) return;
    if (midnight.hour !== 0 || midnight.minute !== 0 || midnight.toISODate() !== date) return;
    plainDays.set(date, { midnight: midnight.toMillis(), weekday: midnight.weekday });
  });
  const from = midnights[0]?.toMillis() ?? 0;
  const until = midnights[midnights.length - 1]?.toMillis() ?? 0;
  const periods = openPeriodsBetween(office, from, until);
  return {
    plainDays,
    isOpen(at: number): boolean {
      if (at < from || at >= until) return isOpen(office, new Date(at));
      // The last period starting at or before `at`, if any, holds it or ended before it.
      let low = 0;
      let high = periods.length;
      while (low < high) {
        const middle = (low + high) >> 1;
        if (periods[middle]![0] <= at) low = middle + 1;
        else high = middle;
      }
      return low > 0 && at < periods[low - 1]![1];
    },
  };
}

/** The open periods [start, end) that meet [from, until), touching ones merged, the first cut to start at `from`. */
function openPeriodsBetween(office: OfficeHours, from: number, until: number): Array<[number, number]> {
  const periods: Array<[number, number]> = [];
  let at = from;
  while (at < until) {
    const instant = new Date(at);
    if (isOpen(office, instant)) {
      const closing = currentClosing(office, instant); // null: open past the schedule's horizon
      const end = closing === null ? Number.POSITIVE_INFINITY : closing.getTime();
      periods.push([at, end]);
      at = end;
    } else {
      const opening = nextOpening(office, instant); // null: no opening within the horizon
      if (opening === null) break;
      at = opening.getTime();
    }
  }
  return periods;
}
