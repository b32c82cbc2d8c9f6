import { v7 as uuidv7 } from 'uuid';
import type { StaffRole } from '../../generated/prisma/client';
import type { Database } from '../../platform/database';

export type { StaffRole };
export const STAFF_ROLES: readonly StaffRole[] = ['admin', 'staff'];

export interface StaffUser {
  id: string;
  email: string;
  name: string;
  role: StaffRole;
  passwordHash: string;
  disabledAt: Date | null;
  /** Taking leads now (SPEC §10). */
  available: boolean;
}

/** Email addresses are compared and stored lower-cased, as leads' are. */
// oxlint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function createStaffUsers(db: Database) {
  const select = { id: true, email: true, name: true, role: true, passwordHash: true, disabledAt: true, available: true } as const;
  return {
    async findByEmail(email: string): Promise<StaffUser | null> {
      const address = normaliseEmail(email);
      // No account's address holds a control character (staff:add checks it), and
      // PostgreSQL refuses NUL in text: such an address is simply nobody's.
      if (CONTROL.test(address)) return null;
      return db.staffUser.findUnique({ where: { email: address }, select });
    },

    findById(id: string): Promise<StaffUser | null> {
      return db.staffUser.findUnique({ where: { id }, select });
    },

    async create(user: { email: string; name: string; role: StaffRole; passwordHash: string; at: Date }): Promise<StaffUser> {
      return db.staffUser.create({
        data: { id: uuidv7({ msecs: user.at.getTime() }), email: normaliseEmail(user.email), name: user.name, role: user.role, passwordHash: user.passwordHash, createdAt: user.at },
        select,
      });
    },

    async recordSignIn(id: string, at: Date, newPasswordHash?: string): Promise<void> {
      await db.staffUser.update({ where: { id }, data: { lastSignInAt: at, ...(newPasswordHash ? { passwordHash: newPasswordHash } : {}) } });
    },

    /**
     * Disables the account, revokes its tokens and ends its sessions, in one
     * transaction. Returns how many tokens were revoked.
     */
    async disable(id: string, at: Date): Promise<{ revokedTokens: number; endedSessions: number }> {
      return db.$transaction(async (tx) => {
        await tx.staffUser.update({ where: { id }, data: { disabledAt: at } });
        const revoked = await tx.apiToken.updateMany({ where: { staffUserId: id, revokedAt: null }, data: { revokedAt: at } });
        // express-session's rows (connect-pg-simple): the signed-in user is a top-level key of `sess`.
        const endedSessions = await tx.$executeRaw`DELETE FROM "session" WHERE sess->>'staffUserId' = ${id}`;
        return { revokedTokens: revoked.count, endedSessions };
      });
    },
  };
}

export type StaffUsers = ReturnType<typeof createStaffUsers>;
