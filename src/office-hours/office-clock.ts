import { DateTime } from 'luxon';
import { WEEKDAYS, minutesOfDay, type OfficeHours } from './schedule';

/**
 * Open/closed maths over OfficeHours. Pure: the instant is always a parameter.
 *
 * Each segment on each non-holiday local date is one open period
 * [opening, closing). Periods that touch (Mon 09:00-24:00 then Tue 00:00-02:00)
 * are one period for closesAt/opensAt; a holiday or a day off in between
 * breaks them at local midnight.
 *
 * DST: the posted times are wall-clock times in the office zone. A wall time
 * that does not exist or happens twice on a DST-change day is resolved as
 * RFC 5545 (iCalendar) and Temporal's "compatible" mode do:
 * - nonexistent (spring forward): read with the offset before the gap, so a
 *   02:30 opening on 2026-03-08 in America/New_York is 03:30 EDT (07:30Z);
 * - ambiguous (fall back): the first occurrence, so 01:30 on 2026-11-01 is
 *   01:30 EDT (05:30Z), and a period spanning the repeated hour stays open
 *   through it instead of closing and reopening.
 * isOpen is "inside one of these periods": on every other day that is exactly
 * the documented rule "start <= local time < end", and it keeps isOpen, opensAt and
 * closesAt consistent with each other on DST-change days too.
 */

/** How far ahead to look: a year of holidays back to back still finds the next opening. */
const HORIZON_DAYS = 400;

interface Period {
  start: number; // epoch ms, inclusive
  end: number; // epoch ms, exclusive
}

/** Open with its closing, or closed with its next opening; null when beyond the horizon. */
export type Situation = { open: true; closesAt: number | null } | { open: false; opensAt: number | null };

export function isOpen(office: OfficeHours, at: Date): boolean {
  return locate(office, at).open;
}

/** End of the open period containing `at` (touching periods merged); null when closed or open past the horizon. */
export function currentClosing(office: OfficeHours, at: Date): Date | null {
  const situation = locate(office, at);
  return situation.open ? toDate(situation.closesAt) : null;
}

/**
 * The next instant after `at` at which the office goes from closed to open.
 * When open, that is the opening after the current period closes; use
 * earliestOpenAt for "now if open, else the next opening". Null when the
 * office does not open within 400 days.
 */
export function nextOpening(office: OfficeHours, at: Date): Date | null {
  const situation = locate(office, at);
  if (!situation.open) return toDate(situation.opensAt);
  if (situation.closesAt === null) return null;
  const afterClosing = locate(office, new Date(situation.closesAt));
  return afterClosing.open ? null : toDate(afterClosing.opensAt);
}

/** `at` itself when open, else the next opening: when admissions may be emailed. */
export function earliestOpenAt(office: OfficeHours, at: Date): Date | null {
  const situation = locate(office, at);
  return situation.open ? new Date(at.getTime()) : toDate(situation.opensAt);
}

/** Whether `at` is open, and when that changes; one walk over the days ahead. Shared by this folder's modules. */
export function locate(office: OfficeHours, at: Date): Situation {
  const t = at.getTime();
  if (Number.isNaN(t)) throw new RangeError('office hours: "at" is an invalid Date');
  const holidays = new Set(office.holidays);
  let day = DateTime.fromMillis(t, { zone: office.timezone }).startOf('day');
  let current: Period | null = null; // the period containing t, growing as touching periods join it

  for (let count = 0; count < HORIZON_DAYS; count++) {
    const nextDay = day.plus({ days: 1 }).startOf('day');
    for (const period of periodsOn(office, day, nextDay, holidays)) {
      if (current) {
        if (period.start > current.end) return { open: true, closesAt: current.end };
        current.end = Math.max(current.end, period.end);
      } else if (period.end > t) {
        if (period.start > t) return { open: false, opensAt: period.start };
        current = { ...period };
      }
    }
    // A period only continues into tomorrow if it lasts until midnight.
    if (current && current.end < nextDay.toMillis()) return { open: true, closesAt: current.end };
    day = nextDay;
  }
  return current ? { open: true, closesAt: null } : { open: false, opensAt: null };
}

function periodsOn(office: OfficeHours, day: DateTime, nextDay: DateTime, holidays: Set<string>): Period[] {
  if (holidays.has(day.toFormat('yyyy-MM-dd'))) return [];
  const weekday = WEEKDAYS[day.weekday - 1];
  return office.segments
    .filter((segment) => weekday !== undefined && segment.days.includes(weekday))
    .map((segment) => ({
      start: wallClockInstant(day, nextDay, segment.open),
      end: wallClockInstant(day, nextDay, segment.close),
    }))
    .filter((period) => period.start < period.end) // a segment inside a DST gap can resolve to nothing
    .sort((a, b) => a.start - b.start);
}

/** The instant of a local "HH:MM" on `day`, with the DST rule described at the top. */
function wallClockInstant(day: DateTime, nextDay: DateTime, time: string): number {
  const minutes = minutesOfDay(time);
  if (minutes === 24 * 60) return nextDay.toMillis();
  // luxon resolves a nonexistent time by the offset before the gap; for an
  // ambiguous one it may pick either, so take the earliest possibility.
  const local = day.set({ hour: Math.floor(minutes / 60), minute: minutes % 60 });
  return Math.min(local.toMillis(), ...local.getPossibleOffsets().map((candidate) => candidate.toMillis()));
}

function toDate(epochMs: number | null): Date | null {
  return epochMs === null ? null : new Date(epochMs);
}
