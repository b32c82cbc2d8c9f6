import { v7 as uuidv7 } from 'uuid';
import type { Database, SqlTransaction } from '../platform/database';

export type NotificationKind = 'admissions' | 'autoreply' | 'escalation' | CallNotificationKind;

/** Mail about a call (SPEC §11): due at its own time, never held for office hours. */
export type CallNotificationKind = 'callback_confirmation' | 'callback_now' | 'callback_reminder' | 'callback_cancelled';
export const CALL_NOTIFICATION_KINDS: readonly CallNotificationKind[] = Object.freeze(['callback_confirmation', 'callback_now', 'callback_reminder', 'callback_cancelled']);

export interface ClaimedNotification {
  id: string;
  leadId: string;
  kind: NotificationKind;
  digest: boolean;
  attempts: number;
  scheduledAt: Date;
  /** The call a callback_* row is about, and the call's sequence when it was queued. */
  callbackId: string | null;
  callbackSequence: number | null;
  /** A held admissions row: when its advisor's own digest was sent, by an earlier try of its batch. */
  advisorDigestSentAt: Date | null;
}

export const OUTBOX_CHANNEL = 'frontdesk_outbox';

/** Notifications to store with a new lead, in the shape the database's `frontdesk_store_lead` reads. */
export interface OutboxRows {
  /** Dispatchers LISTEN here; notified when the rows commit. */
  channel: string;
  rows: Array<{ id: string; kind: NotificationKind; digest: boolean; dueAt: Date }>;
}

/**
 * The outbox rows for a lead that is being stored, for the leads module to
 * write in the same statement as the lead (one round trip on the hot path):
 * the outbox decides their ids, shape and the channel that wakes dispatchers.
 */
export function outboxRows(rows: Array<{ kind: NotificationKind; dueAt: Date; digest: boolean }>): OutboxRows {
  return { channel: OUTBOX_CHANNEL, rows: rows.map((row) => ({ id: uuidv7(), kind: row.kind, digest: row.digest, dueAt: row.dueAt })) };
}

/**
 * The outbox table. Writes that belong to a lead happen in the lead's
 * transaction (queue); the dispatcher claims rows with a lease so that any
 * number of processes share the work, and only the lease holder may finish a row.
 */
export function createOutboxRepository(db: Database) {
  return {
    /**
     * Queues a lead's mail inside its transaction and, when any of it is due
     * already, wakes listening dispatchers as it commits. Mail due later (an
     * escalation at `respondBy`) wakes nobody: the dispatchers' poll finds it
     * when it is due, and a wake-up now would only cost every dispatcher a
     * pass that finds nothing.
     */
    async queue(tx: SqlTransaction, rows: Array<{ leadId: string; kind: NotificationKind; dueAt: Date; digest: boolean }>): Promise<void> {
      if (rows.length === 0) return;
      await tx.query({
        name: 'frontdesk-queue-notifications',
        text: `WITH queued AS (
           INSERT INTO notifications (id, lead_id, kind, digest, scheduled_at, next_attempt_at)
           SELECT id, lead_id, kind, digest, due_at, due_at
             FROM unnest($1::uuid[], $2::uuid[], $3::notification_kind[], $4::boolean[], $5::timestamptz[]) AS t(id, lead_id, kind, digest, due_at)
           RETURNING next_attempt_at AS due_at
         )
         SELECT pg_notify($6, '') FROM queued WHERE due_at <= clock_timestamp() LIMIT 1`,
        values: [rows.map(() => uuidv7()), rows.map((row) => row.leadId), rows.map((row) => row.kind), rows.map((row) => row.digest), rows.map((row) => row.dueAt), OUTBOX_CHANNEL],
      });
    },

    /** Queues mail about a call inside the transaction that books, moves or cancels it; wakes dispatchers as `queue` does (a reminder due later wakes nobody). */
    async queueForCall(tx: SqlTransaction, rows: Array<{ leadId: string; callbackId: string; callbackSequence: number; kind: CallNotificationKind; dueAt: Date }>): Promise<void> {
      if (rows.length === 0) return;
      await tx.query({
        name: 'frontdesk-queue-call-notifications',
        text: `WITH queued AS (
           INSERT INTO notifications (id, lead_id, kind, digest, scheduled_at, next_attempt_at, callback_id, callback_sequence)
           SELECT id, lead_id, kind, false, due_at, due_at, callback_id, callback_sequence
             FROM unnest($1::uuid[], $2::uuid[], $3::notification_kind[], $4::timestamptz[], $5::uuid[], $6::int[])
                  AS t(id, lead_id, kind, due_at, callback_id, callback_sequence)
           RETURNING next_attempt_at AS due_at
         )
         SELECT pg_notify($7, '') FROM queued WHERE due_at <= clock_timestamp() LIMIT 1`,
        values: [
          rows.map(() => uuidv7()), rows.map((row) => row.leadId), rows.map((row) => row.kind), rows.map((row) => row.dueAt),
          rows.map((row) => row.callbackId), rows.map((row) => row.callbackSequence), OUTBOX_CHANNEL,
        ],
      });
    },

    /**
     * Cancels a call's pending rows of these kinds (a moved or cancelled
     * call's reminder). A row a dispatcher is sending at this moment is not
     * touched here: the dispatcher checks the call's sequence under a lock
     * before it sends (see the dispatch pass), and this runs while the
     * caller holds the call's row.
     */
    async cancelForCall(tx: SqlTransaction, callbackId: string, kinds: CallNotificationKind[]): Promise<void> {
      await tx.query({
        name: 'frontdesk-cancel-call-notifications',
        text: `UPDATE notifications SET status = 'cancelled', lease_owner = NULL, lease_until = NULL
                WHERE callback_id = $1 AND status = 'pending' AND kind::text = ANY($2::text[])`,
        values: [callbackId, kinds],
      });
    },

    /**
     * Claims up to `limit` due rows of the given kinds: SKIP LOCKED lets
     * concurrent dispatchers take different rows, and the lease lets another
     * take over a row whose dispatcher died mid-send once `leaseUntil` passes.
     */
    async claim(options: { kinds: NotificationKind[]; digest: boolean; now: Date; owner: string; leaseMs: number; limit: number }): Promise<ClaimedNotification[]> {
      const { now, owner, limit } = options;
      const leaseUntil = new Date(now.getTime() + options.leaseMs);
      return db.$queryRaw<ClaimedNotification[]>`
        UPDATE notifications AS n
           SET lease_owner = ${owner}, lease_until = ${leaseUntil}
          FROM (SELECT id FROM notifications
                 WHERE status = 'pending'
                   AND next_attempt_at <= ${now}
                   AND kind::text = ANY(${options.kinds})
                   AND digest = ${options.digest}
                   AND (lease_until IS NULL OR lease_until < ${now})
                 ORDER BY next_attempt_at, id
                 LIMIT ${limit}
                 FOR UPDATE SKIP LOCKED) AS due
         WHERE n.id = due.id
        RETURNING n.id, n.lead_id AS "leadId", n.kind::text AS kind, n.digest, n.attempts, n.scheduled_at AS "scheduledAt",
                  n.callback_id::text AS "callbackId", n.callback_sequence AS "callbackSequence", n.advisor_digest_sent_at AS "advisorDigestSentAt"`;
    },

    /** Records that these held rows' advisor got their digest, if this owner still holds their lease. */
    async markAdvisorDigestSent(ids: string[], owner: string, sentAt: Date): Promise<void> {
      await db.notification.updateMany({ where: { id: { in: ids }, leaseOwner: owner, status: 'pending' }, data: { advisorDigestSentAt: sentAt } });
    },

    /** Marks rows sent, if this owner still holds their lease. Returns how many it marked. */
    async markSent(ids: string[], owner: string, result: { messageId: string; sentAt: Date }): Promise<number> {
      const { count } = await db.notification.updateMany({
        where: { id: { in: ids }, leaseOwner: owner, status: 'pending' },
        data: { status: 'sent', sentAt: result.sentAt, messageId: result.messageId.slice(0, 998), attempts: { increment: 1 }, leaseOwner: null, leaseUntil: null, lastError: null },
      });
      return count;
    },

    /** Records a failed attempt: either another try at `retryAt`, or `failed` for good. */
    async markAttemptFailed(ids: string[], owner: string, outcome: { error: string; retryAt: Date | null }): Promise<void> {
      await db.notification.updateMany({
        where: { id: { in: ids }, leaseOwner: owner, status: 'pending' },
        data: {
          attempts: { increment: 1 },
          lastError: outcome.error.slice(0, 500),
          leaseOwner: null,
          leaseUntil: null,
          ...(outcome.retryAt ? { nextAttemptAt: outcome.retryAt } : { status: 'failed' }),
        },
      });
    },

    /** Marks rows that no longer need sending (an escalation for a lead answered in time), if this owner still holds their lease. */
    async markCancelled(ids: string[], owner: string): Promise<number> {
      const { count } = await db.notification.updateMany({
        where: { id: { in: ids }, leaseOwner: owner, status: 'pending' },
        data: { status: 'cancelled', leaseOwner: null, leaseUntil: null },
      });
      return count;
    },

    /** Gives claimed rows back untouched (shutdown, or the office closed meanwhile). */
    async release(ids: string[], owner: string): Promise<void> {
      await db.notification.updateMany({ where: { id: { in: ids }, leaseOwner: owner }, data: { leaseOwner: null, leaseUntil: null } });
    },

    async countPending(): Promise<number> {
      return db.notification.count({ where: { status: 'pending' } });
    },
  };
}

export type OutboxRepository = ReturnType<typeof createOutboxRepository>;
