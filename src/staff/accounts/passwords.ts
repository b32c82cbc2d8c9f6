import { randomBytes } from 'node:crypto';
import { Algorithm, hash, verify } from '@node-rs/argon2';

/**
 * Staff passwords: argon2id with OWASP's recommended parameters (19 MiB,
 * 2 passes, 1 lane): strong against offline guessing, yet cheap enough that
 * a burst of sign-ins cannot exhaust the server's memory.
 */
export const PASSWORD_MIN_LENGTH = 12;
/** Long enough for any pass phrase; a cap keeps a megabyte "password" from becoming work. */
export const PASSWORD_MAX_LENGTH = 1024;

// @node-rs/argon2 ships per-platform binaries built with napi-rs; the
// `argon2` package's prebuilt linux binary crashed (SIGSEGV) on our CI machines.
const PARAMETERS = { algorithm: Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** Why a new password is refused, or undefined when it is acceptable. */
export function passwordProblem(password: string): string | undefined {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return `The password must be at least ${PASSWORD_MIN_LENGTH} characters long.`;
  if (length > PASSWORD_MAX_LENGTH) return `The password must be at most ${PASSWORD_MAX_LENGTH} characters long.`;
  if (password.trim() === '') return 'The password must not be blank.';
  return undefined;
}

export function hashPassword(password: string): Promise<string> {
  return hash(password, PARAMETERS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false; // a malformed stored hash is a failed sign-in, not a crash
  }
}

/** True when a stored hash was made with weaker (older) parameters and should be replaced at the next sign-in. */
export function isOutdatedHash(passwordHash: string): boolean {
  // PHC string: $argon2id$v=19$m=19456,t=2,p=1$salt$hash
  const match = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(passwordHash);
  if (!match) return true;
  const [memoryCost, timeCost, parallelism] = match.slice(1).map(Number);
  return memoryCost! < PARAMETERS.memoryCost || timeCost! < PARAMETERS.timeCost || parallelism !== PARAMETERS.parallelism;
}

/**
 * A real hash of a random password, verified against when the email is
 * unknown, so a wrong email takes as long as a wrong password and timing does
 * not tell which accounts exist.
 */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  decoy ??= hash(randomBytes(24).toString('base64'), PARAMETERS);
  return decoy;
}
