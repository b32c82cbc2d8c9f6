import { epochMs, openPeriods } from './open-periods';
import type { OfficeHours } from './schedule';

/**
 * Office-time arithmetic: durations counted only while the office is open,
 * for response targets ("15 minutes of office time"). Pure: every instant is
 * a parameter.
 *
 * Open time is elapsed time inside the open periods of open-periods.ts, the
 * same ones isOpen uses: each segment on each non-holiday local date,
 * resolved on DST-change days by one rule (a nonexistent wall time is read
 * with the offset before the gap, an ambiguous one as its first occurrence).
 * So the posted wall-clock hours decide when counting runs, and a period
 * across a DST change counts the hours that really pass: 00:00-24:00 is 23
 * hours on the spring-forward day and 25 on the fall-back day.
 */

/** As nextOpening: a closed stretch this long means the office does not open again. */
const CLOSED_DAYS_LIMIT = 400;

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
  for (const period of openPeriods(office, start, { closedDays: CLOSED_DAYS_LIMIT })) {
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
