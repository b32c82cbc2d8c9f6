import { migrate } from '../../src/platform/migrations';
import { openDatabaseServer, withClient, withDatabase, type DatabaseServer } from './scratch-database';

/**
 * One PostgreSQL for the whole run: the server at DATABASE_URL when set,
 * otherwise an embedded one in a temp dir. Migrations run once into a
 * template database; each test file then gets its own copy (scratch-database.ts),
 * so files run in parallel without seeing each other's rows.
 */
export default async function globalSetup(): Promise<void> {
  const server = await openDatabaseServer({ label: 'frontdesk-test' });
  (globalThis as { __frontdeskServer?: DatabaseServer }).__frontdeskServer = server;
  const adminUrl = server.adminUrl;
  const template = `frontdesk_template_${process.pid}`;
  await withClient(adminUrl, async (admin) => {
    await admin.query(`DROP DATABASE IF EXISTS ${template}`);
    await admin.query(`CREATE DATABASE ${template}`);
  });
  await migrate(withDatabase(adminUrl, template));

  process.env.FRONTDESK_TEST_ADMIN_URL = adminUrl;
  process.env.FRONTDESK_TEST_TEMPLATE = template;
  // The app under test must never pick up the run's DATABASE_URL by accident.
  delete process.env.DATABASE_URL;
}
