import { Registry } from 'prom-client';
import { boot } from './boot';
import { buildDispatcher } from './dispatcher';
import { systemClock } from './platform/clock';
import { createMailer } from './platform/mailer';

/** `npm run worker`: the mail dispatcher alone, for web instances started with DISPATCHER=off. */
void boot('worker', async ({ config, logger, db, connectionString, onShutdown, onDrain }) => {
  const mailer = createMailer({ smtpUrl: config.smtpUrl, dataDir: config.dataDir, logger });
  onShutdown(async () => mailer.close());
  // Nothing serves /metrics here: the dispatcher's counters go to a registry of their own.
  const dispatcher = buildDispatcher({ config, db, clock: systemClock, logger, mailer, registry: new Registry() });
  dispatcher.start({ connectionString });
  // No HTTP to drain: at the signal it stops claiming, finishes the pass in progress, and the process exits.
  onDrain(() => dispatcher.stop());
  logger.info({ event: 'worker.started' }, 'Frontdesk dispatcher is running');
});
