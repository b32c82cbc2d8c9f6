import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Two signed tokens tie a person to their lead and their call without an account:
 *
 * - the lead token (`lead`), which the thanks page and the inquiry API hand
 *   out: the lead's id and when it was issued, HMAC-signed with
 *   SESSION_SECRET, valid 7 days. It lets its holder see slots and book.
 * - the call token (`?token=`), which the 303 after booking and the emails
 *   carry: the call's id, signed. It opens that call's confirmation and
 *   manage pages, and only those, for as long as the call exists.
 *
 * Each signature covers a purpose prefix, so one kind of token can never
 * pass for the other, nor for a form token.
 */
export const LEAD_TOKEN_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;
const CLOCK_SKEW_MS = 5_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export type LeadTokenCheck = { valid: true; leadId: string; issuedAt: Date } | { valid: false; reason: 'missing' | 'forged' | 'expired' };

export function createCallTokens(secret: string) {
  const sign = (purpose: string, payload: string) => createHmac('sha256', secret).update(`${purpose}:${payload}`).digest('base64url');
  const matches = (signature: string, expected: string) => {
    const given = Buffer.from(signature);
    const wanted = Buffer.from(expected);
    return given.length === wanted.length && timingSafeEqual(given, wanted);
  };

  return {
    issueLeadToken(leadId: string, at: Date): string {
      const payload = `${leadId}.${at.getTime().toString(36)}`;
      return `${payload}.${sign('lead-token', payload)}`;
    },

    checkLeadToken(token: unknown, now: Date): LeadTokenCheck {
      if (typeof token !== 'string' || token === '') return { valid: false, reason: 'missing' };
      if (token.length > 200) return { valid: false, reason: 'forged' };
      const [leadId, issued, signature, extra] = token.split('.');
      if (!leadId || !issued || !signature || extra !== undefined || !UUID.test(leadId) || issued.length > 12) return { valid: false, reason: 'forged' };
      if (!matches(signature, sign('lead-token', `${leadId}.${issued}`))) return { valid: false, reason: 'forged' };
      const issuedAt = parseInt(issued, 36);
      const age = now.getTime() - issuedAt;
      if (!Number.isFinite(issuedAt) || age < -CLOCK_SKEW_MS) return { valid: false, reason: 'forged' };
      if (age > LEAD_TOKEN_MAX_AGE_MS) return { valid: false, reason: 'expired' };
      return { valid: true, leadId, issuedAt: new Date(issuedAt) };
    },

    callToken(callId: string): string {
      return sign('call-token', callId);
    },

    checkCallToken(callId: string, token: unknown): boolean {
      return typeof token === 'string' && token.length < 100 && matches(token, sign('call-token', callId));
    },
  };
}

export type CallTokens = ReturnType<typeof createCallTokens>;
