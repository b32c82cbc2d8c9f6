import type { Logger } from '../platform/logger';
import { createPassLoop } from '../platform/pass-loop';
import type { DispatchReport } from './dispatch-pass';
import type { KeptOutcomes } from './kept-outcomes';
import { OUTBOX_CHANNEL } from '../outbox';

export interface DispatchLoopDeps {
  runPass: () => Promise<DispatchReport>;
  outcomes: KeptOutcomes;
  logger: Logger;
  owner: string;
  /** A pass that handled this many rows may have left more: run another at once. */
  batchSize: number;
}

/**
 * The mail dispatcher's loop: passes woken by the outbox's NOTIFY (a lead
 * stored, mail due now) and by a short poll otherwise. A failed pass (the
 * database away) is logged and the next poll tries again; at the stop,
 * outcomes kept during an outage are written if the database is back.
 */
export function createDispatchLoop(deps: DispatchLoopDeps) {
  const { logger, owner, outcomes } = deps;
  const loop = createPassLoop({
    channel: OUTBOX_CHANNEL,
    batchSize: deps.batchSize,
    runPass: async () => {
      const report = await deps.runPass();
      return report.sent + report.retried + report.failed;
    },
    onPassFailed: (error) => logger.warn({ event: 'dispatcher.pass_failed', error: (error as Error).message?.slice(0, 200) }),
  });

  return {
    /** Starts the loop: LISTEN on `connectionString` for new rows, and poll every `pollMs` regardless. */
    start(options: { connectionString?: string; pollMs?: number } = {}) {
      if (loop.start(options)) logger.info({ event: 'dispatcher.started', owner });
    },
    /** Finishes the pass in progress (a send completes), then stops. */
    async stop() {
      await loop.stop();
      await outcomes.writeKept().catch(() => {
        // Still away: those rows keep their lease and go out again once it ends.
        logger.warn({ event: 'dispatcher.outcomes_unwritten', count: outcomes.count() });
      });
      logger.info({ event: 'dispatcher.stopped', owner });
    },
  };
}
