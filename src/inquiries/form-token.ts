import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * `formToken`: the time the form was rendered, signed with SESSION_SECRET.
 * It is not tied to a visitor, so article pages stay cacheable; it proves the
 * form came from us, lets us refuse stale forms (24 h) and spot forms filled
 * faster than a person can (2 s).
 */
export const FORM_TOKEN_MAX_AGE_MS = 24 * 60 * 60 * 1000;
export const FORM_MIN_FILL_MS = 2_000;
// A little allowance for clocks of several instances that disagree slightly.
const CLOCK_SKEW_MS = 5_000;

export type FormTokenCheck =
  | { valid: true; renderedAt: Date; tooFast: boolean }
  | { valid: false; reason: 'missing' | 'forged' | 'expired' };

export function createFormTokens(secret: string) {
  const sign = (payload: string) => createHmac('sha256', secret).update(`form-token:${payload}`).digest('base64url');

  return {
    issue(at: Date): string {
      const payload = at.getTime().toString(36);
      return `${payload}.${sign(payload)}`;
    },

    check(token: unknown, now: Date): FormTokenCheck {
      if (typeof token !== 'string' || token === '') return { valid: false, reason: 'missing' };
      const [payload, signature, extra] = token.split('.');
      if (!payload || !signature || extra !== undefined || payload.length > 12) return { valid: false, reason: 'forged' };
      const expected = Buffer.from(sign(payload));
      const given = Buffer.from(signature);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { valid: false, reason: 'forged' };
      const renderedAt = parseInt(payload, 36);
      const age = now.getTime() - renderedAt;
      if (!Number.isFinite(renderedAt) || age < -CLOCK_SKEW_MS) return { valid: false, reason: 'forged' };
      if (age > FORM_TOKEN_MAX_AGE_MS) return { valid: false, reason: 'expired' };
      return { valid: true, renderedAt: new Date(renderedAt), tooFast: age < FORM_MIN_FILL_MS };
    },
  };
}

export type FormTokens = ReturnType<typeof createFormTokens>;
