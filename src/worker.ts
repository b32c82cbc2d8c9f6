import { buildFrontdesk } from './app';
import { boot } from './boot';
import { systemClock } from './platform/clock';

/** `npm run worker`: the mail dispatcher alone, for web instances started with DISPATCHER=off. */
void boot('worker', async ({ config, logger, db, connectionString, redis, onShutdown }) => {
  const { dispatcher, mailer } = buildFrontdesk({ config, db, clock: systemClock, logger, redis });
  onShutdown(async () => mailer.close());
  dispatcher.start({ connectionString });
  onShutdown(() => dispatcher.stop());
  logger.info({ event: 'worker.started' }, 'Frontdesk dispatcher is running');
});
