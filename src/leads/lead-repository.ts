import { v7 as uuidv7 } from 'uuid';
import type { Prisma } from '../generated/prisma/client';
import { withTransaction, type Database, type SqlTransaction } from '../platform/database';
import type { OfficeHours } from '../office-hours';
import type { OutboxRows } from '../outbox';
import type { NewLead, StoredLead } from './lead';
import { recordFirstResponse, type FirstResponse } from './lead-contacts';
import { toPrismaStatus, type LeadStatusName } from './lead-status';

/** A later lead from the same address within this window is linked to the first as a duplicate. */
const DUPLICATE_WINDOW_MS = 30 * 24 * 60 * 60 * 1000;

export type LeadTransaction = SqlTransaction;
/** A Prisma transaction of the caller's, for changes that must commit with the caller's own rows (audit records). */
export type PrismaTransaction = Prisma.TransactionClient;

export interface StatusChange {
  from: LeadStatusName;
  to: LeadStatusName;
  changed: boolean;
  /** Set when this change was the lead's first response (SPEC §10). */
  firstResponse?: FirstResponse | null;
}

const PURGE_BATCH = 5_000;

// A lone UTF-16 surrogate has no UTF-8 form: as a text parameter pg stores
// U+FFFD in its place, but in JSON it is an escape PostgreSQL refuses. Same
// result as a text parameter, then.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const wellFormed = (_key: string, value: unknown) => (typeof value === 'string' ? value.replace(LONE_SURROGATE, '\uFFFD') : value);

/**
 * Every write to `leads` and its consent record. Storing a lead is the one
 * write on the public hot path, so it is plain SQL on the pool under Prisma:
 * one statement (a database function) for the lead, its consent record and
 * its outbox rows. The schema is still Prisma's; the tests check both
 * against it.
 */
export function createLeadWrites(db: Database) {
  return {
    /** Runs `work` in one transaction: the lead and whatever else it writes commit together or not at all. */
    transaction<T>(work: (tx: LeadTransaction) => Promise<T>): Promise<T> {
      return withTransaction(db.pool, work);
    },

    /**
     * Stores the lead with its consent record and its notifications (shaped by
     * the outbox: `outboxRows`), in one statement: the database function
     * `frontdesk_store_lead` (migration 20261202180000_store_lead). A non-spam
     * lead from an address seen in the last 30 days is linked to the first
     * such lead; the function serialises leads from one address with an
     * advisory lock, and its look-up after the lock sees a lead committed
     * meanwhile. Without `tx` the statement commits on its own (autocommit:
     * one round trip); with `tx` it joins the caller's transaction, for rows
     * that must commit with the lead.
     */
    async store(lead: NewLead, options: { notifications: OutboxRows; tx?: LeadTransaction }): Promise<StoredLead> {
      const { notifications } = options;
      const row = leadRow(lead);
      // Named, so each connection parses and plans it once.
      const { rows } = await (options.tx ?? db.pool).query<{ duplicate_of_id: string | null }>({
        name: 'frontdesk-store-lead',
        text: 'SELECT frontdesk_store_lead($1::json, $2::json, $3) AS duplicate_of_id',
        values: [JSON.stringify(row, wellFormed), JSON.stringify(notifications.rows), notifications.channel],
      });
      return { id: row.id, status: row.status, duplicateOfId: rows[0]?.duplicate_of_id ?? null, createdAt: lead.at };
    },

    /**
     * Sets the status; `recordChange` runs in the same transaction (the audit
     * record), so a change is never stored without its record. Returns null
     * for an unknown lead; setting the status it already has changes nothing.
     * With `response`, a change away from `new` is also the lead's first
     * response if it has none yet, in the same transaction. A change to
     * `spam` is not: nobody answered that inquiry, it was set aside.
     */
    async changeStatus(
      id: string,
      status: LeadStatusName,
      recordChange: (tx: PrismaTransaction, change: StatusChange) => Promise<void>,
      response?: { at: Date; officeHours: OfficeHours },
    ): Promise<StatusChange | null> {
      return db.$transaction(async (tx) => {
        const rows = await tx.$queryRaw<Array<{ status: LeadStatusName }>>`SELECT status::text AS status FROM leads WHERE id = ${id}::uuid FOR UPDATE`;
        const from = rows[0]?.status;
        if (!from) return null;
        if (from === status) return { from, to: status, changed: false };
        await tx.lead.update({ where: { id }, data: { status: toPrismaStatus(status) } });
        const answered = response && from === 'new' && status !== 'spam';
        const firstResponse = answered ? await recordFirstResponse(tx, id, response.at, response.officeHours) : null;
        const change = { from, to: status, changed: true, firstResponse };
        await recordChange(tx, change);
        return change;
      });
    },

    /**
     * Deletes every lead with this (normalised) address inside the caller's
     * transaction; consent records and notifications go with them (cascade).
     * Returns the names the leads carried, so the caller can scrub them elsewhere.
     */
    async eraseByEmail(tx: PrismaTransaction, address: string): Promise<{ leads: number; names: string[] }> {
      const leads = await tx.lead.findMany({ where: { email: address }, select: { id: true, firstName: true, lastName: true } });
      if (leads.length > 0) await tx.lead.deleteMany({ where: { id: { in: leads.map((lead) => lead.id) } } });
      return { leads: leads.length, names: leads.map((lead) => `${lead.firstName} ${lead.lastName}`) };
    },

    /**
     * Deletes leads that arrived before `before` (optionally with one status)
     * in batches, so a large purge never holds one long lock on the table.
     * With `dryRun`, only counts them.
     */
    async purge(options: { before: Date; status?: LeadStatusName; dryRun?: boolean }): Promise<number> {
      const status = options.status ?? null;
      if (options.dryRun) {
        const rows = await db.$queryRaw<Array<{ count: number }>>`
          SELECT count(*)::int AS count FROM leads WHERE created_at < ${options.before} AND (${status}::text IS NULL OR status::text = ${status}::text)`;
        return rows[0]?.count ?? 0;
      }
      let total = 0;
      for (;;) {
        const deleted = await db.$executeRaw`
          DELETE FROM leads WHERE id IN (
            SELECT id FROM leads WHERE created_at < ${options.before} AND (${status}::text IS NULL OR status::text = ${status}::text) LIMIT ${PURGE_BATCH})`;
        total += deleted;
        if (deleted < PURGE_BATCH) return total;
      }
    },
  };
}

/** The lead as the JSON object `frontdesk_store_lead` reads by key, so the call never depends on the order of 26 values. */
function leadRow(lead: NewLead) {
  const { contact, attribution, consent, at } = lead;
  return {
    id: uuidv7({ msecs: at.getTime() }),
    createdAt: at,
    windowStart: new Date(at.getTime() - DUPLICATE_WINDOW_MS),
    linkDuplicates: !lead.spam,
    status: lead.spam ? ('spam' as const) : ('new' as const),
    firstName: contact.firstName,
    lastName: contact.lastName,
    email: contact.email,
    phone: contact.phone,
    postalCode: contact.postalCode ?? null,
    program: contact.program,
    educationLevel: contact.educationLevel ?? null,
    message: contact.message ?? null,
    articleSlug: attribution.articleSlug ?? null,
    utmSource: attribution.utmSource ?? null,
    utmMedium: attribution.utmMedium ?? null,
    utmCampaign: attribution.utmCampaign ?? null,
    utmTerm: attribution.utmTerm ?? null,
    utmContent: attribution.utmContent ?? null,
    referrer: attribution.referrer ?? null,
    consentText: consent.text,
    consentVersion: consent.version,
    consentSha256: consent.sha256,
    consentPageUrl: consent.pageUrl,
    consentIp: consent.ip,
    consentUserAgent: consent.userAgent,
  };
}
