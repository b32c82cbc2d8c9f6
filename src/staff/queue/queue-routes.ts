import express from 'express';
import type { CallbackReads } from '../../callbacks';
import { officeDayBounds, type OfficeHours } from '../../office-hours';
import type { LeadRepository } from '../../leads';
import type { Clock } from '../../platform/clock';
import { requireStaff, signedInStaff } from '../auth/authentication';
import { readClock } from '../leads/response-clock';
import type { RenderStaffPage } from '../staff-pages';

/** More than a morning's work; a longer queue says so rather than growing the page without end. */
const QUEUE_LIMIT = 200;

/**
 * GET /admin/queue (SPEC §10 Workspace): what an advisor opens first thing,
 * the leads assigned to them that still wait for a first response, overdue
 * first, then by respondBy, each with the office time left or how late it is.
 * Below them, the calls booked with them for today, in time order.
 * Every signed-in person has one (an administrator advises too).
 */
export function queueRouter(deps: { leads: LeadRepository; calls: CallbackReads; officeHours: OfficeHours; clock: Clock; renderStaffPage: RenderStaffPage }): express.Router {
  const router = express.Router();

  router.get('/admin/queue', requireStaff, async (req, res) => {
    const staff = signedInStaff(res);
    const now = deps.clock.now();
    const awaiting = await deps.leads.awaitingResponse(staff.id, QUEUE_LIMIT + 1);
    const leads = awaiting.slice(0, QUEUE_LIMIT).map((lead) => ({
      ...lead,
      clock: lead.respondBy ? readClock(deps.officeHours, lead.respondBy, now) : null,
    }));
    const overdue = leads.filter((lead) => lead.clock?.overdue).length;
    // Their calls booked for today (office-local day), in time order (SPEC §10, §11).
    const today = officeDayBounds(deps.officeHours, now);
    const calls = await deps.calls.bookedFor(staff.id, today.start, today.end);
    deps.renderStaffPage(req, res, 'staff/queue', {
      title: 'My queue',
      section: 'queue',
      leads,
      overdue,
      calls,
      now,
      more: awaiting.length > QUEUE_LIMIT,
      limit: QUEUE_LIMIT,
    });
  });

  return router;
}
