import express from 'express';
import { errors, type ErrorIssue } from '../../platform/errors';
import { requireAdmin, requireStaff } from '../auth/authentication';
import { singleValue, UUID_PATTERN } from '../leads/lead-filters';
import { STATUS_LABELS, isLeadStatus } from '../../leads';
import type { RenderStaffPage } from '../staff-pages';
import { AUDIT_ACTION_LABELS, type AuditAction, type AuditEventView, type AuditLog } from '../../audit';

const PAGE_SIZE = 50;
const DETAIL_ORDER = ['from', 'to', 'format', 'filters', 'rows', 'completed', 'leads', 'reason'];
const rank = (key: string) => (DETAIL_ORDER.includes(key) ? DETAIL_ORDER.indexOf(key) : DETAIL_ORDER.length);

/** GET /admin/audit: the audit trail, newest first, for administrators only. */
export function auditRouter(deps: { audit: AuditLog; renderStaffPage: RenderStaffPage }): express.Router {
  const router = express.Router();

  router.get('/admin/audit', requireStaff, requireAdmin, async (req, res) => {
    const query = req.query as Record<string, unknown>;
    const issues: ErrorIssue[] = [];
    const before = singleValue(query, 'before', issues);
    const after = singleValue(query, 'after', issues);
    const action = singleValue(query, 'action', issues);
    for (const [name, value] of [['before', before], ['after', after]] as const) {
      if (value !== undefined && !UUID_PATTERN.test(value)) issues.push({ path: name, message: `${name} must be an audit record id.` });
    }
    if (action !== undefined && !(action in AUDIT_ACTION_LABELS)) issues.push({ path: 'action', message: 'Choose an action from the list.' });
    if (issues.length > 0) throw errors.invalidFilter(issues);

    const page = await deps.audit.list({ before, after, action, limit: PAGE_SIZE });
    const link = (extra: Record<string, string>) => `/admin/audit?${new URLSearchParams({ ...(action ? { action } : {}), ...extra }).toString()}`;
    deps.renderStaffPage(req, res, 'staff/audit', {
      title: 'Audit log',
      section: 'audit',
      action: action ?? '',
      actions: Object.entries(AUDIT_ACTION_LABELS).map(([value, label]) => ({ value, label })),
      events: page.events.map(describe),
      newerHref: page.newer && page.events[0] ? link({ after: page.events[0].id }) : undefined,
      olderHref: page.older && page.events.at(-1) ? link({ before: page.events.at(-1)!.id }) : undefined,
    });
  });

  return router;
}

/** One row of the table: the event's details as short "name: value" pairs, in words where it helps. */
function describe(event: AuditEventView) {
  const label = AUDIT_ACTION_LABELS[event.action as AuditAction] ?? event.action;
  const details: Array<{ name: string; value: string }> = [];
  // jsonb keeps keys in its own order; show the usual ones in reading order.
  const entries = Object.entries(event.details).sort(([a], [b]) => rank(a) - rank(b));
  for (const [name, value] of entries) {
    if (value === undefined || value === null) continue;
    if ((name === 'from' || name === 'to') && isLeadStatus(value)) details.push({ name, value: STATUS_LABELS[value] });
    else if (typeof value === 'object') {
      const parts = Object.entries(value as Record<string, unknown>).map(([key, inner]) => `${key}=${String(inner)}`);
      details.push({ name, value: parts.length > 0 ? parts.join(', ') : 'none' });
    } else details.push({ name, value: String(value) });
  }
  return { ...event, label, details };
}
