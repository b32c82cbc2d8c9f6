import 'dotenv/config';
import { ConfigError, loadConfig, type Config } from './config/config';
import { seedIfEmpty } from './content';
import { createDatabase, type Database } from './platform/database';
import { openDatabaseServer } from './platform/database-server';
import { createLogger, type Logger } from './platform/logger';
import { migrate } from './platform/migrations';
import { connectRedis, type Redis } from './platform/redis';

export interface Process {
  config: Config;
  logger: Logger;
  db: Database;
  connectionString: string;
  redis: Redis | undefined;
  /** Registers a shutdown step; steps run in reverse order of registration. */
  onShutdown(step: () => Promise<void>): void;
}

/**
 * What the web server and the worker share: configuration (one clear line
 * and exit 1 when invalid), the database (embedded or DATABASE_URL),
 * migrations, sample content, Redis, and a graceful shutdown on SIGTERM and
 * SIGINT that undoes it all in reverse, bounded by 10 s.
 */
export async function boot(name: string, start: (process: Process) => Promise<void>): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel).child({ process: name });
  const steps: Array<() => Promise<void>> = [];
  let stopping = false;

  const shutdown = async (reason: string, exitCode = 0) => {
    if (stopping) return;
    stopping = true;
    logger.info({ event: 'process.stopping', reason });
    setTimeout(() => process.exit(exitCode || 1), 10_000).unref();
    for (const step of steps.reverse()) {
      await step().catch((error: unknown) => logger.error({ event: 'process.shutdown_step_failed', err: error }));
    }
    logger.info({ event: 'process.stopped' });
    process.exit(exitCode);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));

  try {
    const databaseServer = await openDatabaseServer(config, logger);
    steps.push(() => databaseServer.stop());
    await migrate(databaseServer.connectionString, logger);
    const db = createDatabase(databaseServer.connectionString);
    steps.push(() => db.$disconnect());
    await seedIfEmpty(db, logger);
    const redis = config.redisUrl ? await connectRedis(config.redisUrl, logger) : undefined;
    if (redis) steps.push(async () => void (await redis.quit()));
    await start({ config, logger, db, connectionString: databaseServer.connectionString, redis, onShutdown: (step) => steps.push(step) });
  } catch (error) {
    logger.fatal({ event: 'process.start_failed', err: error }, error instanceof Error ? error.message : String(error));
    await shutdown('start_failed', 1);
  }
}
