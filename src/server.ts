import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createArticleViews } from './articles';
import { buildApp } from './app';
import { boot } from './boot';
import { buildDispatcher } from './dispatcher';
import { createDrain } from './health';
import { systemClock } from './platform/clock';
import { createMailer } from './platform/mailer';
import { createMetrics } from './platform/metrics';

/** `npm start`: the web app, and the mail dispatcher unless DISPATCHER=off. */
void boot('web', async ({ config, logger, db, connectionString, redis, onShutdown, onDrain }) => {
  const metrics = createMetrics();
  const mailer = createMailer({ smtpUrl: config.smtpUrl, dataDir: config.dataDir, logger });
  onShutdown(async () => mailer.close());
  // A client that trickles its request holds a connection: headers must be in
  // within 15 s and the whole request (an inquiry is a few KB) within 30 s, or
  // it gets 408. Node checks every 2 s (its default is 30 s). Responses, such
  // as a long export, are not limited by these.
  const server = createServer({ headersTimeout: 15_000, requestTimeout: 30_000, connectionsCheckingInterval: 2_000 });
  const drain = createDrain({ server, seconds: config.drainSeconds });
  // Views are counted in memory and written every 10 s; the last ones at shutdown,
  // after the drain has answered every request and before the database closes.
  const articleViews = createArticleViews({ db, clock: systemClock, timezone: config.officeHours.timezone, logger });
  articleViews.start();
  onShutdown(() => articleViews.stop());
  const app = buildApp({ config, db, databaseUrl: connectionString, clock: systemClock, logger, redis, metrics, drain, articleViews });
  server.on('request', app);
  // Built even when another process sends: /metrics still reports the outbox.
  const dispatcher = buildDispatcher({ config, db, clock: systemClock, logger, mailer, registry: metrics.registry });
  if (config.dispatcher) {
    dispatcher.start({ connectionString });
    // At the signal it stops claiming and finishes the pass in progress (a send completes),
    // while the server drains; the mailer and the database close only after both.
    onDrain(() => dispatcher.stop());
  }

  server.listen(config.port, config.host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  onDrain(async () => {
    logger.info({ event: 'server.draining', seconds: config.drainSeconds });
    await drain.drain();
    logger.info({ event: 'server.closed' });
  });
  const { port } = server.address() as AddressInfo;
  logger.info({ event: 'server.listening', port, url: config.baseUrl, dispatcher: config.dispatcher }, `Frontdesk is serving ${config.baseUrl}`);
});
