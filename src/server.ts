import type { AddressInfo } from 'node:net';
import { buildFrontdesk } from './app';
import { boot } from './boot';
import { systemClock } from './platform/clock';

/** `npm start`: the web app, and the mail dispatcher unless DISPATCHER=off. */
void boot('web', async ({ config, logger, db, connectionString, redis, onShutdown }) => {
  const { app, dispatcher, mailer } = buildFrontdesk({ config, db, databaseUrl: connectionString, clock: systemClock, logger, redis });
  onShutdown(async () => mailer.close());
  if (config.dispatcher) {
    dispatcher.start({ connectionString });
    // Stopped after the HTTP server (steps run in reverse): a send in progress completes.
    onShutdown(() => dispatcher.stop());
  }

  const server = app.listen(config.port, config.host);
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
