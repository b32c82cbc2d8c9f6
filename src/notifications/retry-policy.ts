import { earliestOpenAt, type OfficeHours } from '../office-hours';
import { CALL_NOTIFICATION_KINDS, type NotificationKind } from '../outbox';

export const MAX_ATTEMPTS = 10;
const FIRST_DELAY_MS = 60_000;
const MAX_DELAY_MS = 60 * 60_000;

/**
 * When to try again after `attempts` failed tries, or null to give up:
 * 1 min doubling to 1 h, ±20% jitter so a recovering mail server is not hit
 * by every instance at once. Admissions mail and escalations never go out
 * while the office is closed, so a retry that would land in closed time waits for the opening.
 * Auto-replies and mail about calls are not held: a reminder is due at its own time.
 */
export function nextAttempt(options: {
  attempts: number;
  now: Date;
  kind: NotificationKind;
  officeHours: OfficeHours;
  permanent: boolean;
  random?: () => number;
}): Date | null {
  if (options.permanent || options.attempts >= MAX_ATTEMPTS) return null;
  const base = Math.min(FIRST_DELAY_MS * 2 ** (options.attempts - 1), MAX_DELAY_MS);
  const jitter = 0.8 + 0.4 * (options.random ?? Math.random)();
  const retryAt = new Date(options.now.getTime() + Math.round(base * jitter));
  if (options.kind === 'autoreply' || (CALL_NOTIFICATION_KINDS as readonly string[]).includes(options.kind)) return retryAt;
  return earliestOpenAt(options.officeHours, retryAt) ?? retryAt;
}
