import { Gauge, Histogram, type Registry } from 'prom-client';

export interface AwaitingCounts {
  overdue: number;
  onTime: number;
}

/**
 * The response clock on /metrics (SPEC §10): how long first responses take in
 * open office seconds (observed as each is recorded), and how many assigned
 * leads are waiting for one, counted by the database when Prometheus scrapes.
 */
export function createResponseMetrics(registry: Registry, countAwaiting: () => Promise<AwaitingCounts>) {
  let last: AwaitingCounts = { overdue: 0, onTime: 0 };
  new Gauge({
    name: 'leads_awaiting_response',
    help: 'Leads still waiting for a first response since they became due, by whether their respondBy has passed',
    labelNames: ['overdue'] as const,
    registers: [registry],
    async collect() {
      // A scrape while the database is away reports the last known counts rather than failing.
      last = await countAwaiting().catch(() => last);
      this.set({ overdue: 'true' }, last.overdue);
      this.set({ overdue: 'false' }, last.onTime);
    },
  });
  const response = new Histogram({
    name: 'lead_response_seconds',
    help: 'Open office time from a lead becoming due to its first response',
    // One minute to one office day: the target is minutes, the tail is a slow day.
    buckets: [60, 300, 600, 900, 1800, 3600, 7200, 14400, 28800, 86400],
    registers: [registry],
  });
  return {
    responded(officeSeconds: number): void {
      response.observe(Math.max(0, officeSeconds));
    },
  };
}

export type ResponseMetrics = ReturnType<typeof createResponseMetrics>;
