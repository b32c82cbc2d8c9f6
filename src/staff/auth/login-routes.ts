import { createHash } from 'node:crypto';
import express, { type Request, type Response } from 'express';
import type { Clock } from '../../platform/clock';
import type { Logger } from '../../platform/logger';
import { createRateLimit } from '../../platform/rate-limit';
import type { Redis } from '../../platform/redis';
import { normaliseEmail } from '../accounts/staff-users';
import type { AuditLog } from '../../audit';
import type { RenderStaffPage } from '../staff-pages';
import { clientIp, currentStaff, regenerate, safeNext } from './authentication';
import { verifyCsrf } from './csrf';
import type { LoginCsrf } from './login-csrf';
import { SESSION_COOKIE } from './staff-session';
import type { SignIn } from './sign-in';

/** Sign-in attempts (every POST /admin/login, successful or not) per window. */
export const LOGIN_LIMITS = {
  windowMs: 15 * 60 * 1000,
  /** From one IP address: an office behind one NAT still fits. */
  perIp: 20,
  /** For one email address, from anywhere: a password guesser gets 10 tries per 15 minutes. */
  perAccount: 10,
};

const GENERIC_ERROR = 'That email and password do not match an active account.';

export function loginRouter(deps: {
  signIn: SignIn;
  loginCsrf: LoginCsrf;
  audit: AuditLog;
  clock: Clock;
  logger: Logger;
  renderStaffPage: RenderStaffPage;
  redis?: Redis;
}): express.Router {
  const router = express.Router();
  const { renderStaffPage, logger } = deps;

  const showLogin = (req: Request, res: Response, options: { status?: number; error?: string; notice?: string; email?: string } = {}) =>
    renderStaffPage(req, res, 'staff/login', {
      title: 'Staff sign-in',
      error: options.error,
      notice: options.notice,
      email: options.email ?? '',
      next: safeNext(req.query.next ?? (req.body as Record<string, unknown> | undefined)?.next),
      csrfToken: deps.loginCsrf.issue(req, res),
    }, options.status ?? 200);

  const limited = (scope: 'ip' | 'account') => (req: Request, res: Response) => {
    logger.warn({ event: 'staff.sign_in_rate_limited', scope });
    showLogin(req, res, { status: 429, error: 'Too many sign-in attempts. Wait 15 minutes and try again.' });
  };
  const perIp = createRateLimit({ name: 'staff-login-ip', limit: LOGIN_LIMITS.perIp, windowMs: LOGIN_LIMITS.windowMs, redis: deps.redis, logger, onLimited: limited('ip') });
  // Keyed by a hash, so a shared Redis never holds staff email addresses.
  const perAccount = createRateLimit({
    name: 'staff-login-account',
    limit: LOGIN_LIMITS.perAccount,
    windowMs: LOGIN_LIMITS.windowMs,
    redis: deps.redis,
    logger,
    key: (req) => {
      const email = (req.body as Record<string, unknown> | undefined)?.email;
      return createHash('sha256').update(normaliseEmail(typeof email === 'string' ? email : '')).digest('hex');
    },
    onLimited: limited('account'),
  });
  const form = express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 10 });

  router.get('/admin/login', (req, res) => {
    if (currentStaff(res)?.via === 'web') return res.redirect(303, safeNext(req.query.next));
    const notice = req.query.expired ? 'You were signed out after a period without activity. Please sign in again.'
      : req.query.signedOut ? 'You are signed out.' : undefined;
    showLogin(req, res, { notice });
  });

  router.post('/admin/login', perIp, form, deps.loginCsrf.verify, perAccount, async (req, res) => {
    const body = req.body as Record<string, unknown>;
    const email = typeof body.email === 'string' ? body.email : '';
    const password = typeof body.password === 'string' ? body.password : '';
    const result = await deps.signIn.attempt({ email, password, ip: clientIp(req) });
    if (!result.ok) return showLogin(req, res, { status: 401, error: GENERIC_ERROR, email: email.slice(0, 254) });

    // A new session id at sign-in: an id planted before (session fixation) is worthless.
    await regenerate(req.session);
    const now = deps.clock.now().getTime();
    req.session.staffUserId = result.user.id;
    req.session.signedInAt = now;
    req.session.lastSeenAt = now;
    res.redirect(303, safeNext(body.next));
  });

  router.post('/admin/logout', form, verifyCsrf, async (req, res) => {
    const staff = currentStaff(res);
    if (staff) {
      await deps.audit.record({ actor: { staffUserId: staff.id, via: 'web', ip: clientIp(req) }, action: 'staff.signed_out' });
      logger.info({ event: 'staff.signed_out', staffUserId: staff.id });
    }
    await new Promise<void>((resolve, reject) => req.session.destroy((error: unknown) => (error ? reject(error) : resolve())));
    res.clearCookie(SESSION_COOKIE, { path: '/admin' });
    res.redirect(303, '/admin/login?signedOut=1');
  });

  return router;
}
