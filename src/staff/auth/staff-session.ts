import connectPgSimple from 'connect-pg-simple';
import type { RequestHandler } from 'express';
import session from 'express-session';
import type { Pool } from 'pg';
import type { Logger } from '../../platform/logger';

declare module 'express-session' {
  interface SessionData {
    staffUserId?: string;
    /** Epoch milliseconds, from the app's Clock. */
    signedInAt?: number;
    lastSeenAt?: number;
    /** A one-time message for the next page ("Status changed to Contacted"). */
    flash?: string;
  }
}

/** A session unused for this long is over (checked against the app's Clock, and the cookie's lifetime). */
export const IDLE_TIMEOUT_MS = 30 * 60 * 1000;
/** How stale `lastSeenAt` may get before a request rewrites it: the idle timeout counts from up to this much before the last request. */
export const LAST_SEEN_RESOLUTION_MS = 60 * 1000;
/** However active, a session ends this long after sign-in: a forgotten laptop is not signed in for days. */
export const MAX_SESSION_MS = 12 * 60 * 60 * 1000;
export const SESSION_COOKIE = 'frontdesk.sid';

/**
 * Staff sessions, stored in PostgreSQL (`session` table, connect-pg-simple),
 * so any number of web processes share them. The cookie is
 * HttpOnly, SameSite=Lax, scoped to /admin, Secure when BASE_URL is https,
 * and rolls: it lasts IDLE_TIMEOUT_MS from the last request. Nothing is
 * stored for a visitor until they sign in: the login form has a CSRF token
 * of its own (login-csrf.ts).
 */
export function staffSession(deps: { pool: Pool; secret: string; https: boolean; logger: Logger }): RequestHandler {
  const PgStore = connectPgSimple(session);
  const store = new PgStore({
    pool: deps.pool,
    tableName: 'session',
    createTableIfMissing: false, // the staff migration creates it
    errorLog: (...args: unknown[]) => {
      const error = args.find((arg): arg is Error => arg instanceof Error);
      deps.logger.warn({ event: 'staff.session_store_error', code: (error as { code?: string } | undefined)?.code, message: error?.message });
    },
  });
  const middleware = session({
    name: SESSION_COOKIE,
    secret: deps.secret,
    store,
    resave: false,
    saveUninitialized: false,
    rolling: true,
    // Under https the app sits behind a TLS-terminating proxy; trust its
    // X-Forwarded-Proto for the Secure cookie even without TRUST_PROXY.
    ...(deps.https ? { proxy: true } : {}),
    cookie: { httpOnly: true, sameSite: 'lax', secure: deps.https, path: '/admin', maxAge: IDLE_TIMEOUT_MS },
  });
  // Scripts with a bearer token get no session (and no cookie).
  return (req, res, next) => (req.headers.authorization !== undefined ? next() : middleware(req, res, next));
}
