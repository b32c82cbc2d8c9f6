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
  /** Registers a shutdown step; steps run in reverse order of registration, after every drain step. */
  onShutdown(step: () => Promise<void>): void;
  /**
   * Registers a drain step: all start together at the signal (serve a while
   * longer, finish what is in flight, stop claiming work), and the shutdown
   * steps wait for all of them.
   */
  onDrain(step: () => Promise<void>): void;
}

/**
 * What the web server and the worker share: configuration (one clear line
 * and exit 1 when invalid), the database (embedded or DATABASE_URL),
 * migrations, sample content, Redis, and a graceful shutdown on SIGTERM and
 * SIGINT: the drain steps (DRAIN_SECONDS of serving, work in flight), then
 * the rest undone in reverse, bounded by DRAIN_SECONDS + 10 s.
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
  const drainSteps: Array<() => Promise<void>> = [];
  let stopping = false;

  const shutdown = async (reason: string, exitCode = 0) => {
    if (stopping) return;
    stopping = true;
    logger.info({ event: 'process.stopping', reason, drainSeconds: config.drainSeconds });
    setTimeout(() => process.exit(exitCode || 1), (config.drainSeconds + 10) * 1_000).unref();
    await Promise.all(
      drainSteps.map((step) => step().catch((error: unknown) => logger.error({ event: 'process.drain_step_failed', err: error }))),
    );
    for (const step of steps.reverse()) {
      await step().catch((error: unknown) => logger.error({ event: 'process.shutdown_step_failed', err: error }));
    }
    logger.info({ event: 'process.stopped' });
    process.exit(exitCode);
  };
  // A second SIGTERM or SIGINT (an impatient supervisor, a second Ctrl-C) must not
  // cut the drain short: requests would be reset. Only SIGKILL, which cannot be caught, does.
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) logger.info({ event: 'process.signal_ignored', signal });
    else void shutdown(signal);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);

  try {
    const databaseServer = await openDatabaseServer(config, logger);
    steps.push(() => databaseServer.stop());
    await migrate(databaseServer.connectionString, logger);
    const db = createDatabase(databaseServer.connectionString);
    steps.push(() => db.$disconnect());
    await seedIfEmpty(db, logger);
    const redis = config.redisUrl ? await connectRedis(config.redisUrl, logger) : undefined;
    if (redis) steps.push(async () => void (await redis.quit()));
    await start({ config, logger, db, connectionString: databaseServer.connectionString, redis, onShutdown: (step) => steps.push(step), onDrain: (step) => drainSteps.push(step) });
  } catch (error) {
    logger.fatal({ event: 'process.start_failed', err: error }, error instanceof Error ? error.message : String(error));
    await shutdown('start_failed', 1);
  }
}
