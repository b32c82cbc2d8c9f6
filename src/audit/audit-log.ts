import { v7 as uuidv7 } from 'uuid';
import type { Prisma } from '../generated/prisma/client';
import type { Clock } from '../platform/clock';
import type { Database, SqlTransaction } from '../platform/database';

/**
 * The audit trail: who did what and when. Its own capability because both the
 * staff workspace and the dispatcher (a worker process, without the HTTP
 * stack) write to it. Details never carry a
 * password or a lead's personal data (names, email, phone, message); a lead
 * is referred to by its id.
 */
export type AuditAction =
  | 'staff.signed_in'
  | 'staff.sign_in_failed'
  | 'staff.signed_out'
  | 'staff.added'
  | 'staff.disabled'
  | 'token.created'
  | 'token.revoked'
  | 'advisor.programs_changed'
  | 'advisor.availability_changed'
  | 'lead.status_changed'
  | 'lead.reassigned'
  | 'lead.contacted'
  | 'leads.exported'
  | 'leads.erased'
  | 'leads.purged'
  | 'webhook.added'
  | 'webhook.removed'
  | 'webhook.resent';

export const AUDIT_ACTION_LABELS: Readonly<Record<AuditAction, string>> = {
  'staff.signed_in': 'Signed in',
  'staff.sign_in_failed': 'Sign-in failed',
  'staff.signed_out': 'Signed out',
  'staff.added': 'Staff account added',
  'staff.disabled': 'Staff account disabled',
  'token.created': 'API token created',
  'token.revoked': 'API token revoked',
  'advisor.programs_changed': "Advisor's programs changed",
  'advisor.availability_changed': 'Advisor availability changed',
  'lead.status_changed': 'Lead status changed',
  'lead.reassigned': 'Lead reassigned (overdue)',
  'lead.contacted': 'Contact logged on a lead',
  'leads.exported': 'Leads exported',
  'leads.erased': "A person's leads erased",
  'leads.purged': 'Leads purged',
  'webhook.added': 'Webhook endpoint added',
  'webhook.removed': 'Webhook endpoint removed',
  'webhook.resent': 'Webhook delivery resent',
};

/**
 * Who acted: a staff user through a session or token, the command line, the
 * mail dispatcher (an escalation moving a lead), or nobody known (a failed sign-in).
 */
export interface AuditActor {
  staffUserId: string | null;
  via: 'web' | 'token' | 'cli' | 'dispatcher';
  ip?: string | null;
}

export const CLI_ACTOR: AuditActor = { staffUserId: null, via: 'cli' };
export const DISPATCHER_ACTOR: AuditActor = { staffUserId: null, via: 'dispatcher' };

export interface AuditRecord {
  actor: AuditActor;
  action: AuditAction;
  leadId?: string | null;
  details?: Record<string, unknown>;
}

export interface AuditEventView {
  id: string;
  at: Date;
  action: string;
  via: string;
  leadId: string | null;
  ip: string | null;
  details: Record<string, unknown>;
  actor: { id: string; email: string; name: string } | null;
}

type Writer = Pick<Prisma.TransactionClient, 'auditEvent'>;

export function createAuditLog(deps: { db: Database; clock: Clock }) {
  const { db, clock } = deps;

  function data(record: AuditRecord): Prisma.AuditEventUncheckedCreateInput {
    const at = clock.now();
    return {
      id: uuidv7({ msecs: at.getTime() }),
      at,
      actorId: record.actor.staffUserId,
      via: record.actor.via,
      action: record.action,
      leadId: record.leadId ?? null,
      ip: record.actor.ip ?? null,
      details: (record.details ?? {}) as Prisma.InputJsonValue,
    };
  }

  return {
    /** Writes one event; pass `tx` to make it part of the change it records. */
    async record(record: AuditRecord, tx: Writer = db): Promise<void> {
      await tx.auditEvent.create({ data: data(record) });
    },

    /** Writes one event inside a plain SQL transaction: the dispatcher's, which holds no Prisma client transaction. */
    async recordInTransaction(tx: Pick<SqlTransaction, 'query'>, record: AuditRecord): Promise<void> {
      const row = data(record);
      await tx.query({
        name: 'frontdesk-audit-record',
        text: 'INSERT INTO audit_events (id, at, actor_id, via, action, lead_id, ip, details) VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb)',
        values: [row.id, row.at, row.actorId, row.via, row.action, row.leadId, row.ip, JSON.stringify(row.details)],
      });
    },

    /**
     * Export records keep the search term they were filtered by; when a person
     * is erased, a term that was their email or full name becomes "[erased]".
     */
    async forgetSearchTerms(terms: string[], tx: Pick<Prisma.TransactionClient, '$executeRaw'> = db): Promise<void> {
      const lowered = [...new Set(terms.map((term) => term.toLowerCase()))];
      await tx.$executeRaw`
        UPDATE audit_events SET details = jsonb_set(details, '{filters,q}', '"[erased]"')
         WHERE action = 'leads.exported' AND lower(details #>> '{filters,q}') = ANY(${lowered}::text[])`;
    },

    /** Newest first, keyset-paginated on the (time-ordered) id. */
    async list(options: { before?: string; after?: string; action?: string; limit: number }): Promise<{ events: AuditEventView[]; newer: boolean; older: boolean }> {
      const where: Prisma.AuditEventWhereInput = options.action ? { action: options.action } : {};
      const ascending = Boolean(options.after);
      const rows = await db.auditEvent.findMany({
        where: { ...where, ...(options.before ? { id: { lt: options.before } } : options.after ? { id: { gt: options.after } } : {}) },
        orderBy: { id: ascending ? 'asc' : 'desc' },
        take: options.limit + 1,
        include: { actor: { select: { id: true, email: true, name: true } } },
      });
      const more = rows.length > options.limit;
      const page = rows.slice(0, options.limit);
      if (ascending) page.reverse();
      const events = page.map(toView);
      return ascending
        ? { events, newer: more, older: true }
        : { events, newer: Boolean(options.before), older: more };
    },

    async forLead(leadId: string): Promise<AuditEventView[]> {
      const rows = await db.auditEvent.findMany({
        where: { leadId },
        orderBy: { id: 'desc' },
        take: 100,
        include: { actor: { select: { id: true, email: true, name: true } } },
      });
      return rows.map(toView);
    },
  };
}

function toView(row: {
  id: string; at: Date; action: string; via: string; leadId: string | null; ip: string | null; details: Prisma.JsonValue;
  actor: { id: string; email: string; name: string } | null;
}): AuditEventView {
  const details = row.details && typeof row.details === 'object' && !Array.isArray(row.details) ? (row.details as Record<string, unknown>) : {};
  return { id: row.id, at: row.at, action: row.action, via: row.via, leadId: row.leadId, ip: row.ip, details, actor: row.actor };
}

export type AuditLog = ReturnType<typeof createAuditLog>;
