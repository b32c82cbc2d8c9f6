import type { Registry } from 'prom-client';
import type { Config } from './config/config';
import { createLeadRepository } from './leads';
import { createDispatcher, createEmailContent, createNotificationMetrics, type Dispatcher } from './notifications';
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
  return createDispatcher({
    outbox,
    content: createEmailContent({ leads: createLeadRepository(db), config }),
    mailer,
    clock,
    officeHours: config.officeHours,
    logger,
    metrics: createNotificationMetrics(deps.registry, () => outbox.countPending()),
  });
}
