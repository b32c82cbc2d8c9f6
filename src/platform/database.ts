import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client';

export type Database = PrismaClient;

/** One Prisma client per process, built from a connection string (never at import time). */
export function createDatabase(connectionString: string, options: { poolSize?: number } = {}): Database {
  const adapter = new PrismaPg({
    connectionString,
    max: options.poolSize ?? 10,
    // Fail fast when the server is away, so a request answers 503 quickly
    // instead of hanging until the client gives up.
    connectionTimeoutMillis: 5_000,
  });
  return new PrismaClient({ adapter });
}

// Codes that mean "the database is not there right now" rather than "the query
// is wrong": connection refused or reset, server shutting down or starting up.
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN',
  '57P01', '57P02', '57P03', '08000', '08001', '08003', '08006',
  'P1001', 'P1002', 'P1017', 'P2024',
]);
const UNAVAILABLE_MESSAGES = /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|the database system is (shutting down|starting up)|terminating connection/i;

/** True when an error (or anything in its cause chain) says the database is unreachable. */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 6) return false;
  const candidate = error as { code?: unknown; message?: unknown; cause?: unknown; originalCode?: unknown; kind?: unknown };
  if (typeof candidate.code === 'string' && UNAVAILABLE_CODES.has(candidate.code)) return true;
  if (typeof candidate.originalCode === 'string' && UNAVAILABLE_CODES.has(candidate.originalCode)) return true;
  if (candidate.kind === 'DatabaseNotReachable' || candidate.kind === 'ConnectionClosed' || candidate.kind === 'SocketTimeout') return true;
  if (typeof candidate.message === 'string' && UNAVAILABLE_MESSAGES.test(candidate.message)) return true;
  return isDatabaseUnavailable(candidate.cause, depth + 1);
}
