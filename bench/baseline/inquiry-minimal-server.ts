import express from 'express';
import { Pool } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { required, serveBaseline } from './serve-baseline';

/**
 * The inquiry scenario's second baseline: the least any inquiry endpoint must
 * do. A bare Express 5 server whose POST /api/inquiries stores the lead row
 * (id, time, names, email, phone, program) and one notification row for it
 * (admissions, due now) in one transaction, through a `pg` Pool of the app's
 * size (10), and answers 201 { id, status: 'new', notifyAdmissionsAt }.
 *
 * No consent record, no second notification, no validation, duplicate
 * look-up, lock, NOTIFY, metrics or logs: where inquiry-insert-server.ts
 * asks "what does the app's work cost on top of the app's own rows?", this
 * one asks "what does the app cost on top of storing an inquiry at all?".
 * Run as its own process by lib/baseline.ts.
 *
 * Env: PORT, HOST, DATABASE_URL. GET /healthz answers 200 once the pool can query.
 */
const SERVER = 'inquiry-minimal-server';
const databaseUrl = required('DATABASE_URL', SERVER);
const pool = new Pool({ connectionString: databaseUrl, max: 10, idleTimeoutMillis: 0 });
pool.on('error', (error) => process.stderr.write(`inquiry-minimal-server: idle client error: ${error.message}\n`));

const INSERT_LEAD = `INSERT INTO leads (id, created_at, first_name, last_name, email, phone, program_code)
  VALUES ($1, $2, $3, $4, $5, $6, $7)`;
const INSERT_NOTIFICATION = `INSERT INTO notifications (id, lead_id, kind, scheduled_at, next_attempt_at)
  VALUES ($1, $2, 'admissions', $3, $3)`;

const app = express();
app.disable('x-powered-by');

app.get('/healthz', async (_req, res) => {
  await pool.query('SELECT 1');
  res.send('ok');
});

app.post('/api/inquiries', express.json({ limit: '16kb' }), async (req, res) => {
  const body = (req.body ?? {}) as Record<string, unknown>;
  const text = (name: string) => (typeof body[name] === 'string' ? (body[name] as string) : null);
  const now = new Date();
  const id = uuidv7({ msecs: now.getTime() });
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(INSERT_LEAD, [id, now, text('firstName'), text('lastName'), text('email')?.toLowerCase(), text('phone'), text('program')]);
    await client.query(INSERT_NOTIFICATION, [uuidv7(), id, now]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
  res.status(201).json({ id, status: 'new', notifyAdmissionsAt: now.toISOString() });
});

serveBaseline(app, SERVER, () => pool.end());
