import { v7 as uuidv7 } from 'uuid';
import { officeTimeBetween, type OfficeHours } from '../office-hours';
import type { Database } from '../platform/database';
import type { Prisma } from '../generated/prisma/client';

type PrismaTransaction = Prisma.TransactionClient;

/**
 * The contact log and the response clock's end. The first response to a lead
 * is the first contact logged on it or its first status change away from
 * `new` (SPEC §10), whichever commits first; `responseSeconds` counts open
 * office seconds from the moment the lead became due (`due_at`). A lead with
 * no `due_at` (nobody was routed it, or ROUTING=off) is measured from its
 * arrival: only open time counts, so that is the same as measuring from the
 * first opening at or after it.
 */
export const CONTACT_CHANNELS = ['call', 'email', 'text'] as const;
export const CONTACT_OUTCOMES = ['reached', 'voicemail', 'no-answer', 'wrong-number', 'sent'] as const;
export type ContactChannel = (typeof CONTACT_CHANNELS)[number];
export type ContactOutcome = (typeof CONTACT_OUTCOMES)[number];

export const CONTACT_NOTE_MAX = 1000;

export interface NewContact {
  leadId: string;
  staffUserId: string | null;
  at: Date;
  channel: ContactChannel;
  outcome: ContactOutcome;
  note?: string | null;
  /** The office's hours, to count the response time in open time (the leads module reads no configuration). */
  officeHours: OfficeHours;
}

export interface FirstResponse {
  at: Date;
  responseSeconds: number;
}

export interface LoggedContact {
  id: string;
  /** Set when this contact was the lead's first response. */
  firstResponse: FirstResponse | null;
}

export interface LeadContactEntry {
  id: string;
  at: Date;
  channel: ContactChannel;
  outcome: ContactOutcome;
  note: string | null;
  staffName: string | null;
}

/**
 * Records `at` as the lead's first response unless it already has one. The
 * UPDATE's own `first_response_at IS NULL` decides a race: of two
 * transactions answering the same lead, the second waits for the first's row
 * lock, sees the column set and changes nothing.
 */
export async function recordFirstResponse(tx: PrismaTransaction, leadId: string, at: Date, officeHours: OfficeHours): Promise<FirstResponse | null> {
  const rows = await tx.$queryRaw<Array<{ due_at: Date | null; created_at: Date; first_response_at: Date | null }>>`
    SELECT due_at, created_at, first_response_at FROM leads WHERE id = ${leadId}::uuid`;
  const lead = rows[0];
  if (!lead || lead.first_response_at) return null;
  const from = lead.due_at ?? lead.created_at;
  // officeTimeBetween is 0 when `at` is not after `from` (an advisor who answered before the lead became due).
  const responseSeconds = Math.round(officeTimeBetween(officeHours, from, at) / 1000);
  const updated = await tx.$executeRaw`
    UPDATE leads SET first_response_at = ${at}, response_seconds = ${responseSeconds}
     WHERE id = ${leadId}::uuid AND first_response_at IS NULL`;
  return updated === 1 ? { at, responseSeconds } : null;
}

export function createLeadContacts(db: Database) {
  async function log(tx: PrismaTransaction, contact: NewContact): Promise<LoggedContact | null> {
    const exists = await tx.$queryRaw<Array<{ id: string }>>`SELECT id::text AS id FROM leads WHERE id = ${contact.leadId}::uuid`;
    if (exists.length === 0) return null;
    const id = uuidv7({ msecs: contact.at.getTime() });
    await tx.$executeRaw`
      INSERT INTO lead_contacts (id, lead_id, staff_user_id, at, channel, outcome, note)
      VALUES (${id}::uuid, ${contact.leadId}::uuid, ${contact.staffUserId}::uuid, ${contact.at},
              ${contact.channel}::contact_channel, ${contact.outcome}::contact_outcome, ${contact.note ?? null})`;
    const firstResponse = await recordFirstResponse(tx, contact.leadId, contact.at, contact.officeHours);
    return { id, firstResponse };
  }

  return {
    /**
     * Adds a contact to the lead's log and, when it is the lead's first
     * response, sets `first_response_at` and `response_seconds`: all in one
     * transaction (the caller's, so its audit record commits with them, or
     * one of its own). Null for an unknown lead.
     */
    logContact(tx: PrismaTransaction | undefined, contact: NewContact): Promise<LoggedContact | null> {
      return tx ? log(tx, contact) : db.$transaction((own) => log(own, contact));
    },

    /** Runs `work` in one Prisma transaction, for a contact and the caller's audit record. */
    contactTransaction<T>(work: (tx: PrismaTransaction) => Promise<T>): Promise<T> {
      return db.$transaction(work);
    },

    /** The lead's contact log, newest first, with who logged each contact. */
    async contacts(leadId: string, limit = 200): Promise<LeadContactEntry[]> {
      const rows = await db.leadContact.findMany({
        where: { leadId },
        orderBy: [{ at: 'desc' }, { id: 'desc' }],
        take: limit,
        select: { id: true, at: true, channel: true, outcome: true, note: true, staffUser: { select: { name: true } } },
      });
      return rows.map((row) => ({
        id: row.id,
        at: row.at,
        channel: row.channel as ContactChannel,
        outcome: fromPrismaOutcome(row.outcome),
        note: row.note,
        staffName: row.staffUser?.name ?? null,
      }));
    },
  };
}

/** Prisma names enum members as identifiers (`no_answer`), mapped to the database's `no-answer`. */
function fromPrismaOutcome(outcome: string): ContactOutcome {
  return outcome.replace(/_/g, '-') as ContactOutcome;
}
