import { Counter, type Registry } from 'prom-client';

export type InquiryResult = 'accepted' | 'invalid' | 'spam' | 'rate_limited' | 'duplicate';

/**
 * `inquiries_total{result}`. Each inquiry counts once: `duplicate` is a
 * stored lead linked to an earlier one, `accepted` every other stored lead,
 * `invalid` covers validation failures and bad form tokens.
 */
export function createInquiryMetrics(registry: Registry) {
  const counter = new Counter({
    name: 'inquiries_total',
    help: 'Inquiries received, by result',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  for (const result of ['accepted', 'invalid', 'spam', 'rate_limited', 'duplicate'] as const) counter.inc({ result }, 0);
  return { count: (result: InquiryResult) => counter.inc({ result }) };
}

export type InquiryMetrics = ReturnType<typeof createInquiryMetrics>;
