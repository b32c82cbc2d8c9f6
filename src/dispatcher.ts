import type { Registry } from 'prom-client';
import { createAdvisorAssignment } from './advisors';
import type { Config } from './config/config';
import { createLeadAssignment, createLeadRepository } from './leads';
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
    assignments: { states: (ids) => leadAssignment.states(ids) },
  });
}

