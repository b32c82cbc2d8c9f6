import express, { type Request, type Response } from 'express';
import { checkProgramCodes, type Advisor, type AdvisorRepository, type AdvisorUpdate } from '../../advisors';
import type { LeadRepository } from '../../leads';
import { errors, isAppError } from '../../platform/errors';
import { wantsJson } from '../../platform/http-errors';
import type { Logger } from '../../platform/logger';
import type { Program, ProgramRepository } from '../../programs';
import type { AuditLog } from '../../audit';
import { clientIp, requireAdmin, requireSession, requireStaff, signedInStaff } from '../auth/authentication';
import { verifyCsrf } from '../auth/csrf';
import { UUID_PATTERN } from '../leads/lead-filters';
import type { RenderStaffPage } from '../staff-pages';
import { recordAdvisorUpdate } from './advisor-audit';
import { parseAvailable } from './availability-routes';

export interface TeamRouteDeps {
  advisors: AdvisorRepository;
  programs: ProgramRepository;
  leads: LeadRepository;
  audit: AuditLog;
  logger: Logger;
  renderStaffPage: RenderStaffPage;
}

/** The checked `programs` boxes: none, one (a string) or several (an array); none = every program. */
function programsField(value: unknown): string[] {
  if (value === undefined) return [];
  const values = Array.isArray(value) ? value : [value];
  if (!values.every((code): code is string => typeof code === 'string')) throw errors.unknownPrograms(['?']);
  return values;
}

/**
 * GET /admin/team and POST /admin/team/:id (SPEC §10), for administrators:
 * every account with its availability, programs, last assignment and the
 * leads waiting for its first response; each row changes availability and
 * programs, audited with the administrator as the actor.
 */
export function teamRouter(deps: TeamRouteDeps): express.Router {
  const router = express.Router();
  // One field per program box, plus `available` and the CSRF token.
  const form = express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 200 });

  async function renderTeam(req: Request, res: Response, problem?: { advisorId: string; message: string }, status = 200) {
    const [advisors, programs, awaiting] = await Promise.all([deps.advisors.list(), deps.programs.listAll(), deps.leads.countAwaitingByAssignee()]);
    const names = new Map(programs.map((program) => [program.code, program.name]));
    deps.renderStaffPage(req, res, 'staff/team', {
      title: 'Team',
      section: 'team',
      advisors: advisors.map((advisor) => row(advisor, programs, names, awaiting.get(advisor.id) ?? 0)),
      problem,
      here: '/admin/team',
    }, status);
  }

  router.get('/admin/team', requireStaff, requireAdmin, (req, res) => renderTeam(req, res));

  router.post('/admin/team/:id', requireStaff, requireSession, requireAdmin, form, verifyCsrf, async (req, res) => {
    const id = String(req.params.id ?? '');
    if (!UUID_PATTERN.test(id)) throw errors.notFound('There is no staff account with this id.');
    const advisorId = id.toLowerCase();
    const body = req.body as Record<string, unknown>;
    const admin = signedInStaff(res);
    const actor = { staffUserId: admin.id, via: 'web' as const, ip: clientIp(req) };

    let update: AdvisorUpdate;
    try {
      const available = parseAvailable(body.available);
      const known = (await deps.programs.listAll()).map((program) => program.code);
      const checked = checkProgramCodes(programsField(body.programs), known);
      if (!checked.ok) throw errors.unknownPrograms(checked.unknown);
      const result = await deps.advisors.update(advisorId, { available, programs: checked.codes }, (tx, change) => recordAdvisorUpdate(deps.audit, actor, change, tx));
      if (result.outcome === 'not_found') throw errors.notFound('There is no staff account with this id.');
      if (result.outcome === 'disabled') throw errors.advisorDisabled();
      update = result.update;
    } catch (error) {
      if (!isAppError(error) || error.status !== 400 || wantsJson(req)) throw error;
      // The team page again, with the problem next to the row, rather than a bare error page.
      return renderTeam(req, res, { advisorId, message: error.message }, 400);
    }

    if (update.changed.length > 0) deps.logger.info({ event: 'advisor.updated', staffUserId: advisorId, changed: update.changed, by: admin.id });
    if (wantsJson(req)) {
      res.json({ id: advisorId, available: update.after.available, programs: update.after.programs, changed: update.changed });
      return;
    }
    req.session.flash = update.changed.length > 0 ? `Saved the changes for ${update.after.name}.` : `Nothing changed for ${update.after.name}.`;
    res.redirect(303, '/admin/team');
  });

  return router;
}

/** One table row: what the page shows, and the program boxes (active programs, and any inactive one the advisor still has). */
function row(advisor: Advisor, programs: Program[], names: Map<string, string>, awaiting: number) {
  const held = new Set(advisor.programs);
  return {
    ...advisor,
    enabled: !advisor.disabledAt,
    programNames: advisor.programs.map((code) => names.get(code) ?? code),
    awaiting,
    choices: programs
      .filter((program) => program.active || held.has(program.code))
      .map((program) => ({ code: program.code, label: `${program.name} (${program.level})${program.active ? '' : ', no longer offered'}`, checked: held.has(program.code) })),
  };
}
