import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { parse as parseCookies } from 'cookie';
import type { Request, RequestHandler, Response } from 'express';
import { errors } from '../../platform/errors';
import { CSRF_FIELD } from './csrf';

const LOGIN_COOKIE = 'frontdesk.login';
/** How long a login form may stay open before it must be reloaded. */
const LOGIN_FORM_MS = 2 * 60 * 60 * 1000;

/**
 * CSRF protection for the sign-in form without a session: a signed double
 * submit. The page sets a random nonce in a cookie only /admin/login sees,
 * and puts its HMAC (keyed with SESSION_SECRET) in the form; a post must
 * bring both. Another site can neither read the cookie nor forge the HMAC.
 * Nothing is stored, so anonymous visits to the login page cost no database
 * row (a session is made only when someone signs in).
 */
export function createLoginCsrf(deps: { secret: string; https: boolean }) {
  const sign = (nonce: string) => createHmac('sha256', deps.secret).update(`staff-login:${nonce}`).digest('hex');

  const nonceOf = (req: Request) => {
    const nonce = parseCookies(req.headers.cookie ?? '')[LOGIN_COOKIE];
    return nonce && /^[0-9a-f]{32}$/.test(nonce) ? nonce : undefined;
  };

  /** The form's token, with its cookie set (again) on the response: a second tab keeps the first one's nonce. */
  function issue(req: Request, res: Response): string {
    const nonce = nonceOf(req) ?? randomBytes(16).toString('hex');
    res.cookie(LOGIN_COOKIE, nonce, { httpOnly: true, sameSite: 'lax', secure: deps.https, path: '/admin/login', maxAge: LOGIN_FORM_MS });
    return sign(nonce);
  }

  /** After the body parser: the form's token must be the HMAC of the cookie's nonce. */
  const verify: RequestHandler = (req, _res, next) => {
    const nonce = nonceOf(req);
    const token = (req.body as Record<string, unknown> | undefined)?.[CSRF_FIELD];
    if (!nonce || typeof token !== 'string' || !/^[0-9a-f]{64}$/.test(token) || !timingSafeEqual(Buffer.from(token), Buffer.from(sign(nonce)))) {
      throw errors.invalidCsrfToken();
    }
    next();
  };

  return { issue, verify };
}

export type LoginCsrf = ReturnType<typeof createLoginCsrf>;
