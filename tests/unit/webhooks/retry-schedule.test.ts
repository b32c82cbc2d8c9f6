import { MAX_TRIES, nextWebhookAttempt } from '../../../src/webhooks/retry-schedule';

describe('The webhook retry schedule (SPEC §13)', () => {
  const now = new Date('2026-11-30T15:00:00.000Z');

  test.each([
    [1, '2026-11-30T15:00:05.000Z'],
    [2, '2026-11-30T15:05:00.000Z'],
    [3, '2026-11-30T15:30:00.000Z'],
    [4, '2026-11-30T17:00:00.000Z'],
    [5, '2026-11-30T20:00:00.000Z'],
    [6, '2026-12-01T01:00:00.000Z'],
    [7, '2026-12-01T01:00:00.000Z'],
  ])('when try %i has failed, then the next comes at %s, whatever the office hours', (attempts, at) => {
    expect(nextWebhookAttempt(attempts, now)?.toISOString()).toBe(at);
  });

  test('when the eighth try has failed, then there is no other', () => {
    expect(MAX_TRIES).toBe(8);
    expect(nextWebhookAttempt(8, now)).toBeNull();
  });
});
