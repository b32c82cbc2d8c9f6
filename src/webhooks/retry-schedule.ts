/**
 * Standard Webhooks' (Svix's) schedule, SPEC §13: after a failed try, the
 * next one comes 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h later; after the
 * eighth try the delivery is `failed`. Webhooks are not held for office hours.
 */
export const RETRY_DELAYS_MS: readonly number[] = [5_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000, 5 * 3_600_000, 10 * 3_600_000, 10 * 3_600_000];

export const MAX_TRIES = RETRY_DELAYS_MS.length + 1;

/** When to try again after `attempts` failed tries (the one that just failed included), or null: give up. */
export function nextWebhookAttempt(attempts: number, now: Date): Date | null {
  const delay = RETRY_DELAYS_MS[attempts - 1];
  return delay === undefined ? null : new Date(now.getTime() + delay);
}
