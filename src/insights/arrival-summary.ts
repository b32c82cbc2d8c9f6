import { DateTime } from 'luxon';
import { isOpen, WEEKDAYS, type OfficeHours } from '../office-hours';
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
 */
export function summariseArrivals(office: OfficeHours, counts: readonly ArrivalCount[], dates: readonly string[]): ArrivalSummary {
  const days = new Map(dates.map((date) => [date, { date, open: 0, closed: 0 }]));
  const byHour = Array.from({ length: 7 }, () => Array.from({ length: 24 }, () => 0));
  for (const count of counts) {
    const [year, month, day] = count.day.split('-').map(Number);
    const start = DateTime.fromObject({ year, month, day, hour: Math.floor(count.minute / 60), minute: count.minute % 60 }, { zone: office.timezone });
    if (!start.isValid) continue;
    const row = days.get(count.day);
    if (row) row[isOpen(office, start.toJSDate()) ? 'open' : 'closed'] += count.leads;
    byHour[start.weekday - 1]![Math.floor(count.minute / 60)]! += count.leads;
  }
  return { days: [...days.values()], byHour };
}
