import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { Clock } from '../platform/clock';
import type { Logger } from '../platform/logger';
import { createDeliveryPass, type WebhookPassReport } from './delivery-pass';
import type { DeliveryRepository } from './delivery-repository';
import { WEBHOOK_CHANNEL } from './webhook-events';
import type { WebhookMetrics } from './webhook-metrics';
import type { WebhookSender } from './webhook-sender';

export interface WebhookDispatcherDeps {
  deliveries: DeliveryRepository;
  leadRecords: (ids: string[]) => Promise<Map<string, Record<string, unknown>>>;
  sender: WebhookSender;
  clock: Clock;
  logger: Logger;
  metrics: WebhookMetrics;
  /** Longer than a batch of sends takes (each at most the sender's timeout); a crashed dispatcher's rows come back after it. */
  leaseMs?: number;
  batchSize?: number;
  concurrency?: number;
}

/**
 * Delivers queued webhooks. `runOnce` is one pass (tests drive it with a
 * fixed clock); `start` loops, woken by NOTIFY on WEBHOOK_CHANNEL when a
 * delivery is queued and by a poll otherwise (retries come due with time).
 * Any number of dispatchers can run: each delivery is claimed by one.
 */
export function createWebhookDispatcher(deps: WebhookDispatcherDeps) {
  const owner = `${process.pid}-webhooks-${randomUUID().slice(0, 8)}`;
  const batchSize = deps.batchSize ?? 50;
  let running = false;
  let stopping = false;
  const runOnce = createDeliveryPass({ ...deps, owner, leaseMs: deps.leaseMs ?? 5 * 60_000, batchSize, concurrency: deps.concurrency ?? 10, stopping: () => stopping });
  const { logger } = deps;
  let loop: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  let listener: Client | undefined;

  async function listen(connectionString: string) {
    try {
      const client = new Client({ connectionString });
      client.on('error', () => {
        listener = undefined; // polling carries on; we listen again next round
      });
      await client.connect();
      await client.query(`LISTEN ${WEBHOOK_CHANNEL}`);
      client.on('notification', () => wake?.());
      listener = client;
    } catch {
      listener = undefined;
    }
  }

  async function run(connectionString: string | undefined, pollMs: number) {
    while (running) {
      if (connectionString && !listener) await listen(connectionString);
      try {
        let report: WebhookPassReport;
        do report = await runOnce();
        while (running && report.delivered + report.retried + report.failed >= batchSize);
      } catch (error) {
        logger.warn({ event: 'webhook.pass_failed', error: (error as Error).message?.slice(0, 200) });
      }
      if (!running) break;
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
    owner,
    runOnce,
    /** The sender's timeout (10 s unless a test set another). */
    timeoutMs: deps.sender.timeoutMs,
    start(options: { connectionString?: string; pollMs?: number } = {}) {
      if (running) return;
      running = true;
      stopping = false;
      loop = run(options.connectionString, options.pollMs ?? 2_000);
    },
    /**
     * Finishes the sends in flight (each within the timeout), gives back the
     * rest of the batch, and stops: shutdown waits at most one timeout.
     */
    async stop() {
      if (!running) return;
      running = false;
      stopping = true;
      wake?.();
      await loop;
      await listener?.end().catch(() => undefined);
      listener = undefined;
    },
  };
}

export type WebhookDispatcher = ReturnType<typeof createWebhookDispatcher>;
