import type { Request, RequestHandler, Response } from 'express';
import type { Session, SessionData } from 'express-session';
import type { Clock } from '../../platform/clock';
import { errors } from '../../platform/errors';
import { sendJsonError, wantsJson } from '../../platform/http-errors';
import type { ApiTokens } from '../accounts/api-tokens';
import type { StaffRole, StaffUsers } from '../accounts/staff-users';
import { IDLE_TIMEOUT_MS, LAST_SEEN_RESOLUTION_MS, MAX_SESSION_MS } from './staff-session';

/** The signed-in staff member of this request, in `res.locals.staff`. */
export interface StaffPrincipal {
  id: string;
  email: string;
  name: string;
  role: StaffRole;
  /** Taking leads now, as the account said at the start of this request (the workspace header shows it). */
  available: boolean;
  via: 'web' | 'token';
  tokenId?: string;
}

export function currentStaff(res: Response): StaffPrincipal | undefined {
  return res.locals.staff as StaffPrincipal | undefined;
}

/** Like currentStaff, for routes behind requireStaff. */
export function signedInStaff(res: Response): StaffPrincipal {
  const staff = currentStaff(res);
  // A programmer error, not a visitor's: the route forgot requireStaff.
  if (!staff) throw new Error('signedInStaff() on a route without requireStaff');
  return staff;
}

/** The client IP as Express sees it (TRUST_PROXY decides whether X-Forwarded-For counts). */
export function clientIp(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

/**
 * Who is asking: an `Authorization: Bearer` token (a bad one is a 401 at
 * once, in JSON whatever the Accept header: only scripts send tokens), or
 * the session's user, as long as the session is neither idle past
 * IDLE_TIMEOUT_MS nor older than MAX_SESSION_MS and the account is still
 * enabled. An ended session is replaced by an empty one, so the login page
 * can still hand out a CSRF token in the same request.
 */
export function authenticate(deps: { users: StaffUsers; tokens: ApiTokens; clock: Clock }): RequestHandler {
  return async (req, res, next) => {
    const header = req.get('authorization');
    if (header !== undefined) {
      const match = /^Bearer +(\S+) *$/i.exec(header);
      const owner = match ? await deps.tokens.authenticate(match[1]!, deps.clock.now()) : null;
      if (!owner) {
        res.set('WWW-Authenticate', 'Bearer realm="frontdesk", error="invalid_token"');
        return sendJsonError(res, errors.invalidToken());
      }
      res.locals.staff = { id: owner.staffUserId, email: owner.email, name: owner.name, role: owner.role, available: owner.available, via: 'token', tokenId: owner.tokenId } satisfies StaffPrincipal;
      return next();
    }

    const session = req.session;
    if (session?.staffUserId) {
      const now = deps.clock.now().getTime();
      const expired = now - (session.lastSeenAt ?? 0) > IDLE_TIMEOUT_MS || now - (session.signedInAt ?? 0) > MAX_SESSION_MS;
      const user = expired ? null : await deps.users.findById(session.staffUserId);
      if (!user || user.disabledAt) {
        res.locals.sessionExpired = expired;
        await regenerate(session);
        return next();
      }
      // Rewritten at most once a minute: a change saves the whole session, and a
      // request that saves it after a concurrent one set a flash message would
      // undo that message. In between, express-session only extends its expiry.
      if (now - (session.lastSeenAt ?? 0) >= LAST_SEEN_RESOLUTION_MS) session.lastSeenAt = now;
      res.locals.staff = { id: user.id, email: user.email, name: user.name, role: user.role, available: user.available, via: 'web' } satisfies StaffPrincipal;
    }
    next();
  };
}

export function regenerate(session: Session & Partial<SessionData>): Promise<void> {
  return new Promise((resolve, reject) => session.regenerate((error: unknown) => (error ? reject(error) : resolve())));
}

/**
 * Staff routes answer an anonymous browser with a redirect to the login page
 * (coming back here afterwards) and anyone else with 401 JSON.
 */
export const requireStaff: RequestHandler = (req, res, next) => {
  if (currentStaff(res)) return next();
  if (!wantsJson(req)) {
    const params = new URLSearchParams();
    if (req.method === 'GET') params.set('next', req.originalUrl);
    if (res.locals.sessionExpired) params.set('expired', '1');
    const query = params.toString();
    res.redirect(303, `/admin/login${query ? `?${query}` : ''}`);
    return;
  }
  res.set('WWW-Authenticate', 'Bearer realm="frontdesk"');
  throw errors.unauthenticated();
};

/** Changes (forms) need a signed-in person with a session: tokens are for reading and exporting. */
export const requireSession: RequestHandler = (_req, res, next) => {
  if (currentStaff(res)?.via !== 'web') throw errors.sessionRequired();
  next();
};

export const requireAdmin: RequestHandler = (_req, res, next) => {
  if (currentStaff(res)?.role !== 'admin') throw errors.forbidden();
  next();
};

/** A `next` address after sign-in: only a path inside /admin, never another site. */
export function safeNext(value: unknown): string {
  const fallback = '/admin/leads';
  // An encoded slash or backslash only ever hides a path from this check.
  if (typeof value !== 'string' || !value.startsWith('/') || /[\\\s]|%2f|%5c/i.test(value)) return fallback;
  // Resolved as a browser would resolve it (dot segments, %2e, //), then checked:
  // `/admin/../..//evil.example` is `//evil.example`, another site.
  const base = 'http://frontdesk.invalid';
  let url: URL;
  try {
    url = new URL(value, base);
  } catch {
    return fallback;
  }
  const path = url.pathname.replace(/\/{2,}/g, '/');
  if (url.origin !== base || !/^\/admin(\/|$)/.test(path) || path.startsWith('/admin/login')) return fallback;
  return `${path}${url.search}`;
}
