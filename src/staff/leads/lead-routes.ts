import type { CallbackReads } from '../../callbacks';
import express, { type Request, type Response } from 'express';
import type { OfficeHours } from '../../office-hours';
import type { Clock } from '../../platform/clock';
import type { Logger } from '../../platform/logger';
import { errors, isAppError, type ErrorIssue } from '../../platform/errors';
import { wantsJson } from '../../platform/http-errors';
import { clientIp, requireSession, requireStaff, signedInStaff } from '../auth/authentication';
import { verifyCsrf } from '../auth/csrf';
import type { AuditLog } from '../../audit';
import type { RenderStaffPage } from '../staff-pages';
import { FILTER_FIELDS, queryString, resolveLeadFilters, singleValue, UUID_PATTERN, type FilterEcho } from './lead-filters';
import { CONTACT_CHANNELS, CONTACT_OUTCOMES, educationLabel, isLeadStatus, LEAD_STATUSES, STATUS_LABELS, type LeadFilters, type LeadPage, type LeadRepository, type LeadStatusName, type PageCursor } from '../../leads';
import { queueWebhookEvent } from '../../webhooks';
import { CHANNEL_LABELS, OUTCOME_LABELS, parseContactForm, type ContactEcho } from './contact-form';
import { officeMinutes, readClock } from './response-clock';
import type { ResponseMetrics } from './response-metrics';
import type { Program, ProgramRepository } from '../../programs';

export interface LeadRouteDeps {
  leads: LeadRepository;
  /** The lead's call-back (SPEC §11), shown on its page. */
  calls: Pick<CallbackReads, 'ofLead'>;
  programs: ProgramRepository;
  audit: AuditLog;
  officeHours: OfficeHours;
  clock: Clock;
  logger: Logger;
  renderStaffPage: RenderStaffPage;
  /** A staff account's id by email address, for the `assignee` filter. */
  staffIdByEmail(email: string): Promise<string | null>;
  responseMetrics?: ResponseMetrics;
}

/** `:id` must look like a lead id before it reaches the database: anything else is simply not a lead. */
function leadId(req: Request): string {
  const id = String(req.params.id ?? '');
  if (!UUID_PATTERN.test(id)) throw errors.notFound('There is no lead with this id.');
  return id.toLowerCase();
}

function parseCursor(query: Record<string, unknown>): PageCursor {
  const issues: ErrorIssue[] = [];
  const after = singleValue(query, 'after', issues);
  const before = singleValue(query, 'before', issues);
  for (const [name, value] of [['after', after], ['before', before]] as const) {
    if (value !== undefined && !UUID_PATTERN.test(value)) issues.push({ path: name, message: `${name} must be a lead id.` });
  }
  if (after && before) issues.push({ path: 'before', message: 'Give after or before, not both.' });
  if (issues.length > 0) throw errors.invalidFilter(issues);
  return { after: after?.toLowerCase(), before: before?.toLowerCase() };
}

export function leadRouter(deps: LeadRouteDeps): express.Router {
  const router = express.Router();
  const { leads, renderStaffPage } = deps;
  const form = express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 10 });

  const filterContext = (res: Response) => ({
    timezone: deps.officeHours.timezone,
    now: deps.clock.now(),
    me: signedInStaff(res).id,
    staffIdByEmail: deps.staffIdByEmail,
  });

  router.get('/admin', requireStaff, (_req, res) => res.redirect(303, '/admin/leads'));

  router.get('/admin/leads', requireStaff, async (req, res) => {
    const query = req.query as Record<string, unknown>;
    const programs = await deps.programs.listAll();
    let parsed: { filters: LeadFilters; echo: FilterEcho };
    let cursor: PageCursor;
    try {
      parsed = await resolveLeadFilters(query, filterContext(res));
      cursor = parseCursor(query);
    } catch (error) {
      if (!isAppError(error) || error.code !== errors.invalidFilter.code) throw error;
      // The filter form again, with what was wrong, rather than a bare error page.
      return renderList(req, res, { programs, issues: error.issues ?? [], echo: echoOf(query) }, 400);
    }
    const [page, counts] = await Promise.all([leads.list(parsed.filters, cursor), leads.countByStatus(parsed.filters)]);
    renderList(req, res, { programs, issues: [], echo: parsed.echo, page, counts, statuses: parsed.filters.statuses });
  });

  function renderList(
    req: Request,
    res: Response,
    model: {
      programs: Program[];
      issues: ErrorIssue[];
      echo: FilterEcho;
      page?: LeadPage;
      counts?: Partial<Record<LeadStatusName, number>>;
      statuses?: string[];
    },
    status = 200,
  ) {
    const { echo } = model;
    const programNames = new Map(model.programs.map((program) => [program.code, `${program.name} (${program.level})`]));
    const counts = model.counts ?? {};
    const withoutStatus = { ...echo, status: undefined };
    renderStaffPage(req, res, 'staff/leads', {
      title: 'Leads',
      section: 'leads',
      echo,
      issues: model.issues,
      programs: model.programs,
      statuses: LEAD_STATUSES.map((value) => ({ value, label: STATUS_LABELS[value] })),
      statusTabs: [
        { label: 'All but spam', href: `/admin/leads${queryString(withoutStatus)}`, count: LEAD_STATUSES.filter((value) => value !== 'spam').reduce((sum, value) => sum + (counts[value] ?? 0), 0), current: !echo.status },
        ...LEAD_STATUSES.map((value) => ({ label: STATUS_LABELS[value], href: `/admin/leads${queryString({ ...withoutStatus, status: value })}`, count: counts[value] ?? 0, current: echo.status === value })),
      ],
      leads: (model.page?.leads ?? []).map((lead) => ({ ...lead, programName: programNames.get(lead.programCode) ?? lead.programCode, statusLabel: STATUS_LABELS[lead.status] })),
      ready: Boolean(model.page),
      newerHref: model.page?.newer ? `/admin/leads${queryString(echo, { before: model.page.newer })}` : undefined,
      olderHref: model.page?.older ? `/admin/leads${queryString(echo, { after: model.page.older })}` : undefined,
      exports: {
        csv: `/admin/leads/export.csv${queryString(echo)}`,
        excel: `/admin/leads/export.csv${queryString(echo, { bom: '1' })}`,
        ndjson: `/admin/leads/export.ndjson${queryString(echo)}`,
      },
    }, status);
  }

  router.get('/admin/leads/:id', requireStaff, async (req, res) => {
    await renderLead(req, res, leadId(req));
  });

  /** The lead page; with `contactForm`, the contact form comes back with what was typed and what was wrong. */
  async function renderLead(req: Request, res: Response, id: string, contactForm?: { issues: ErrorIssue[]; echo: ContactEcho }, status = 200) {
    const lead = await leads.find(id);
    if (!lead) throw errors.notFound('There is no lead with this id. It may have been erased.');
    const [events, contacts, call] = await Promise.all([deps.audit.forLead(id), leads.contacts(id), deps.calls.ofLead(id)]);
    const history = events.filter((event) => event.action === 'lead.status_changed');
    const now = deps.clock.now();
    const awaiting = !lead.firstResponseAt && lead.status === 'new';
    renderStaffPage(req, res, 'staff/lead', {
      title: `${lead.firstName} ${lead.lastName}`,
      section: 'leads',
      lead,
      statusLabel: STATUS_LABELS[lead.status],
      educationLabel: educationLabel(lead.educationLevel),
      statuses: LEAD_STATUSES.map((value) => ({ value, label: STATUS_LABELS[value] })),
      history: history.map((event) => ({
        ...event,
        from: isLeadStatus(event.details.from) ? STATUS_LABELS[event.details.from] : String(event.details.from ?? ''),
        to: isLeadStatus(event.details.to) ? STATUS_LABELS[event.details.to] : String(event.details.to ?? ''),
      })),
      response: {
        advisor: lead.assignedTo ? lead.assignedTo.name : null,
        respondBy: lead.respondBy,
        // Time left or lateness only while an answer is still owed.
        clock: lead.respondBy && awaiting ? readClock(deps.officeHours, lead.respondBy, now) : null,
        firstResponseAt: lead.firstResponseAt,
        responseTime: lead.responseSeconds === null ? null : officeMinutes(lead.responseSeconds),
        responseSeconds: lead.responseSeconds,
      },
      call,
      contacts: contacts.map((contact) => ({ ...contact, channelLabel: CHANNEL_LABELS[contact.channel], outcomeLabel: OUTCOME_LABELS[contact.outcome] })),
      channels: CONTACT_CHANNELS.map((value) => ({ value, label: CHANNEL_LABELS[value] })),
      outcomes: CONTACT_OUTCOMES.map((value) => ({ value, label: OUTCOME_LABELS[value] })),
      contactIssues: contactForm?.issues ?? [],
      contactEcho: contactForm?.echo ?? { channel: '', outcome: '', note: '' },
    }, status);
  }

  router.post('/admin/leads/:id/contacts', requireStaff, requireSession, form, verifyCsrf, async (req, res) => {
    const id = leadId(req);
    const parsed = parseContactForm(req.body);
    if (!parsed.ok) {
      if (!wantsJson(req)) return renderLead(req, res, id, { issues: parsed.issues, echo: parsed.echo }, 400);
      if (!(await leads.find(id))) throw errors.notFound('There is no lead with this id. It may have been erased.');
      throw errors.invalidContact(parsed.issues);
    }
    const staff = signedInStaff(res);
    const actor = { staffUserId: staff.id, via: 'web' as const, ip: clientIp(req) };
    const { channel, outcome, note } = parsed.fields;
    const logged = await leads.contactTransaction(async (tx) => {
      const contact = await leads.logContact(tx, { leadId: id, staffUserId: staff.id, at: deps.clock.now(), channel, outcome, note, officeHours: deps.officeHours });
      if (!contact) return null;
      if (contact.firstResponse) await queueWebhookEvent(tx, { type: 'lead.first_response', leadId: id, at: contact.firstResponse.at });
      // The note stays on the lead: the audit trail carries no personal data.
      await deps.audit.record({
        actor,
        action: 'lead.contacted',
        leadId: id,
        details: { contactId: contact.id, channel, outcome, firstResponse: Boolean(contact.firstResponse), ...(contact.firstResponse ? { responseSeconds: contact.firstResponse.responseSeconds } : {}) },
      }, tx);
      return contact;
    });
    if (!logged) throw errors.notFound('There is no lead with this id. It may have been erased.');
    if (logged.firstResponse) deps.responseMetrics?.responded(logged.firstResponse.responseSeconds);
    deps.logger.info({ event: 'lead.contacted', leadId: id, channel, outcome, firstResponse: Boolean(logged.firstResponse), staffUserId: staff.id });
    req.session.flash = `Contact logged: ${CHANNEL_LABELS[channel]}, ${OUTCOME_LABELS[outcome].toLowerCase()}.`;
    res.redirect(303, `/admin/leads/${id}`);
  });

  router.get('/admin/leads/:id/consent', requireStaff, async (req, res) => {
    const record = await leads.consent(leadId(req));
    if (!record) throw errors.notFound('There is no consent record for this lead id.');
    res.set('Cache-Control', 'no-store');
    res.json({
      text: record.text,
      version: record.version,
      sha256: record.sha256,
      pageUrl: record.pageUrl,
      consentedAt: record.consentedAt.toISOString(),
      ip: record.ip,
      userAgent: record.userAgent,
    });
  });

  router.post('/admin/leads/:id/status', requireStaff, requireSession, form, verifyCsrf, async (req, res) => {
    const id = leadId(req);
    const status = (req.body as Record<string, unknown>).status;
    if (!isLeadStatus(status)) {
      throw errors.invalidStatus(LEAD_STATUSES);
    }
    const staff = signedInStaff(res);
    const actor = { staffUserId: staff.id, via: 'web' as const, ip: clientIp(req) };
    const result = await leads.changeStatus(
      id,
      status,
      async (tx, change) => {
        await deps.audit.record({ actor, action: 'lead.status_changed', leadId: id, details: { from: change.from, to: change.to } }, tx);
        const at = deps.clock.now();
        await queueWebhookEvent(tx, { type: 'lead.status_changed', leadId: id, at, extra: { status: change.to, previousStatus: change.from } });
        if (change.firstResponse) await queueWebhookEvent(tx, { type: 'lead.first_response', leadId: id, at: change.firstResponse.at });
      },
      { at: deps.clock.now(), officeHours: deps.officeHours },
    );
    if (!result) throw errors.notFound('There is no lead with this id. It may have been erased.');
    if (result.firstResponse) deps.responseMetrics?.responded(result.firstResponse.responseSeconds);
    if (result.changed) deps.logger.info({ event: 'lead.status_changed', leadId: id, from: result.from, to: result.to, staffUserId: staff.id });
    req.session.flash = result.changed ? `Status changed from ${STATUS_LABELS[result.from]} to ${STATUS_LABELS[result.to]}.` : `Status is already ${STATUS_LABELS[result.to]}.`;
    res.redirect(303, `/admin/leads/${id}`);
  });

  return router;
}

/** The raw filter values to show again in the form when they could not be used. */
function echoOf(query: Record<string, unknown>): FilterEcho {
  const echo: FilterEcho = {};
  for (const name of FILTER_FIELDS) {
    const value = query[name];
    if (typeof value === 'string') echo[name] = value.slice(0, 200);
  }
  return echo;
}
