import { epochMs, openPeriods, type Period } from './open-periods';
import type { OfficeHours } from './schedule';

/**
 * Open/closed over OfficeHours. Pure: the instant is always a parameter.
 *
 * The office is open inside the open periods of open-periods.ts (each
 * segment on each non-holiday local date, with its DST rule). Periods that
 * touch (Mon 09:00-24:00 then Tue 00:00-02:00) are one period for
 * closesAt/opensAt; a holiday or a day off in between breaks them at local
 * midnight.
 */

/** How far ahead to look: a year of holidays back to back still finds the next opening. */
const HORIZON_DAYS = 400;

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
  const t = epochMs(at, 'at');
  const walk = openPeriods(office, t, { days: HORIZON_DAYS });
  let current: Period | null = null; // the period containing t, growing as touching periods join it
  let step = walk.next();
  for (; !step.done; step = walk.next()) {
    const period = step.value;
    if (current) {
      if (period.start > current.end) return { open: true, closesAt: current.end };
      current.end = period.end;
    } else {
      // The first period holds t (cut to start there) or is the next opening.
      if (period.start > t) return { open: false, opensAt: period.start };
      current = { ...period };
    }
  }
  // The horizon is reached: still open at its end means no closing within it.
  if (!current) return { open: false, opensAt: null };
  return { open: true, closesAt: current.end < step.value ? current.end : null };
}

function toDate(epochMs: number | null): Date | null {
  return epochMs === null ? null : new Date(epochMs);
}
