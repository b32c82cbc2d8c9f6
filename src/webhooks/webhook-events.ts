import type { Prisma } from '../generated/prisma/client';
import type { SqlTransaction } from '../platform/database';

/**
 * The events an endpoint can subscribe to (SPEC §13). A new event is one
 * line here, and one `queueWebhookEvent` call in the transaction of the
 * change that causes it. Two are queued by database functions, in the
 * statement of their change: `lead.created` by the one that stores a lead
 * (migration 20261203110000_webhooks), and a first `lead.assigned` by the
 * one that routes leads (migration 20261203140000_route_leads).
 */
export const WEBHOOK_EVENTS = [
  'lead.created',
  'lead.assigned',
  'lead.status_changed',
  'lead.first_response',
  'callback.booked',
  'callback.cancelled',
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];

export const isWebhookEvent = (value: string): value is WebhookEventType => (WEBHOOK_EVENTS as readonly string[]).includes(value);

/** Dispatchers LISTEN here for new deliveries (the lead function names it too). */
export const WEBHOOK_CHANNEL = 'frontdesk_webhooks';

/** Either kind of transaction the app uses: node-postgres's (the leads' hot path, routing) or Prisma's (staff changes). */
export type WebhookTransaction = SqlTransaction | Prisma.TransactionClient;

export interface WebhookEvent {
  type: WebhookEventType;
  leadId: string;
  /** When it happened: the body's `timestamp`, fixed now. */
  at: Date;
  /** Added to the lead in the body's `data`, fixed now (a callback event's `call`). */
  extra?: Record<string, unknown>;
}

/** `frontdesk_queue_webhook` (migration 20261203140000_route_leads) inserts one delivery per subscribed endpoint and wakes the dispatchers on WEBHOOK_CHANNEL. */
const QUEUE_SQL = 'SELECT frontdesk_queue_webhook($1::text, ARRAY[$3::uuid], $2::timestamptz, $4::jsonb) AS queued';

/**
 * Queues `event` for every endpoint subscribed to it, inside `tx`: it is
 * sent only if the change commits, and always if it does. One statement;
 * with no endpoint subscribed it inserts nothing. Returns how many
 * deliveries it queued.
 */
export async function queueWebhookEvent(tx: WebhookTransaction, event: WebhookEvent): Promise<number> {
  const values = [event.type, event.at, event.leadId, event.extra ? JSON.stringify(event.extra) : null];
  if ('query' in tx && typeof tx.query === 'function') {
    const { rows } = await tx.query<{ queued: number }>({ name: 'frontdesk-queue-webhook-event', text: QUEUE_SQL, values });
    return rows[0]?.queued ?? 0;
  }
  const rows = await (tx as Prisma.TransactionClient).$queryRawUnsafe<Array<{ queued: number }>>(QUEUE_SQL, ...values);
  return rows[0]?.queued ?? 0;
}
