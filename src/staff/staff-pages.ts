import type { Request, Response } from 'express';
import { formatOfficeTime, type OfficeHours } from '../office-hours';
import type { RenderPage } from '../platform/pages';
import { currentStaff } from './auth/authentication';
import { CSRF_FIELD, csrfToken } from './auth/csrf';

export type StaffSection = 'leads' | 'queue' | 'audit' | 'team' | 'dashboard' | 'insights' | 'webhooks' | 'login';

/**
 * Renders a staff page in the site's layout, adding what every staff page
 * needs: the signed-in person (for the navigation and the sign-out form),
 * the session's CSRF token, a one-time flash message, and time formatting
 * in the office's zone. Staff pages are never cached or indexed.
 */
export function createStaffPages(deps: { renderPage: RenderPage; officeHours: OfficeHours }) {
  const time = (at: Date | null | undefined) => (at ? formatOfficeTime(deps.officeHours, at) : '');

  return function renderStaffPage(req: Request, res: Response, template: string, data: Record<string, unknown>, status = 200): void {
    const flash = req.session?.flash;
    if (flash) delete req.session.flash;
    res.set('Cache-Control', 'no-store');
    res.set('X-Robots-Tag', 'noindex, nofollow');
    deps.renderPage(res, template, {
      ...data,
      staff: currentStaff(res) ?? null,
      // The login page brings its own token (login-csrf.ts): a visitor gets no session.
      csrf: { field: CSRF_FIELD, token: typeof data.csrfToken === 'string' ? data.csrfToken : csrfToken(req) },
      flash,
      time,
      // Where the availability switch in the header comes back to; a page shown for a POST passes its own.
      here: data.here ?? (req.method === 'GET' ? req.originalUrl : '/admin/leads'),
    }, status);
  };
}

export type RenderStaffPage = ReturnType<typeof createStaffPages>;
