import type { Clock } from '../platform/clock';
import { createTtlCache } from '../platform/ttl-cache';
import type { Program, ProgramRepository } from './program-repository';

/**
 * The active programs, read on every article page and every inquiry, so they
 * are kept in memory for a short while. When the database is away the last
 * list is still served: the form can then be shown again with the person's
 * values while we say we could not save it.
 */
export function createProgramCatalog(deps: { programs: ProgramRepository; clock: Clock; ttlMs?: number }) {
  const fresh = createTtlCache<'active', Program[]>({ clock: deps.clock, ttlMs: deps.ttlMs ?? 30_000, max: 1 });
  let lastKnown: Program[] = [];
  let loading: Promise<Program[]> | undefined;

  async function load(): Promise<Program[]> {
    const programs = await deps.programs.listActive();
    fresh.set('active', programs);
    lastKnown = programs;
    return programs;
  }

  return {
    async active(): Promise<Program[]> {
      const cached = fresh.get('active');
      if (cached) return cached;
      loading ??= load().finally(() => {
        loading = undefined;
      });
      return loading;
    },

    /** The last list we saw, even if stale; for pages rendered while the database is down. */
    lastKnown(): Program[] {
      return lastKnown;
    },
  };
}

export type ProgramCatalog = ReturnType<typeof createProgramCatalog>;
