import type { Prisma } from '../generated/prisma/client';
import type { SqlTransaction } from '../platform/database';

/**
 * The events an endpoint can subscribe to (SPEC §13). A new event is one
 * line here, and one `queueWebhookEvent` call in the transaction of the
 * change that causes it. `lead.created` is queued by the database function
 * that stores a lead (migration 20261203110000_webhooks), in the same statement.
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

const QUEUE_SQL = `WITH queued AS (
    INSERT INTO webhook_deliveries (id, endpoint_id, event_type, event_at, lead_id, extra, next_attempt_at)
    SELECT gen_random_uuid(), e.id, $1::text, $2::timestamptz, $3::uuid, $4::jsonb, $2::timestamptz
      FROM webhook_endpoints e
     WHERE $1::text = ANY(e.events)
    RETURNING 1
  ), woken AS (
    SELECT pg_notify('${WEBHOOK_CHANNEL}', '') FROM (SELECT count(*) AS n FROM queued) q WHERE q.n > 0
  )
  SELECT (SELECT count(*) FROM queued)::int AS queued, (SELECT count(*) FROM woken)::int AS woken`;

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
