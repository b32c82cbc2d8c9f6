import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildApp } from './app';
import { boot } from './boot';
import { buildDispatcher } from './dispatcher';
import { systemClock } from './platform/clock';
import { createMailer } from './platform/mailer';
import { createMetrics } from './platform/metrics';

/** `npm start`: the web app, and the mail dispatcher unless DISPATCHER=off. */
void boot('web', async ({ config, logger, db, connectionString, redis, onShutdown }) => {
  const metrics = createMetrics();
  const mailer = createMailer({ smtpUrl: config.smtpUrl, dataDir: config.dataDir, logger });
  onShutdown(async () => mailer.close());
  const app = buildApp({ config, db, databaseUrl: connectionString, clock: systemClock, logger, redis, metrics });
  // Built even when another process sends: /metrics still reports the outbox.
  const dispatcher = buildDispatcher({ config, db, clock: systemClock, logger, mailer, registry: metrics.registry });
  if (config.dispatcher) {
    dispatcher.start({ connectionString });
    // Stopped after the HTTP server (steps run in reverse): a send in progress completes.
    onShutdown(() => dispatcher.stop());
  }

  // A client that trickles its request holds a connection: headers must be in
  // within 15 s and the whole request (an inquiry is a few KB) within 30 s, or
  // it gets 408. Node checks every 2 s (its default is 30 s). Responses, such
  // as a long export, are not limited by these.
  const server = createServer({ headersTimeout: 15_000, requestTimeout: 30_000, connectionsCheckingInterval: 2_000 }, app);
  server.listen(config.port, config.host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  onShutdown(
    () =>
      new Promise<void>((resolve) => {
        // Stop accepting, let requests in flight finish; idle keep-alive sockets would hold close() open.
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  );
  const { port } = server.address() as AddressInfo;
  logger.info({ event: 'server.listening', port, url: config.baseUrl, dispatcher: config.dispatcher }, `Frontdesk is serving ${config.baseUrl}`);
});
