import { createHash } from 'node:crypto';
import type { Database } from '../platform/database';
import type { LeadTransaction } from '../leads';

/** A key answers with its first response for 24 hours; after that it may be used again. */
export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;

export interface StoredResponse {
  statusCode: number;
  body: unknown;
}

/** Another request with the same Idempotency-Key stored its response first. */
export class IdempotencyConflict extends Error {
  override name = 'IdempotencyConflict';
}

/**
 * The JSON API's `Idempotency-Key`: the first response to a key is stored in
 * the lead's own transaction and replayed for a retry with the same body.
 */
export function createIdempotencyKeys(db: Database) {
  return {
    /** The stored first response for a key, if it is still within its 24 hours. */
    async find(key: string, now: Date): Promise<(StoredResponse & { requestHash: string }) | null> {
      const row = await db.idempotencyKey.findUnique({ where: { key } });
      if (!row || now.getTime() - row.createdAt.getTime() >= IDEMPOTENCY_WINDOW_MS) return null;
      return { statusCode: row.statusCode, body: row.responseBody, requestHash: row.requestHash };
    },

    /**
     * Records the first response for a key in the lead's transaction. An
     * expired record of the key is replaced; a live one (a concurrent request
     * with the same key committed first) throws IdempotencyConflict, so the
     * lead rolls back and the caller replays that response instead.
     */
    async save(tx: LeadTransaction, key: string, requestHash: string, response: StoredResponse, now: Date): Promise<void> {
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

export type IdempotencyKeys = ReturnType<typeof createIdempotencyKeys>;

/** The fingerprint a key is checked against; null when the body is too deeply nested to be an inquiry. */
export function requestHash(body: unknown): string | null {
  try {
    return createHash('sha256').update(JSON.stringify(body ?? null)).digest('hex');
  } catch (error) {
    if (error instanceof RangeError) return null; // maximum call stack: thousands of nested arrays
    throw error;
  }
}
