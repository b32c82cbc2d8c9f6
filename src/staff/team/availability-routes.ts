import express from 'express';
import type { AdvisorRepository } from '../../advisors';
import { errors } from '../../platform/errors';
import { wantsJson } from '../../platform/http-errors';
import type { Logger } from '../../platform/logger';
import type { AuditLog } from '../../audit';
import { clientIp, requireSession, requireStaff, safeNext, signedInStaff } from '../auth/authentication';
import { verifyCsrf } from '../auth/csrf';
import { recordAdvisorUpdate } from './advisor-audit';

/** The form's `available`: exactly `yes` or `no`; anything else (missing, repeated, `true`) is a 400. */
export function parseAvailable(value: unknown): boolean {
  if (value === 'yes') return true;
  if (value === 'no') return false;
  throw errors.invalidAvailability();
}

/**
 * POST /admin/me/availability (SPEC §10): each person says whether they are
 * taking leads, from the switch in the workspace header. A browser goes back
 * to the page it came from (`next`, same-site only); a script gets JSON.
 */
export function availabilityRouter(deps: { advisors: AdvisorRepository; audit: AuditLog; logger: Logger }): express.Router {
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 10 });

  router.post('/admin/me/availability', requireStaff, requireSession, form, verifyCsrf, async (req, res) => {
    const body = req.body as Record<string, unknown>;
    const available = parseAvailable(body.available);
    const staff = signedInStaff(res);
    const actor = { staffUserId: staff.id, via: 'web' as const, ip: clientIp(req) };
    const result = await deps.advisors.setAvailability(staff.id, available, (tx, update) => recordAdvisorUpdate(deps.audit, actor, update, tx));
    // A signed-in account exists and is enabled (authenticate checked both), unless it was disabled a moment ago.
    if (result.outcome === 'not_found') throw errors.notFound('Your account no longer exists.');
    if (result.outcome === 'disabled') throw errors.advisorDisabled();
    const changed = result.update.changed.length > 0;
    if (changed) deps.logger.info({ event: 'advisor.availability_changed', staffUserId: staff.id, available });

    if (wantsJson(req)) {
      res.json({ available, changed });
      return;
    }
    req.session.flash = available ? 'You are taking leads: new leads can be assigned to you.' : 'You are not taking leads: no new leads will be assigned to you.';
    res.redirect(303, safeNext(body.next));
  });

  return router;
}
