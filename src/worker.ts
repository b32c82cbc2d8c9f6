import { boot } from './boot';
import { buildDispatcher } from './dispatcher';
import { systemClock } from './platform/clock';
import { createMailer } from './platform/mailer';
import { createMetrics } from './platform/metrics';

/** `npm run worker`: the mail dispatcher alone, for web instances started with DISPATCHER=off. */
void boot('worker', async ({ config, logger, db, connectionString, onShutdown }) => {
  const mailer = createMailer({ smtpUrl: config.smtpUrl, dataDir: config.dataDir, logger });
  onShutdown(async () => mailer.close());
  // Nothing serves these in the worker; the registry keeps the dispatcher's wiring the same as the web process's.
  const dispatcher = buildDispatcher({ config, db, clock: systemClock, logger, mailer, metrics: createMetrics() });
  dispatcher.start({ connectionString });
  onShutdown(() => dispatcher.stop());
  logger.info({ event: 'worker.started' }, 'Frontdesk dispatcher is running');
});
