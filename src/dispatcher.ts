import type { Config } from './config/config';
import { createDispatcher, type Dispatcher } from './notifications/dispatcher';
import { createEmailContent } from './notifications/email-content';
import { createNotificationMetrics } from './notifications/notification-metrics';
import { createOutboxRepository } from './notifications/outbox-repository';
import type { Clock } from './platform/clock';
import type { Database } from './platform/database';
import type { Logger } from './platform/logger';
import type { Mailer } from './platform/mailer';
import type { Metrics } from './platform/metrics';

export interface DispatcherDeps {
  config: Config;
  db: Database;
  clock: Clock;
  logger: Logger;
  /** Where mail goes; the caller owns it and closes it at shutdown. */
  mailer: Mailer;
  /** The registry its counters join; the web process passes the one /metrics serves. */
  metrics: Metrics;
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
    content: createEmailContent({ db, config }),
    mailer,
    clock,
    officeHours: config.officeHours,
    logger,
    metrics: createNotificationMetrics(deps.metrics.registry, () => outbox.countPending()),
  });
}
