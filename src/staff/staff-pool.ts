import { Pool } from 'pg';
import { survivesLostConnections } from '../platform/database';
import type { Logger } from '../platform/logger';

/**
 * Plain node-postgres connections for what Prisma cannot do: the session
 * store (connect-pg-simple) and streamed exports (COPY … TO STDOUT and
 * cursors, which hand rows over as the client reads them). Connections are
 * opened on first use and closed when idle, so an app that nobody signs in
 * to holds none.
 */
export function createStaffPool(connectionString: string, logger: Logger): Pool {
  const pool = new Pool({
    connectionString,
    max: 8,
    idleTimeoutMillis: 10_000,
    connectionTimeoutMillis: 5_000,
    // Idle connections never keep the process alive (graceful shutdown, tests).
    allowExitOnIdle: true,
  });
  return survivesLostConnections(pool, (error) => logger.warn({ event: 'staff.pool_connection_lost', code: error.code }));
}
