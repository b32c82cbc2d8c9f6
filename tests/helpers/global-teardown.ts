import { rmSync } from 'node:fs';
import { Client } from 'pg';

interface Embedded {
  server: { stop(): Promise<void> };
  dataDir: string;
}

export default async function globalTeardown(): Promise<void> {
  const embedded = (globalThis as { __frontdeskEmbedded?: Embedded }).__frontdeskEmbedded;
  if (embedded) {
    await embedded.server.stop();
    rmSync(embedded.dataDir, { recursive: true, force: true, maxRetries: 5 });
    return;
  }
  // On a shared server, leave nothing behind.
  const admin = new Client({ connectionString: process.env.FRONTDESK_TEST_ADMIN_URL });
  await admin.connect();
  const { rows } = await admin.query<{ datname: string }>(
    `SELECT datname FROM pg_database WHERE datname LIKE $1 OR datname LIKE $2`,
    [`frontdesk_template_${process.pid}`, `frontdesk_test_${process.pid}_%`],
  );
  for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  await admin.end();
}
