import { createHash } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import { withTransaction, type Database, type SqlTransaction } from '../platform/database';
import type { Attribution, Inquiry } from './inquiry-schema';

export const DUPLICATE_WINDOW_MS = 30 * 24 * 60 * 60 * 1000;
export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;

export type Transaction = SqlTransaction;

export interface ConsentEvidence {
  text: string;
  version: string;
  sha256: string;
  pageUrl: string;
  ip: string;
  userAgent: string;
}

export interface NewLead {
  inquiry: Inquiry;
  attribution: Attribution;
  consent: ConsentEvidence;
  spam: boolean;
  at: Date;
}

export interface StoredLead {
  id: string;
  status: 'new' | 'spam';
  duplicateOfId: string | null;
  createdAt: Date;
}

export interface StoredResponse {
  statusCode: number;
  body: unknown;
}

/**
 * Storing a lead is the one write on the public hot path, so it is plain SQL
 * on the pool under Prisma: a handful of round trips in one transaction
 * (lock, lead + consent, the caller's own rows, commit) instead of the ORM's
 * many. The schema is still Prisma's; the tests check both against it.
 */
export function createLeadRepository(db: Database) {
  return {
    /** Runs `work` in one transaction; the lead and whatever else it writes commit together or not at all. */
    transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
      return withTransaction(db.pool, work);
    },

    /**
     * Stores the lead with its consent record. A non-spam lead from an address
     * seen in the last 30 days is linked to the first such lead. Leads from
     * one address are serialised with an advisory lock taken in a statement of
     * its own, so the look-up after it sees a lead committed meanwhile.
     */
    async insert(tx: Transaction, lead: NewLead): Promise<StoredLead> {
      const { inquiry, attribution, consent, at } = lead;
      if (!lead.spam) {
        await tx.query({ name: 'frontdesk-lock-email', text: 'SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', values: [`lead-email:${inquiry.email}`] });
      }
      // Named, so each connection parses and plans it once.
      const { rows } = await tx.query<{ id: string; duplicate_of_id: string | null }>({
        name: 'frontdesk-insert-lead',
        text: `WITH first AS (
           SELECT coalesce(duplicate_of_id, id) AS id FROM leads
            WHERE $22 AND email = $4 AND status <> 'spam' AND created_at >= $21 AND created_at <= $2
            ORDER BY created_at, id LIMIT 1
         ), lead AS (
           INSERT INTO leads (id, created_at, first_name, last_name, email, phone, postal_code, program_code, education_level,
                              message, status, duplicate_of_id, article_slug, utm_source, utm_medium, utm_campaign, utm_term,
                              utm_content, referrer)
           VALUES ($1, $2, $3, $5, $4, $6, $7, $8, $9, $10, $11::lead_status, (SELECT id FROM first), $12, $13, $14, $15, $16, $17, $18)
           RETURNING id, duplicate_of_id
         ), consent AS (
           INSERT INTO consent_records (lead_id, text, version, sha256, page_url, consented_at, ip, user_agent)
           SELECT id, $19, $20, $23, $24, $2, $25, $26 FROM lead
         )
         SELECT id, duplicate_of_id FROM lead`,
        values: [
          uuidv7({ msecs: at.getTime() }), at, inquiry.firstName, inquiry.email, inquiry.lastName, inquiry.phone,
          inquiry.postalCode ?? null, inquiry.program, inquiry.educationLevel ?? null, inquiry.message ?? null,
          lead.spam ? 'spam' : 'new', attribution.articleSlug ?? null, attribution.utmSource ?? null, attribution.utmMedium ?? null,
          attribution.utmCampaign ?? null, attribution.utmTerm ?? null, attribution.utmContent ?? null, attribution.referrer ?? null,
          consent.text, consent.version, new Date(at.getTime() - DUPLICATE_WINDOW_MS), !lead.spam, consent.sha256, consent.pageUrl,
          consent.ip, consent.userAgent,
        ],
      });
      const row = rows[0]!;
      return { id: row.id, status: lead.spam ? 'spam' : 'new', duplicateOfId: row.duplicate_of_id, createdAt: at };
    },

    /** The stored first response for an Idempotency-Key, if it is still within its 24 hours. */
    async findResponse(key: string, now: Date): Promise<(StoredResponse & { requestHash: string }) | null> {
      const row = await db.idempotencyKey.findUnique({ where: { key } });
      if (!row || now.getTime() - row.createdAt.getTime() >= IDEMPOTENCY_WINDOW_MS) return null;
      return { statusCode: row.statusCode, body: row.responseBody, requestHash: row.requestHash };
    },

    /**
     * Records the first response for a key in the lead's own transaction. An
     * expired record of the key is replaced; a live one (a concurrent request
     * with the same key committed first) throws IdempotencyConflict, so the
     * caller rolls back and replays that response instead.
     */
    async saveResponse(tx: Transaction, key: string, requestHash: string, response: StoredResponse, now: Date): Promise<void> {
      const { rowCount } = await tx.query(
        `INSERT INTO idempotency_keys (key, request_hash, status_code, response_body, created_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (key) DO UPDATE SET request_hash = excluded.request_hash, status_code = excluded.status_code,
                                         response_body = excluded.response_body, created_at = excluded.created_at
          WHERE idempotency_keys.created_at <= $6`,
        [key, requestHash, response.statusCode, JSON.stringify(response.body), now, new Date(now.getTime() - IDEMPOTENCY_WINDOW_MS)],
      );
      if (rowCount === 0) throw new IdempotencyConflict();
    },
  };
}

/** Another request with the same Idempotency-Key stored its response first. */
export class IdempotencyConflict extends Error {
  override name = 'IdempotencyConflict';
}

export type LeadRepository = ReturnType<typeof createLeadRepository>;

/** The fingerprint an Idempotency-Key is checked against; null when the body is too deeply nested to be an inquiry. */
export function requestHash(body: unknown): string | null {
  try {
    return createHash('sha256').update(JSON.stringify(body ?? null)).digest('hex');
  } catch (error) {
    if (error instanceof RangeError) return null; // maximum call stack: thousands of nested arrays
    throw error;
  }
}

