import { Counter, type Registry } from 'prom-client';

export type DeliveryResult = 'delivered' | 'retried' | 'failed';

/** `webhook_deliveries_total{result}`: every try, by what came of it. */
export function createWebhookMetrics(registry: Registry) {
  const deliveries = new Counter({
    name: 'webhook_deliveries_total',
    help: 'Webhook delivery attempts, by result: delivered, retried (failed, tried again later) or failed (given up)',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  for (const result of ['delivered', 'retried', 'failed'] as const) deliveries.inc({ result }, 0);
  return {
    count(result: DeliveryResult) {
      deliveries.inc({ result });
    },
  };
}

export type WebhookMetrics = ReturnType<typeof createWebhookMetrics>;
