import { Client } from 'pg';
import { withDatabase } from './global-setup';

let counter = 0;

/** A fresh, migrated database for one test file, copied from the run's template. */
export async function createTestDatabase(): Promise<{ connectionString: string; name: string; drop(): Promise<void> }> {
  const adminUrl = process.env.FRONTDESK_TEST_ADMIN_URL;
  const template = process.env.FRONTDESK_TEST_TEMPLATE;
  if (!adminUrl || !template) throw new Error('The test database is not set up: run the tests through jest (globalSetup).');
  const runPid = template.replace('frontdesk_template_', '');
  counter += 1;
  const name = `frontdesk_test_${runPid}_${process.env.JEST_WORKER_ID ?? '0'}_${process.pid}_${counter}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  await admin.end();
  return {
    name,
    connectionString: withDatabase(adminUrl, name),
    async drop() {
      const client = new Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

/** Runs `work` on a short-lived connection to `connectionString`, closed afterwards whatever happens. */
export async function withClient<T>(connectionString: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString });
  client.on('error', () => undefined); // a server going away mid-call fails the query; it must not crash the runner
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}
