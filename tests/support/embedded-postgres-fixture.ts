/**
 * Runs one embedded PostgreSQL in its own node process, for tests that need to
 * kill that process or run it from another checkout.
 *
 *   node --import tsx tests/support/embedded-postgres-fixture.ts <dataDir>
 *
 * Prints one JSON line `{ port, connectionString }` on stdout once the server is
 * ready; log events go to stderr as JSON lines. SIGTERM stops the server and exits.
 */
import { startEmbeddedPostgres } from '../../src/platform/embedded-postgres';

async function main(): Promise<void> {
  const dataDir = process.argv[2];
  if (!dataDir) throw new Error('usage: embedded-postgres-fixture.ts <dataDir>');
  const server = await startEmbeddedPostgres({
    dataDir,
    log: (event, fields) => process.stderr.write(`${JSON.stringify({ event, ...fields })}\n`),
  });
  process.once('SIGTERM', () => {
    void server.stop().then(() => process.exit(0));
  });
  process.stdout.write(`${JSON.stringify({ port: server.port, connectionString: server.connectionString() })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
