import { randomUUID } from 'node:crypto';
import { createPassLoop } from '../platform/pass-loop';
import { createDeliveryPass, type DeliveryPassDeps } from './delivery-pass';
import { WEBHOOK_CHANNEL } from './webhook-events';

/** The pass's dependencies; the dispatcher names its lease owner and stop flag, and defaults the rest. */
export type WebhookDispatcherDeps = Omit<DeliveryPassDeps, 'owner' | 'leaseMs' | 'batchSize' | 'concurrency' | 'stopping'> &
  Partial<Pick<DeliveryPassDeps, 'leaseMs' | 'batchSize' | 'concurrency'>>;

/**
 * Delivers queued webhooks. `runOnce` is one pass (tests drive it with a
 * fixed clock); `start` loops, woken by NOTIFY on WEBHOOK_CHANNEL when a
 * delivery is queued and by a poll otherwise (retries come due with time).
 * Any number of dispatchers can run: each delivery is claimed by one.
 */
export function createWebhookDispatcher(deps: WebhookDispatcherDeps) {
  const owner = `${process.pid}-webhooks-${randomUUID().slice(0, 8)}`;
  const batchSize = deps.batchSize ?? 50;
  let stopping = false;
  const runOnce = createDeliveryPass({ ...deps, owner, leaseMs: deps.leaseMs ?? 5 * 60_000, batchSize, concurrency: deps.concurrency ?? 10, stopping: () => stopping });
  const loop = createPassLoop({
    channel: WEBHOOK_CHANNEL,
    batchSize,
    runPass: async () => {
      const report = await runOnce();
      return report.delivered + report.retried + report.failed;
    },
    onPassFailed: (error) => deps.logger.warn({ event: 'webhook.pass_failed', error: (error as Error).message?.slice(0, 200) }),
  });

  return {
    owner,
    runOnce,
    /** The sender's timeout (10 s unless a test set another). */
    timeoutMs: deps.sender.timeoutMs,
    start(options: { connectionString?: string; pollMs?: number } = {}) {
      stopping = false;
      loop.start(options);
    },
    /**
     * Finishes the sends in flight (each within the timeout), gives back the
     * rest of the batch, and stops: shutdown waits at most one timeout.
     */
    async stop() {
      if (!loop.running) return;
      stopping = true;
      await loop.stop();
    },
  };
}

export type WebhookDispatcher = ReturnType<typeof createWebhookDispatcher>;
