import { startEmbeddedPostgres } from './embedded-postgres';
import { StartupError } from './errors';
import type { Logger } from './logger';

export interface DatabaseServer {
  connectionString: string;
  /** Stops the embedded server; a no-op for an external one. */
  stop(): Promise<void>;
  embedded: boolean;
}

/** DATABASE_URL when set, otherwise a real PostgreSQL started from DATA_DIR. */
export async function openDatabaseServer(settings: { databaseUrl: string | undefined; dataDir: string }, logger: Logger): Promise<DatabaseServer> {
  if (settings.databaseUrl) return { connectionString: settings.databaseUrl, stop: async () => undefined, embedded: false };
  const server = await startEmbeddedPostgres({
    dataDir: settings.dataDir,
    // The server's own output is for debugging; lifecycle events are worth an info line.
    log: (event, fields) => (event === 'postgres.output' ? logger.debug({ event, ...fields }) : logger.info({ event, ...fields })),
  }).catch((error: unknown) => {
    // embedded-postgres.ts stands alone (it is tested as a lone file), so its one plain Error, already worded for the operator, is typed here.
    throw new StartupError('database_not_started', error instanceof Error ? error.message : String(error), { cause: error });
  });
  logger.info({ event: 'database.embedded_started', port: server.port });
  return { connectionString: server.connectionString(), stop: () => server.stop(), embedded: true };
}
