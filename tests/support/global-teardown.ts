import { withClient, type DatabaseServer } from './scratch-database';

export default async function globalTeardown(): Promise<void> {
  // On a shared server, leave nothing behind; an embedded one goes as a whole.
  const adminUrl = process.env.FRONTDESK_TEST_ADMIN_URL;
  if (adminUrl) {
    await withClient(adminUrl, async (admin) => {
      const { rows } = await admin.query<{ datname: string }>(
        `SELECT datname FROM pg_database WHERE datname LIKE $1 OR datname LIKE $2`,
        [`frontdesk_template_${process.pid}`, `frontdesk_test_${process.pid}_%`],
      );
      for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    });
  }
  await (globalThis as { __frontdeskServer?: DatabaseServer }).__frontdeskServer?.close();
}
