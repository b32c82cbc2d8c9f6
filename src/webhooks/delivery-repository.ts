import type { Database } from '../platform/database';
import { WEBHOOK_CHANNEL, type WebhookEventType } from './webhook-events';

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

/** A delivery a dispatcher holds the lease of, with what sending it needs. */
export interface ClaimedDelivery {
  id: string;
  endpointId: string;
  url: string;
  secret: string;
  eventType: WebhookEventType;
  eventAt: Date;
  leadId: string;
  extra: Record<string, unknown> | null;
  attempts: number;
}

/** A delivery as the admin page lists it. */
export interface DeliveryView {
  id: string;
  endpointId: string;
  url: string;
  eventType: string;
  eventAt: Date;
  leadId: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: Date;
  lastAttemptAt: Date | null;
  responseStatus: number | null;
  lastError: string | null;
  deliveredAt: Date | null;
}

/**
 * The `webhook_deliveries` table, claimed the way the outbox is
 * (src/outbox): SKIP LOCKED lets dispatchers take different rows, and a
 * lease lets another take over the row of one that died mid-send. Only the
 * lease holder records an outcome.
 */
export function createDeliveryRepository(db: Database) {
  return {
    async claim(options: { now: Date; owner: string; leaseMs: number; limit: number }): Promise<ClaimedDelivery[]> {
      const { now, owner, limit } = options;
      const leaseUntil = new Date(now.getTime() + options.leaseMs);
      return db.$queryRaw<ClaimedDelivery[]>`
        UPDATE webhook_deliveries AS d
           SET lease_owner = ${owner}, lease_until = ${leaseUntil}
          FROM (SELECT id FROM webhook_deliveries
                 WHERE status = 'pending'
                   AND next_attempt_at <= ${now}
                   AND (lease_until IS NULL OR lease_until < ${now})
                 ORDER BY next_attempt_at, id
                 LIMIT ${limit}
                 FOR UPDATE SKIP LOCKED) AS due, webhook_endpoints AS e
         WHERE d.id = due.id AND e.id = d.endpoint_id
        RETURNING d.id::text AS id, d.endpoint_id::text AS "endpointId", e.url, e.secret, d.event_type AS "eventType",
                  d.event_at AS "eventAt", d.lead_id::text AS "leadId", d.extra, d.attempts`;
    },

    async markDelivered(id: string, owner: string, result: { at: Date; status: number }): Promise<boolean> {
      const { count } = await db.webhookDelivery.updateMany({
        where: { id, leaseOwner: owner, status: 'pending' },
        data: { status: 'delivered', attempts: { increment: 1 }, lastAttemptAt: result.at, deliveredAt: result.at, responseStatus: result.status, lastError: null, leaseOwner: null, leaseUntil: null },
      });
      return count === 1;
    },

    /** A failed try: another at `retryAt`, or `failed` for good when it is null. */
    async markAttemptFailed(id: string, owner: string, result: { at: Date; status: number | null; error: string; retryAt: Date | null }): Promise<boolean> {
      const { count } = await db.webhookDelivery.updateMany({
        where: { id, leaseOwner: owner, status: 'pending' },
        data: {
          attempts: { increment: 1 },
          lastAttemptAt: result.at,
          responseStatus: result.status,
          lastError: result.error.slice(0, 500),
          leaseOwner: null,
          leaseUntil: null,
          ...(result.retryAt ? { nextAttemptAt: result.retryAt } : { status: 'failed' }),
        },
      });
      return count === 1;
    },

    /** Gives claimed rows back untouched (their lead was erased meanwhile, or the pass failed). */
    async release(ids: string[], owner: string): Promise<void> {
      if (ids.length === 0) return;
      await db.webhookDelivery.updateMany({ where: { id: { in: ids }, leaseOwner: owner }, data: { leaseOwner: null, leaseUntil: null } });
    },

    /**
     * "Resend" on the admin page: the delivery goes out again now, with the
     * same `webhook-id`, and gets the whole retry schedule again. Null for an
     * unknown delivery; false while it is being sent.
     */
    async resend(id: string, now: Date): Promise<{ endpointId: string; eventType: string; from: DeliveryStatus } | null | false> {
      return db.$transaction(async (tx) => {
        const rows = await tx.$queryRaw<Array<{ endpoint_id: string; event_type: string; status: DeliveryStatus; lease_until: Date | null }>>`
          SELECT endpoint_id::text, event_type, status::text AS status, lease_until FROM webhook_deliveries WHERE id = ${id}::uuid FOR UPDATE`;
        const row = rows[0];
        if (!row) return null;
        if (row.status === 'pending' && row.lease_until && row.lease_until > now) return false;
        await tx.$executeRaw`
          UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = ${now}, lease_owner = NULL, lease_until = NULL, delivered_at = NULL
           WHERE id = ${id}::uuid`;
        await tx.$executeRawUnsafe(`SELECT pg_notify('${WEBHOOK_CHANNEL}', '')`);
        return { endpointId: row.endpoint_id, eventType: row.event_type, from: row.status };
      });
    },

    /** The newest deliveries, newest first, with their endpoint's URL. */
    async recent(limit = 50): Promise<DeliveryView[]> {
      return db.$queryRaw<DeliveryView[]>`
        SELECT d.id::text AS id, d.endpoint_id::text AS "endpointId", e.url, d.event_type AS "eventType", d.event_at AS "eventAt",
               d.lead_id::text AS "leadId", d.status::text AS status, d.attempts, d.next_attempt_at AS "nextAttemptAt",
               d.last_attempt_at AS "lastAttemptAt", d.response_status AS "responseStatus", d.last_error AS "lastError",
               d.delivered_at AS "deliveredAt"
          FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
         ORDER BY d.created_at DESC, d.id DESC
         LIMIT ${limit}`;
    },

    async countPending(): Promise<number> {
      return db.webhookDelivery.count({ where: { status: 'pending' } });
    },
  };
}

export type DeliveryRepository = ReturnType<typeof createDeliveryRepository>;
