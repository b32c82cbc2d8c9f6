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
import { createDeliveryRepository, createWebhookDispatcher, createWebhookMetrics, createWebhookSender, queueWebhookEvent, type SenderOptions, type WebhookDispatcher } from './webhooks';

export interface DispatcherDeps {
  config: Config;
  db: Database;
  clock: Clock;
  logger: Logger;
  /** Where mail goes; the caller owns it and closes it at shutdown. */
  mailer: Mailer;
  /** Where its counters go; the web process passes the registry /metrics serves. */
  registry: Registry;
  /** Tests only: a shorter webhook timeout, an injected name lookup or request. */
  webhookSender?: Omit<SenderOptions, 'allowPrivate'>;
}

/** The mail dispatcher and the webhook dispatcher, started and stopped together. */
export type Dispatchers = Dispatcher & { webhooks: WebhookDispatcher };

/**
 * The dispatchers from their dependencies: mail (the outbox) and webhooks,
 * each with its own loop. Apart from app.ts so the worker process never
 * loads the HTTP stack; server.ts builds both.
 */
export function buildDispatcher(deps: DispatcherDeps): Dispatchers {
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
    onReassigned: async (tx, change, at) => {
      await audit.recordInTransaction(tx, { actor: DISPATCHER_ACTOR, action: 'lead.reassigned', leadId: change.leadId, details: { from: change.from, to: change.to } });
      await queueWebhookEvent(tx, { type: 'lead.assigned', leadId: change.leadId, at });
    },
  });
  const webhooks = createWebhookDispatcher({
    deliveries: createDeliveryRepository(db),
    leadRecords: (ids) => leads.exportRecords(ids),
    sender: createWebhookSender({ ...deps.webhookSender, allowPrivate: config.webhookAllowPrivate }),
    clock,
    logger,
    metrics: createWebhookMetrics(deps.registry),
  });
  const mail = createDispatcher({
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
  return {
    ...mail,
    webhooks,
    start(options) {
      mail.start(options);
      webhooks.start(options);
    },
    async stop() {
      await Promise.all([mail.stop(), webhooks.stop()]);
    },
  };
}
