import { createHash, randomBytes } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import type { Database } from '../../platform/database';
import type { StaffRole } from './staff-users';

/**
 * API tokens for scripts: `fdt_` and 32 random bytes in base64url. Only the
 * SHA-256 of the token is stored (a token has 256 bits of entropy, so a
 * fast hash is enough: there is nothing to guess), and the plain token is
 * shown once, when it is made.
 */
const PREFIX = 'fdt_';
const TOKEN_PATTERN = /^fdt_[A-Za-z0-9_-]{43}$/;
/** `lastUsedAt` is written at most this often per token, so a busy script does not write on every request. */
const LAST_USED_RESOLUTION_MS = 60_000;

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export interface TokenOwner {
  tokenId: string;
  staffUserId: string;
  email: string;
  name: string;
  role: StaffRole;
  available: boolean;
}

export function createApiTokens(db: Database) {
  return {
    /** Makes a token for the user; returns the plain token, which exists nowhere else afterwards. */
    async issue(staffUserId: string, label: string, at: Date): Promise<{ id: string; token: string }> {
      const token = `${PREFIX}${randomBytes(32).toString('base64url')}`;
      const id = uuidv7({ msecs: at.getTime() });
      await db.apiToken.create({ data: { id, staffUserId, label, tokenHash: hashToken(token), createdAt: at } });
      return { id, token };
    },

    /** The owner of a valid token: not revoked, and its account not disabled. */
    async authenticate(token: string, at: Date): Promise<TokenOwner | null> {
      if (!TOKEN_PATTERN.test(token)) return null;
      const row = await db.apiToken.findUnique({
        where: { tokenHash: hashToken(token) },
        include: { staffUser: { select: { id: true, email: true, name: true, role: true, disabledAt: true, available: true } } },
      });
      if (!row || row.revokedAt || row.staffUser.disabledAt) return null;
      if (!row.lastUsedAt || at.getTime() - row.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
        await db.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: at } });
      }
      return { tokenId: row.id, staffUserId: row.staffUser.id, email: row.staffUser.email, name: row.staffUser.name, role: row.staffUser.role, available: row.staffUser.available };
    },

    /** Revokes the user's active tokens with this label; returns how many. */
    async revoke(staffUserId: string, label: string, at: Date): Promise<number> {
      const result = await db.apiToken.updateMany({ where: { staffUserId, label, revokedAt: null }, data: { revokedAt: at } });
      return result.count;
    },

    async hasActive(staffUserId: string, label: string): Promise<boolean> {
      return (await db.apiToken.count({ where: { staffUserId, label, revokedAt: null } })) > 0;
    },
  };
}

export type ApiTokens = ReturnType<typeof createApiTokens>;
