import { Client } from 'pg';
import type { Logger } from '../platform/logger';
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
 * Runs passes until stopped: woken by LISTEN/NOTIFY when a lead is stored and
 * by a short poll otherwise. A failed pass (the database away) is logged and
 * the next poll tries again.
 */
export function createDispatchLoop(deps: DispatchLoopDeps) {
  const { logger, owner, outcomes } = deps;
  let running = false;
  let loop: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  /** A notification arrived while a pass ran: its row may have committed after that pass claimed, so run another at once. */
  let missedWake = false;
  let listener: Client | undefined;

  async function listen(connectionString: string) {
    try {
      const client = new Client({ connectionString });
      client.on('error', () => {
        listener = undefined; // polling carries on; we listen again next round
      });
      await client.connect();
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
      client.on('notification', () => {
        if (wake) wake();
        else missedWake = true;
      });
      listener = client;
    } catch {
      listener = undefined;
    }
  }

  async function run(connectionString: string | undefined, pollMs: number) {
    while (running) {
      if (connectionString && !listener) await listen(connectionString);
      missedWake = false;
      try {
        let report: DispatchReport;
        do report = await deps.runPass();
        while (running && report.sent + report.retried + report.failed >= deps.batchSize);
      } catch (error) {
        logger.warn({ event: 'dispatcher.pass_failed', error: (error as Error).message?.slice(0, 200) });
      }
      if (!running) break;
      if (missedWake) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pollMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  }

  return {
    /** Starts the loop: LISTEN on `connectionString` for new rows, and poll every `pollMs` regardless. */
    start(options: { connectionString?: string; pollMs?: number } = {}) {
      if (running) return;
      running = true;
      loop = run(options.connectionString, options.pollMs ?? 2_000);
      logger.info({ event: 'dispatcher.started', owner });
    },
    /** Finishes the pass in progress (a send completes), then stops. */
    async stop() {
      running = false;
      wake?.();
      await loop;
      await outcomes.writeKept().catch(() => {
        // Still away: those rows keep their lease and go out again once it ends.
        logger.warn({ event: 'dispatcher.outcomes_unwritten', count: outcomes.count() });
      });
      await listener?.end().catch(() => undefined);
      listener = undefined;
      logger.info({ event: 'dispatcher.stopped', owner });
    },
  };
}
