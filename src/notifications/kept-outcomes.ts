import { isDatabaseUnavailable } from '../platform/database';
import type { Logger } from '../platform/logger';

/**
 * Outcomes this process could not write because the database was away: a
 * delivered email whose row could not be marked sent, a failure that could
 * not be recorded, rows claimed but never tried. Each is written first thing
 * on the next pass, while this process still holds the rows' lease. Without
 * this, a database outage would send every such email again once its lease
 * ran out, and park the untried rows until then.
 */
export function createKeptOutcomes(logger: Logger) {
  const unwritten: Array<{ ids: string[]; write: () => Promise<unknown> }> = [];

  return {
    /** Writes an outcome now, or keeps it for the next pass if the database is away. */
    async write(ids: string[], write: () => Promise<unknown>): Promise<void> {
      try {
        await write();
      } catch (error) {
        if (!isDatabaseUnavailable(error)) throw error;
        unwritten.push({ ids, write });
      }
    },

    /** Writes what earlier passes could not; throws (ending the pass) while the database is still away. */
    async writeKept(): Promise<void> {
      if (unwritten.length === 0) return;
      const count = unwritten.reduce((sum, entry) => sum + entry.ids.length, 0);
      while (unwritten.length > 0) {
        await unwritten[0]!.write();
        unwritten.shift();
      }
      logger.info({ event: 'dispatcher.outcomes_written', count });
    },

    /** How many rows still wait for their outcome to be written. */
    count(): number {
      return unwritten.reduce((sum, entry) => sum + entry.ids.length, 0);
    },
  };
}

export type KeptOutcomes = ReturnType<typeof createKeptOutcomes>;
