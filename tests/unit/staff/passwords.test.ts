import { hashPassword, isOutdatedHash, verifyPassword } from '../../../src/staff/accounts/passwords';

describe('Staff passwords', () => {
  test('when a password is hashed, then it is argon2id with our parameters and verifies', async () => {
    const hash = await hashPassword('correct horse battery staple');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(hash, 'correct horse battery staple')).toBe(true);
    expect(await verifyPassword(hash, 'wrong horse battery staple')).toBe(false);
    expect(isOutdatedHash(hash)).toBe(false);
  });

  test('when a stored hash used weaker parameters or is garbage, then it is due for rehashing and never crashes', async () => {
    expect(isOutdatedHash('$argon2id$v=19$m=4096,t=3,p=1$c2FsdHNhbHQ$aGFzaGhhc2g')).toBe(true);
    expect(isOutdatedHash('$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g')).toBe(true);
    expect(isOutdatedHash('not a hash')).toBe(true);
    expect(await verifyPassword('not a hash', 'anything')).toBe(false);
  });
});
