import type { Registry } from 'prom-client';
import { createAdvisorAssignment } from './advisors';
import { createAuditLog, DISPATCHER_ACTOR } from './audit';
import { createCallMail, createCallTokens } from './callbacks';
import type { Config } from './config/config';
import { createLeadAssignment, createLeadCallees, createLeadRepository } from './leads';
import { createDispatcher, createEmailContent, createLeadRouting, createNotificationMetrics, type Dispatcher } from './notifications';
import { createOutboxRepository } from './outbox';
import type { Clock } from './platform/clock';
import type { Database } from './platform/database';
import type { Logger } from './platform/logger';
import type { Mailer } from './platform/mailer';

export interface DispatcherDeps {
  config: Config;
  db: Database;
  clock: Clock;
  logger: Logger;
  /** Where mail goes; the caller owns it and closes it at shutdown. */
  mailer: Mailer;
  /** Where its counters go; the web process passes the registry /metrics serves. */
  registry: Registry;
}

/**
 * The mail dispatcher from its dependencies. Apart from app.ts so the worker
 * process never loads the HTTP stack; server.ts builds both.
 */
export function buildDispatcher(deps: DispatcherDeps): Dispatcher {
  const { config, db, clock, logger, mailer } = deps;
  const outbox = createOutboxRepository(db);
  const leads = createLeadRepository(db);
  const leadAssignment = createLeadAssignment(db);
  const advisors = createAdvisorAssignment();
  const audit = createAuditLog({ db, clock });
  const advisorsOf = async (leadIds: string[]) => {
    const states = await leadAssignment.states(leadIds);
    const contacts = await advisors.contacts(db.pool, [...states.values()].flatMap((lead) => (lead.assignedToId ? [lead.assignedToId] : [])));
    return new Map([...states.values()].flatMap((lead) => {
      const advisor = lead.assignedToId ? contacts.get(lead.assignedToId) : undefined;
      return advisor ? [[lead.id, advisor] as const] : [];
    }));
  };
  const routing = createLeadRouting({
    leads: leadAssignment,
    advisors,
    outbox,
    transaction: leads.transaction,
    clock,
    officeHours: config.officeHours,
    routing: config.routing,
    escalation: config.escalation,
    responseTargetMs: config.responseTargetMs,
    // SPEC §8: by the lead's id, no personal data; nobody acted, the dispatcher did.
    onReassigned: (tx, change) => audit.recordInTransaction(tx, { actor: DISPATCHER_ACTOR, action: 'lead.reassigned', leadId: change.leadId, details: { from: change.from, to: change.to } }),
  });
  return createDispatcher({
    outbox,
    content: createEmailContent({ leads, config, advisorsOf }),
    mailer,
    clock,
    officeHours: config.officeHours,
    logger,
    metrics: createNotificationMetrics(deps.registry, () => outbox.countPending()),
    routing,
    assignments: { states: (ids) => leadAssignment.states(ids), advisors: (ids) => advisors.contacts(db.pool, ids) },
    // Queued call mail is still sent with CALLBACKS=off: it was promised before the switch.
    calls: createCallMail({
      db,
      officeHours: config.officeHours,
      siteName: config.siteName,
      admissionsPhone: config.admissionsPhone,
      baseUrl: config.baseUrl,
      mailFrom: config.mailFrom,
      admissionsEmail: config.admissionsEmail,
      callees: createLeadCallees(db),
      advisors,
      tokens: createCallTokens(config.sessionSecret),
    }),
  });
}
