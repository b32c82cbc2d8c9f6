import { chmodSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../../src/platform/embedded-postgres';
import { migrate } from '../../src/platform/migrations';

/**
 * One PostgreSQL for the whole run: the server at DATABASE_URL when set,
 * otherwise an embedded one in a temp dir. Migrations run once into a
 * template database; each test file then gets its own copy (test-database.ts),
 * so files run in parallel without seeing each other's rows.
 */
export default async function globalSetup(): Promise<void> {
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'frontdesk-test-'));
    // mkdtemp makes it 0700: as root, PostgreSQL's own user could not enter it,
    // and the cluster would be relocated to /var/lib/frontdesk (and outlive the run).
    chmodSync(dataDir, 0o755);
    const server = await startEmbeddedPostgres({ dataDir });
    (globalThis as { __frontdeskEmbedded?: unknown }).__frontdeskEmbedded = { server, dataDir };
    adminUrl = server.connectionString('postgres');
  }
  const template = `frontdesk_template_${process.pid}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${template}`);
  await admin.query(`CREATE DATABASE ${template}`);
  await admin.end();
  await migrate(withDatabase(adminUrl, template));

  process.env.FRONTDESK_TEST_ADMIN_URL = adminUrl;
  process.env.FRONTDESK_TEST_TEMPLATE = template;
  // The app under test must never pick up the run's DATABASE_URL by accident.
  delete process.env.DATABASE_URL;
}

export function withDatabase(connectionString: string, database: string): string {
  const url = new URL(connectionString);
  url.pathname = `/${database}`;
  return url.toString();
}
