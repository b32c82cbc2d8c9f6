import { randomUUID } from 'node:crypto';
import { createDispatchLoop } from './dispatch-loop';
import { createDispatchPass, type SendingDeps } from './dispatch-pass';
import { createKeptOutcomes } from './kept-outcomes';

export type { DispatchReport } from './dispatch-pass';

export interface DispatcherDeps extends SendingDeps {
  /** Long enough for a batch of sends; a crashed dispatcher's rows come back after it. */
  leaseMs?: number;
  batchSize?: number;
  /** How many messages are in flight at once. */
  concurrency?: number;
}

/**
 * Sends what the outbox holds. `runOnce` does one pass (tests drive it with a
 * fixed clock); `start` loops. Both share one lease owner and the outcomes
 * kept while the database was away.
 */
export function createDispatcher(deps: DispatcherDeps) {
  const owner = `${process.pid}-${randomUUID().slice(0, 8)}`;
  const batchSize = deps.batchSize ?? 50;
  const outcomes = createKeptOutcomes(deps.logger);
  const runOnce = createDispatchPass({
    ...deps,
    outcomes,
    owner,
    leaseMs: deps.leaseMs ?? 5 * 60_000,
    batchSize,
    concurrency: deps.concurrency ?? 10,
  });
  const loop = createDispatchLoop({ runPass: runOnce, outcomes, logger: deps.logger, owner, batchSize });
  return { owner, runOnce, start: loop.start, stop: loop.stop };
}

export type Dispatcher = ReturnType<typeof createDispatcher>;
