import http from 'node:http';
import { Client } from 'pg';
import pino from 'pino';
import { buildApp } from '/work/main/src/app';
import { loadConfig } from '/work/main/src/config/config';
import { ManualClock } from '/work/main/src/platform/clock';
import { createDatabase } from '/work/main/src/platform/database';
import { migrate } from '/work/main/src/platform/migrations';
import { seedIfEmpty } from '/work/main/src/content/seed';
import { createApiTokens } from '/work/main/src/staff/accounts/api-tokens';
import { createStaffUsers } from '/work/main/src/staff/accounts/staff-users';

async function main() {
  const admin = new Client({ connectionString: 'postgresql://postgres@127.0.0.1:5432/test' });
  await admin.connect();
  await admin.query('DROP DATABASE IF EXISTS dbg_export WITH (FORCE)');
  await admin.query('CREATE DATABASE dbg_export');
  await admin.end();
  const url = 'postgresql://postgres@127.0.0.1:5432/dbg_export';
  await migrate(url);
  const db = createDatabase(url);
  await seedIfEmpty(db);
  const c = new Client({ connectionString: url }); await c.connect();
  await c.query(`INSERT INTO leads (id, created_at, first_name, last_name, email, phone, program_code, message, status)
       SELECT (lpad(to_hex(1790000000000 + i), 12, '0') || '7' || substr(md5(i::text), 1, 3) || '8' || substr(md5(i::text), 4, 15))::uuid,
              to_timestamp((1790000000000 + i) / 1000.0), 'First' || i, 'Last', 'seed' || i || '@example.org', '+12125550147', 'HCA-BS',
              repeat('A question about enrolling. ', 8), 'new'
         FROM generate_series(1, 60000) AS i`);
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: url, DATA_DIR: '/tmp/dbg/data', SESSION_SECRET: 'x'.repeat(40), LOG_LEVEL: 'debug' });
  const user = await createStaffUsers(db).create({ email: 'a@b.test', name: 'A', role: 'admin', passwordHash: 'x', at: new Date() });
  const { token } = await createApiTokens(db).issue(user.id, 'l', new Date());
  const app = buildApp({ config, db, clock: new ManualClock('2026-11-30T15:00:00Z'), logger: pino({ level: 'debug' }) });
  const server = http.createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as any).port;
  const format = process.argv[2] ?? 'csv';
  const t0 = Date.now();
  http.get({ port, host: '127.0.0.1', path: `/admin/leads/export.${format}`, headers: { Authorization: `Bearer ${token}` } }, (res) => {
    console.log('status', res.statusCode, Date.now() - t0);
    res.once('data', async (chunk) => {
      console.log('first chunk', chunk.length, Date.now() - t0);
      res.pause();
      for (let i = 0; i < 10; i++) {
        const { rows } = await c.query(`SELECT pid, state, wait_event, left(query, 60) q FROM pg_stat_activity WHERE datname='dbg_export' AND pid <> pg_backend_pid()`);
        console.log(rows);
        await new Promise((r) => setTimeout(r, 300));
        if (i === 3) { console.log('destroying'); res.destroy(); }
      }
      process.exit(0);
    });
  });
}
main();
