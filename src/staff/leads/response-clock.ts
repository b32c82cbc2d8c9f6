import { officeTimeBetween, type OfficeHours } from '../../office-hours';

/**
 * How the response clock reads to a person: time left before respondBy, or
 * how late the lead is, both in open office time (a lead due Monday 9:10 is
 * not "60 hours late" on Monday morning), and a response time in office
 * minutes.
 */
export interface ClockReading {
  overdue: boolean;
  /** Office milliseconds left (not overdue) or past respondBy (overdue). */
  officeMs: number;
  /** "12 min of office time left", "1 h 5 min late (office time)". */
  text: string;
}

export function readClock(office: OfficeHours, respondBy: Date, now: Date): ClockReading {
  if (now < respondBy) {
    const officeMs = officeTimeBetween(office, now, respondBy);
    return { overdue: false, officeMs, text: `${officeDuration(officeMs)} of office time left` };
  }
  const officeMs = officeTimeBetween(office, respondBy, now);
  return { overdue: true, officeMs, text: `${officeDuration(officeMs)} late (office time)` };
}

/** "0 min", "14 min", "2 h", "2 h 5 min": whole minutes, rounded down, so "0 min left" really means less than one. */
export function officeDuration(ms: number): string {
  const minutes = Math.floor(Math.max(0, ms) / 60_000);
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours === 0) return `${rest} min`;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}

/** A response time in office seconds as office minutes: "under 1 office minute", "1 office minute", "75 office minutes". */
export function officeMinutes(seconds: number): string {
  const minutes = Math.round(seconds / 60);
  if (minutes < 1) return 'under 1 office minute';
  return minutes === 1 ? '1 office minute' : `${minutes.toLocaleString('en-US')} office minutes`;
}
