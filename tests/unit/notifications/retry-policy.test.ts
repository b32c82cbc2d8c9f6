import { createOfficeHours } from '../../../src/office-hours';
import { MAX_ATTEMPTS, nextAttempt } from '../../../src/notifications/retry-policy';

const officeHours = createOfficeHours({ timezone: 'America/New_York', hours: 'Mon-Fri 09:00-21:00' });
const monday10am = new Date('2026-11-30T15:00:00.000Z');
const delay = (attempts: number, random: number, kind: 'admissions' | 'autoreply' = 'admissions', now = monday10am) =>
  nextAttempt({ attempts, now, kind, officeHours, permanent: false, random: () => random })!.getTime() - now.getTime();

describe('Retry policy', () => {
  test('when attempts fail, then the wait starts at one minute and doubles', () => {
    expect([1, 2, 3, 4].map((attempts) => delay(attempts, 0.5))).toEqual([60_000, 120_000, 240_000, 480_000]);
  });

  test('when many attempts fail, then the wait stops growing at one hour', () => {
    expect(delay(9, 0.5, 'autoreply')).toBe(3_600_000);
  });

  test('when jitter is applied, then the wait stays within ±20%', () => {
    expect(delay(1, 0)).toBe(48_000);
    expect(delay(1, 1)).toBe(72_000);
  });

  test('when an admissions retry would land in closed time, then it waits for the next opening', () => {
    const evening = new Date('2026-12-01T01:50:00.000Z'); // Monday 20:50 EST
    const retry = nextAttempt({ attempts: 5, now: evening, kind: 'admissions', officeHours, permanent: false, random: () => 0.5 });
    expect(retry!.toISOString()).toBe('2026-12-01T14:00:00.000Z');
  });

  test('when an auto-reply retry lands at night, then it is not held back', () => {
    const evening = new Date('2026-12-01T01:50:00.000Z');
    const retry = nextAttempt({ attempts: 5, now: evening, kind: 'autoreply', officeHours, permanent: false, random: () => 0.5 });
    expect(retry!.toISOString()).toBe('2026-12-01T02:06:00.000Z');
  });

  test('when a retry of mail about a call lands at night, then it is not held for the opening: a reminder is due at its own time', () => {
    const evening = new Date('2026-12-01T01:50:00.000Z');
    for (const kind of ['callback_confirmation', 'callback_now', 'callback_reminder', 'callback_cancelled'] as const) {
      const retry = nextAttempt({ attempts: 5, now: evening, kind, officeHours, permanent: false, random: () => 0.5 });
      expect(retry!.toISOString()).toBe('2026-12-01T02:06:00.000Z');
    }
  });

  test('when the failure is permanent or the last attempt failed, then there is no retry', () => {
    expect(nextAttempt({ attempts: 1, now: monday10am, kind: 'admissions', officeHours, permanent: true })).toBeNull();
    expect(nextAttempt({ attempts: MAX_ATTEMPTS, now: monday10am, kind: 'admissions', officeHours, permanent: false })).toBeNull();
  });
});
