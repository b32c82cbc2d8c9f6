import { readFileSync } from 'node:fs';
import { Client } from 'pg';
import { migrate } from '../src/platform/migrations';
import { seedIfEmpty } from '../src/content/seed';
import { createDatabase } from '../src/platform/database';
async function main() {
  const admin = new Client({ connectionString: 'postgresql://postgres@127.0.0.1:5432/test' });
  await admin.connect();
  await admin.query('DROP DATABASE IF EXISTS dbg_export WITH (FORCE)');
  await admin.query('CREATE DATABASE dbg_export');
  await admin.end();
  const url = 'postgresql://postgres@127.0.0.1:5432/dbg_export';
  await migrate(url);
  const db = createDatabase(url); await seedIfEmpty(db); await db.$disconnect();
  const source = readFileSync('bench/scenarios/export.ts', 'utf8');
  const sql = /`(WITH inserted AS \([\s\S]*?FROM inserted)`/.exec(source)![1]!;
  const c = new Client({ connectionString: url }); await c.connect();
  await c.query(sql, [0, 1000000]);
  await c.query('VACUUM (ANALYZE) leads, consent_records');
  await c.end();
}
main();
