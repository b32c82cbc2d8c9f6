import { createScratchDatabase, openDatabaseServer } from '../../tests/support/scratch-database';
import { onCleanup } from './process';

/** A database that only this run uses, on a server the bench can reach itself. */
export interface ScratchDatabase {
  /** postgresql://… for the app (as DATABASE_URL), a baseline, or the bench process. */
  readonly connectionString: string;
  /** For the log: which database on which server. */
  readonly description: string;
  /** Drops the database (and stops an embedded server the bench started). Idempotent. */
  close(): Promise<void>;
}

/**
 * A fresh, empty database (tests/support/scratch-database.ts) on the server
 * at DATABASE_URL, or on an embedded PostgreSQL started for it, with its
 * clean-up registered for Ctrl-C.
 */
export async function openScratchDatabase(): Promise<ScratchDatabase> {
  const server = await openDatabaseServer({ label: 'frontdesk-bench-pg' });
  const unregisterServer = onCleanup(() => server.close());
  try {
    const database = await createScratchDatabase(server.adminUrl, { prefix: 'frontdesk_bench' });
    let closing: Promise<void> | undefined;
    const close = (): Promise<void> => (closing ??= database.drop().then(() => server.close()).finally(() => unregister()));
    const unregister = onCleanup(close);
    unregisterServer();
    return { connectionString: database.connectionString, description: `database ${database.name} on ${server.description}`, close };
  } catch (error) {
    unregisterServer();
    await server.close();
    throw error;
  }
}
