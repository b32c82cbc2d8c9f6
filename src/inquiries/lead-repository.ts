import { createHash } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import { Prisma } from '../generated/prisma/client';
import type { Database } from '../platform/database';
import type { Attribution, Inquiry } from './inquiry-schema';

export const DUPLICATE_WINDOW_MS = 30 * 24 * 60 * 60 * 1000;
export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;

export type Transaction = Prisma.TransactionClient;

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

export function createLeadRepository(db: Database) {
  return {
    /** Runs `work` in one transaction; the lead and whatever else it writes commit together or not at all. */
    transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
      return db.$transaction(work, { timeout: 10_000, maxWait: 5_000 });
    },

    /**
     * Stores the lead with its consent record. A non-spam lead from an address
     * seen in the last 30 days is linked to the earliest such lead. Leads from
     * one address are serialised with an advisory lock, so two quick
     * submissions cannot both miss each other.
     */
    async insert(tx: Transaction, lead: NewLead): Promise<StoredLead> {
      const { inquiry, attribution, consent, at } = lead;
      let duplicateOfId: string | null = null;
      if (!lead.spam) {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`lead-email:${inquiry.email}`}, 0))`;
        const first = await tx.lead.findFirst({
          where: { email: inquiry.email, status: { not: 'spam' }, createdAt: { gte: new Date(at.getTime() - DUPLICATE_WINDOW_MS), lte: at } },
          orderBy: { createdAt: 'asc' },
          select: { id: true, duplicateOfId: true },
        });
        duplicateOfId = first ? (first.duplicateOfId ?? first.id) : null;
      }
      const created = await tx.lead.create({
        data: {
          id: uuidv7({ msecs: at.getTime() }),
          createdAt: at,
          firstName: inquiry.firstName,
          lastName: inquiry.lastName,
          email: inquiry.email,
          phone: inquiry.phone,
          postalCode: inquiry.postalCode ?? null,
          programCode: inquiry.program,
          educationLevel: inquiry.educationLevel ?? null,
          message: inquiry.message ?? null,
          status: lead.spam ? 'spam' : 'new',
          duplicateOfId,
          articleSlug: attribution.articleSlug ?? null,
          utmSource: attribution.utmSource ?? null,
          utmMedium: attribution.utmMedium ?? null,
          utmCampaign: attribution.utmCampaign ?? null,
          utmTerm: attribution.utmTerm ?? null,
          utmContent: attribution.utmContent ?? null,
          referrer: attribution.referrer ?? null,
          consent: { create: { ...consent, consentedAt: at } },
        },
        select: { id: true, status: true, duplicateOfId: true, createdAt: true },
      });
      return { ...created, status: created.status === 'spam' ? 'spam' : 'new' };
    },

    /** The stored first response for an Idempotency-Key, if it is still within its 24 hours. */
    async findResponse(key: string, now: Date): Promise<(StoredResponse & { requestHash: string }) | null> {
      const row = await db.idempotencyKey.findUnique({ where: { key } });
      if (!row || now.getTime() - row.createdAt.getTime() >= IDEMPOTENCY_WINDOW_MS) return null;
      return { statusCode: row.statusCode, body: row.responseBody, requestHash: row.requestHash };
    },

    /** Records the first response for a key in the lead's own transaction; an expired record of the same key is replaced. */
    async saveResponse(tx: Transaction, key: string, requestHash: string, response: StoredResponse, now: Date): Promise<void> {
      await tx.idempotencyKey.deleteMany({ where: { key, createdAt: { lte: new Date(now.getTime() - IDEMPOTENCY_WINDOW_MS) } } });
      await tx.idempotencyKey.create({
        data: { key, requestHash, statusCode: response.statusCode, responseBody: response.body as Prisma.InputJsonValue, createdAt: now },
      });
    },
  };
}

export type LeadRepository = ReturnType<typeof createLeadRepository>;

export function requestHash(body: unknown): string {
  return createHash('sha256').update(JSON.stringify(body ?? null)).digest('hex');
}

/** Prisma's "unique constraint failed" — here, a concurrent request with the same Idempotency-Key won. */
export function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}
