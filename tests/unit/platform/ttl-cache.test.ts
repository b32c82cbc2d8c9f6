import { ManualClock } from '../../../src/platform/clock';
import { createTtlCache } from '../../../src/platform/ttl-cache';

describe('createTtlCache', () => {
  test('when the injected clock reaches the entry\'s age, then the entry is gone, and not a millisecond before', () => {
    const clock = new ManualClock('2026-11-30T15:00:00.000Z');
    const cache = createTtlCache<string, { n: number }>({ clock, ttlMs: 30_000, max: 10 });
    cache.set('a', { n: 1 });
    clock.advance(29_999);
    expect(cache.get('a')).toEqual({ n: 1 });
    clock.advance(1);
    expect(cache.get('a')).toBeUndefined();
  });

  test('when more than max entries are kept, then the least recently used goes first', () => {
    const clock = new ManualClock('2026-11-30T15:00:00.000Z');
    const cache = createTtlCache<string, { n: number }>({ clock, ttlMs: 30_000, max: 2 });
    cache.set('a', { n: 1 });
    cache.set('b', { n: 2 });
    cache.get('a');
    cache.set('c', { n: 3 });
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([{ n: 1 }, undefined, { n: 3 }]);
  });
});
