import { PrismaPg } from '@prisma/adapter-pg';
import { Pool, type PoolClient } from 'pg';
import { PrismaClient } from '../generated/prisma/client';

/**
 * The Prisma client, plus the pg pool underneath it. Most code uses Prisma;
 * the hot path (storing an inquiry) uses `pool` directly, sharing its
 * connections. Exports and sessions open pg connections of their own
 * (staff/staff-pool.ts), so a long export never holds one the site needs.
 */
export type Database = PrismaClient & { readonly pool: Pool };

/** One client per process, built from a connection string (never at import time). */
export function createDatabase(connectionString: string, options: { poolSize?: number } = {}): Database {
  const pool = new Pool({
    connectionString,
    max: options.poolSize ?? 10,
    // Fail fast when the server is away, so a request answers 503 quickly
    // instead of hanging until the client gives up.
    connectionTimeoutMillis: 5_000,
  });
  survivesLostConnections(pool);
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
  return Object.assign(prisma, { pool });
}

/**
 * A connection the server drops (restart, failover) must not crash the
 * process. An idle one is an 'error' event on the pool, which replaces it.
 * A checked-out one is an 'error' event on the client itself, and pg-pool
 * hands a client to an awaiting connect() with no listener until its new
 * owner's code runs: a "terminating connection" in that gap would be
 * unhandled. Its queries fail anyway (503), so the event itself is ignored.
 */
export function survivesLostConnections(pool: Pool, onIdleLost: (error: Error & { code?: string }) => void = () => undefined): Pool {
  pool.on('error', onIdleLost);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

export type SqlTransaction = PoolClient;

/** Runs `work` in one SQL transaction on a pooled connection: all of it commits, or none. */
export async function withTransaction<T>(pool: Pool, work: (tx: SqlTransaction) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch((rollbackError: Error) => {
      broken = rollbackError; // the connection itself failed: don't hand it out again
    });
    throw error;
  } finally {
    client.release(broken);
  }
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
