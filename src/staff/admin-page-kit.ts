import express, { type Request, type RequestHandler, type Response } from 'express';
import type { AuditAction, AuditLog } from '../audit';
import { clientIp, requireAdmin, requireSession, requireStaff, signedInStaff } from './auth/authentication';
import { verifyCsrf } from './auth/csrf';
import type { RenderStaffPage, StaffSection } from './staff-pages';

/**
 * What the workspace lends an administrator's page that another capability
 * builds (its routes in that capability's http.ts, mounted by app.ts
 * through `staffWorkspace({ adminPages })`): the guards, the page layout,
 * the flash message and the audit log with the signed-in actor. The
 * capability never reaches into staff's modules.
 */
export interface AdminPageKit {
  /** For a GET: an administrator, signed in. */
  view: RequestHandler[];
  /** For a form POST: an administrator's session (not a token), the form body, and its CSRF token checked. */
  change: RequestHandler[];
  /** The staff layout; `section` marks the navigation link. */
  render: (req: Request, res: Response, template: string, data: Record<string, unknown> & { section: StaffSection }, status?: number) => void;
  /** The one-time message the next page shows. */
  flash: (req: Request, message: string) => void;
  /** An audit record with the signed-in administrator as the actor. */
  audit: (req: Request, res: Response, record: { action: AuditAction; leadId?: string | null; details?: Record<string, unknown> }) => Promise<void>;
}

export type AdminPage = (kit: AdminPageKit) => express.Router;

export function createAdminPageKit(deps: { audit: AuditLog; renderStaffPage: RenderStaffPage }): AdminPageKit {
  // Buttons carry only the CSRF token.
  const form = express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 10 });
  return {
    view: [requireStaff, requireAdmin],
    change: [requireStaff, requireSession, requireAdmin, form, verifyCsrf],
    render: deps.renderStaffPage,
    flash(req, message) {
      req.session.flash = message;
    },
    async audit(req, res, record) {
      const staff = signedInStaff(res);
      await deps.audit.record({ ...record, actor: { staffUserId: staff.id, via: staff.via, ip: clientIp(req) } });
    },
  };
}
