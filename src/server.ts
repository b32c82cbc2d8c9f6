import 'dotenv/config';
import type { Server } from 'node:http';
import { buildApp } from './app';
import { ConfigError, loadConfig } from './config/config';
import { seedIfEmpty } from './content/seed';
import { systemClock } from './platform/clock';
import { createDatabase } from './platform/database';
import { openDatabaseServer } from './platform/database-server';
import { createLogger } from './platform/logger';
import { migrate } from './platform/migrations';
import { connectRedis } from './platform/redis';

/**
 * Boot: configuration, database (embedded or external), migrations, sample
 * content, HTTP. Shutdown runs the same steps backwards.
 */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  const shutdownSteps: Array<() => Promise<void>> = [];
  let stopping = false;

  const shutdown = async (signal: string, exitCode = 0) => {
    if (stopping) return;
    stopping = true;
    logger.info({ event: 'server.stopping', signal });
    // Whatever happens, don't hang forever: a load balancer is waiting.
    setTimeout(() => process.exit(exitCode || 1), 10_000).unref();
    for (const step of shutdownSteps.reverse()) {
      await step().catch((error) => logger.error({ event: 'server.shutdown_step_failed', err: error }));
    }
    logger.info({ event: 'server.stopped' });
    process.exit(exitCode);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));

  try {
    const databaseServer = await openDatabaseServer(config, logger);
    shutdownSteps.push(() => databaseServer.stop());
    await migrate(databaseServer.connectionString, logger);
    const db = createDatabase(databaseServer.connectionString);
    shutdownSteps.push(() => db.$disconnect());
    await seedIfEmpty(db, logger);

    const redis = config.redisUrl ? await connectRedis(config.redisUrl, logger) : undefined;
    if (redis) shutdownSteps.push(async () => void (await redis.quit()));
    const app = buildApp({ config, db, clock: systemClock, logger, redis });
    const server: Server = app.listen(config.port, config.host);
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
    // Idle keep-alive sockets would hold server.close() open until they time out.
    shutdownSteps.push(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        }),
    );
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    logger.info({ event: 'server.listening', port, url: config.baseUrl }, `Frontdesk is serving ${config.baseUrl}`);
  } catch (error) {
    logger.fatal({ event: 'server.start_failed', err: error }, (error as Error)?.message ?? String(error));
    await shutdown('start_failed', 1);
  }
}

void main();
