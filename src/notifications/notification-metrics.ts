import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export function createNotificationMetrics(registry: Registry, countPending: () => Promise<number>) {
  let lastPending = 0;
  new Gauge({
    name: 'notifications_pending',
    help: 'Notifications waiting to be sent (including those held until the office opens)',
    registers: [registry],
    async collect() {
      // A scrape while the database is away reports the last known value rather than failing.
      lastPending = await countPending().catch(() => lastPending);
      this.set(lastPending);
    },
  });
  const sent = new Counter({ name: 'notifications_sent_total', help: 'Notifications sent, by kind', labelNames: ['kind'] as const, registers: [registry] });
  const failed = new Counter({ name: 'notifications_failed_total', help: 'Notifications given up on after their last attempt', labelNames: ['kind'] as const, registers: [registry] });
  const delay = new Histogram({
    name: 'notification_delay_seconds',
    help: 'Time from a notification becoming due to it being sent',
    labelNames: ['kind'] as const,
    buckets: [1, 5, 10, 30, 60, 300, 900, 3600, 14400],
    registers: [registry],
  });
  const routing = new Histogram({
    name: 'lead_routing_seconds',
    help: 'Time to route the leads whose admissions mail became due, one batch at a time (open: while the office is open; held: the opening\'s digest)',
    labelNames: ['batch'] as const,
    buckets: [0.0005, 0.001, 0.002, 0.003, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 2.5],
    registers: [registry],
  });
  return {
    routed(batch: 'open' | 'held', seconds: number) {
      routing.observe({ batch }, seconds);
    },
    sent(kind: string, count: number, delaysSeconds: number[]) {
      sent.inc({ kind }, count);
      for (const seconds of delaysSeconds) delay.observe({ kind }, Math.max(0, seconds));
    },
    failed(kind: string, count: number) {
      failed.inc({ kind }, count);
    },
  };
}

export type NotificationMetrics = ReturnType<typeof createNotificationMetrics>;
