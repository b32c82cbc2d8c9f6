import { createHmac } from 'node:crypto';
import type { Clock } from '../../platform/clock';
import type { Logger } from '../../platform/logger';
import { decoyHash, hashPassword, isOutdatedHash, PASSWORD_MAX_LENGTH, verifyPassword } from '../accounts/passwords';
import { normaliseEmail, type StaffUser, type StaffUsers } from '../accounts/staff-users';
import type { AuditLog } from '../../audit';

/**
 * Checks an email and password. Every outcome is audited; a failure says
 * only "failed" to the person (one generic message), while the audit record
 * says why for the administrators. No password is ever stored or logged,
 * and an email that matches no account is kept only as a keyed hash, so
 * repeated attempts against one address can still be told apart.
 */
export type SignInResult = { ok: true; user: StaffUser } | { ok: false };

export function createSignIn(deps: { users: StaffUsers; audit: AuditLog; clock: Clock; logger: Logger; secret: string }) {
  const { users, audit, clock, logger } = deps;
  const emailHash = (email: string) => createHmac('sha256', deps.secret).update(`sign-in-email:${email}`).digest('hex').slice(0, 32);

  return {
    async attempt(input: { email: string; password: string; ip: string }): Promise<SignInResult> {
      const email = normaliseEmail(input.email).slice(0, 254);
      const password = input.password.slice(0, PASSWORD_MAX_LENGTH);
      const user = email ? await users.findByEmail(email) : null;
      // Always run argon2, so an unknown email takes as long as a wrong password.
      const matches = await verifyPassword(user?.passwordHash ?? (await decoyHash()), password);
      const actor = { staffUserId: user?.id ?? null, via: 'web' as const, ip: input.ip };

      if (!user || !matches || user.disabledAt) {
        const reason = !user ? 'unknown_account' : user.disabledAt ? 'account_disabled' : 'wrong_password';
        await audit.record({ actor, action: 'staff.sign_in_failed', details: { reason, ...(user ? {} : { emailHash: emailHash(email) }) } });
        logger.info({ event: 'staff.sign_in_failed', reason, ...(user ? { staffUserId: user.id } : {}) });
        return { ok: false };
      }

      const at = clock.now();
      await users.recordSignIn(user.id, at, isOutdatedHash(user.passwordHash) ? await hashPassword(password) : undefined);
      await audit.record({ actor, action: 'staff.signed_in', details: {} });
      logger.info({ event: 'staff.signed_in', staffUserId: user.id });
      return { ok: true, user };
    },
  };
}

export type SignIn = ReturnType<typeof createSignIn>;
