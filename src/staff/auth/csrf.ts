import type { Request, RequestHandler } from 'express';
import { csrfSync } from 'csrf-sync';
import { errors } from '../../platform/errors';

/**
 * Synchroniser-token CSRF protection (csrf-sync): one random token per
 * session, put in every staff form as the hidden field `_csrf` and checked
 * on every POST. SameSite=Lax cookies already stop most cross-site posts;
 * this also covers older browsers and same-site attackers.
 */
export const CSRF_FIELD = '_csrf';

const csrf = csrfSync({
  size: 32,
  getTokenFromRequest: (req) => {
    const value = (req.body as Record<string, unknown> | undefined)?.[CSRF_FIELD];
    return typeof value === 'string' ? value : undefined;
  },
});

/** The session's token for a form, made on first use; null without a session (token-authenticated requests). */
export function csrfToken(req: Request): string | null {
  return req.session ? csrf.generateToken(req) : null;
}

/** After the body parser: a POST without the session's token is refused with 403. */
export const verifyCsrf: RequestHandler = (req, _res, next) => {
  if (!req.session || !csrf.isRequestValid(req)) {
    throw errors.invalidCsrfToken();
  }
  next();
};
