import { createCallTokens, LEAD_TOKEN_MAX_AGE_MS } from '../../../src/callbacks';

const tokens = createCallTokens('test-secret-test-secret-test-secret-0123');
const LEAD = '019a0000-0000-7000-8000-000000000001';
const issuedAt = new Date('2026-11-30T15:00:00.000Z');
const later = (ms: number) => new Date(issuedAt.getTime() + ms);

describe('Lead and call tokens', () => {
  test('when a lead token is checked within 7 days, then it names its lead; after that it is expired', () => {
    const token = tokens.issueLeadToken(LEAD, issuedAt);
    expect(tokens.checkLeadToken(token, later(LEAD_TOKEN_MAX_AGE_MS))).toEqual({ valid: true, leadId: LEAD, issuedAt });
    expect(tokens.checkLeadToken(token, later(LEAD_TOKEN_MAX_AGE_MS + 1))).toEqual({ valid: false, reason: 'expired' });
  });

  test('when a lead token is altered, signed with another secret, or not a token at all, then it is refused', () => {
    const token = tokens.issueLeadToken(LEAD, issuedAt);
    const [, issued, signature] = token.split('.');
    const other = createCallTokens('another-secret-another-secret-another');
    for (const forged of [
      `019a0000-0000-7000-8000-000000000002.${issued}.${signature}`, // another lead
      `${LEAD}.${(issuedAt.getTime() + 86_400_000).toString(36)}.${signature}`, // a later issue time
      other.issueLeadToken(LEAD, issuedAt),
      `${token}.x`,
      'not-a-token',
      tokens.callToken(LEAD), // a call token is not a lead token
    ]) {
      expect(tokens.checkLeadToken(forged, later(1000))).toEqual({ valid: false, reason: 'forged' });
    }
    expect(tokens.checkLeadToken(undefined, issuedAt)).toEqual({ valid: false, reason: 'missing' });
    expect(tokens.checkLeadToken(['a'], issuedAt)).toEqual({ valid: false, reason: 'missing' });
  });

  test('when a lead token claims to be issued in the future, then it is refused', () => {
    expect(tokens.checkLeadToken(tokens.issueLeadToken(LEAD, later(60_000)), issuedAt)).toEqual({ valid: false, reason: 'forged' });
  });

  test('when a call token is checked, then it opens only its own call', () => {
    const call = '019a0000-0000-7000-8000-0000000000aa';
    expect(tokens.checkCallToken(call, tokens.callToken(call))).toBe(true);
    expect(tokens.checkCallToken('019a0000-0000-7000-8000-0000000000ab', tokens.callToken(call))).toBe(false);
    expect(tokens.checkCallToken(call, undefined)).toBe(false);
    expect(tokens.checkCallToken(call, tokens.issueLeadToken(call, issuedAt))).toBe(false);
  });
});
