import type { Clock } from '../platform/clock';
import type { Logger } from '../platform/logger';
import type { ClaimedDelivery, DeliveryRepository } from './delivery-repository';
import { nextWebhookAttempt } from './retry-schedule';
import type { WebhookMetrics } from './webhook-metrics';
import type { WebhookSender } from './webhook-sender';

export interface WebhookPassReport {
  delivered: number;
  retried: number;
  failed: number;
}

export interface DeliveryPassDeps {
  deliveries: DeliveryRepository;
  /** The leads as the export has them (leads' `exportRecords`): the body's `data`. */
  leadRecords: (ids: string[]) => Promise<Map<string, Record<string, unknown>>>;
  sender: WebhookSender;
  clock: Clock;
  logger: Logger;
  metrics: WebhookMetrics;
  owner: string;
  leaseMs: number;
  batchSize: number;
  concurrency: number;
  /** True once the dispatcher is stopping: sends in flight finish, the rest of the batch goes back. */
  stopping?: () => boolean;
}

/**
 * The body (SPEC §13): `type` and `timestamp` as queued; `data` is the lead
 * with the export's keys as it is when sent (and what the event added, such
 * as a callback's `call`).
 */
export function webhookBody(delivery: Pick<ClaimedDelivery, 'eventType' | 'eventAt' | 'extra'>, lead: Record<string, unknown>): string {
  return JSON.stringify({ type: delivery.eventType, timestamp: delivery.eventAt.toISOString(), data: { ...lead, ...delivery.extra } });
}

/** One pass: claim due deliveries, send each (a few at a time), record each outcome. */
export function createDeliveryPass(deps: DeliveryPassDeps): () => Promise<WebhookPassReport> {
  const { deliveries, owner, logger } = deps;

  async function deliver(delivery: ClaimedDelivery, lead: Record<string, unknown>, report: WebhookPassReport) {
    const at = deps.clock.now();
    const outcome = await deps.sender.send({ url: delivery.url, secret: delivery.secret, id: delivery.id, body: webhookBody(delivery, lead), at });
    const attempts = delivery.attempts + 1;
    const fields = { event: '', deliveryId: delivery.id, endpointId: delivery.endpointId, type: delivery.eventType, attempts, status: outcome.status };
    if (outcome.ok) {
      await deliveries.markDelivered(delivery.id, owner, { at: deps.clock.now(), status: outcome.status! });
      report.delivered += 1;
      deps.metrics.count('delivered');
      logger.info({ ...fields, event: 'webhook.delivered' });
      return;
    }
    const retryAt = nextWebhookAttempt(attempts, deps.clock.now());
    await deliveries.markAttemptFailed(delivery.id, owner, { at: deps.clock.now(), status: outcome.status, error: outcome.error ?? 'failed', retryAt });
    if (retryAt) {
      report.retried += 1;
      deps.metrics.count('retried');
      logger.warn({ ...fields, event: 'webhook.attempt_failed', retryAt: retryAt.toISOString(), error: outcome.error });
    } else {
      report.failed += 1;
      deps.metrics.count('failed');
      logger.error({ ...fields, event: 'webhook.failed', error: outcome.error });
    }
  }

  return async function runPass(): Promise<WebhookPassReport> {
    const report: WebhookPassReport = { delivered: 0, retried: 0, failed: 0 };
    const claimed = await deliveries.claim({ now: deps.clock.now(), owner, leaseMs: deps.leaseMs, limit: deps.batchSize });
    if (claimed.length === 0) return report;
    const untried = new Set(claimed.map((delivery) => delivery.id));
    try {
      const leads = await deps.leadRecords([...new Set(claimed.map((delivery) => delivery.leadId))]);
      const queue = [...claimed];
      const worker = async () => {
        for (let delivery = queue.shift(); delivery && !deps.stopping?.(); delivery = queue.shift()) {
          const lead = leads.get(delivery.leadId);
          if (!lead) continue; // erased meanwhile: its deliveries went with it
          untried.delete(delivery.id);
          await deliver(delivery, lead, report);
        }
      };
      const settled = await Promise.allSettled(Array.from({ length: Math.min(deps.concurrency, claimed.length) }, worker));
      const failure = settled.find((result) => result.status === 'rejected');
      if (failure) throw failure.reason;
      // Left untried because the dispatcher is stopping: another takes them at once, not when the lease ends.
      if (untried.size > 0) await deliveries.release([...untried], owner);
    } catch (error) {
      // Rows nobody tried go back at once rather than when their lease ends.
      await deliveries.release([...untried], owner).catch(() => undefined);
      throw error;
    }
    return report;
  };
}
