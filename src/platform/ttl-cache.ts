import { LRUCache } from 'lru-cache';
import type { Clock } from './clock';

/**
 * Values kept for `ttlMs` by the given clock, at most `max` of them (least
 * recently used go first). Time comes from the Clock, so tests that move a
 * ManualClock see entries expire exactly when the clock passes their age.
 */
export function createTtlCache<K extends {}, V extends {}>(options: { clock: Clock; ttlMs: number; max: number }) {
  const cache = new LRUCache<K, V>({
    max: options.max,
    // lru-cache keeps an entry through its ttl-th millisecond; ours end at it, as `now < storedAt + ttlMs`.
    ttl: Math.max(1, options.ttlMs - 1),
    // Read the clock on every lookup: lru-cache otherwise reuses a reading for 1 ms of real time.
    ttlResolution: 0,
    perf: { now: () => options.clock.now().getTime() },
  });
  return {
    get: (key: K): V | undefined => cache.get(key),
    set: (key: K, value: V): void => void cache.set(key, value),
  };
}

export type TtlCache<K extends {}, V extends {}> = ReturnType<typeof createTtlCache<K, V>>;
