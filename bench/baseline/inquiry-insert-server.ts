import { createHash } from 'node:crypto';
import express from 'express';
import { Pool } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { required, serveBaseline } from './serve-baseline';

/**
 * The baseline for the inquiry scenario: a bare Express 5 server whose
 * POST /api/inquiries writes the rows the app writes for an accepted inquiry,
 * in one transaction, on the same database, through a `pg` Pool of the same
 * size as the app's Prisma pool (10):
 *   - one `leads` row (UUIDv7 id, names, email, phone, program, status 'new',
 *     article slug, utm_source),
 *   - its `consent_records` row (disclosure text, version, SHA-256, page URL,
 *     time, IP, user agent),
 *   - two `notifications` rows (admissions + autoreply, digest false, due now),
 * and answers 201 { id, status: 'new', notifyAdmissionsAt }.
 *
 * Deliberately nothing else: express.json() is the only parsing, there is no
 * validation, rate limit, origin check, duplicate lookup, advisory lock,
 * NOTIFY, metrics, logging or security headers. It is the floor cost of
 * "Node + Express + these inserts on this database"; app/baseline is what the
 * app's own work costs on top. Run as its own process by lib/baseline.ts.
 *
 * Env: PORT, HOST, DATABASE_URL. GET /healthz answers 200 once the pool can query.
 */
const SERVER = 'inquiry-insert-server';
const databaseUrl = required('DATABASE_URL', SERVER);
const pool = new Pool({
  connectionString: databaseUrl,
  max: 10,
  // Keep connections while idle: the scenario loads this server in two halves
  // around the app's run, and should not pay for reconnecting in the second.
  idleTimeoutMillis: 0,
});
pool.on('error', (error) => process.stderr.write(`inquiry-insert-server: idle client error: ${error.message}\n`));

// Same shape and length as the app's disclosure (src/inquiries/consent.ts).
const CONSENT_TEXT =
  'I agree that Frontdesk College may contact me by email, phone or text message about my inquiry and its programs. ' +
  'Consent is not a condition of enrollment, and I can withdraw it at any time.';
const CONSENT_VERSION = '2026-11-01';
const CONSENT_SHA256 = createHash('sha256').update(CONSENT_TEXT, 'utf8').digest('hex');

const INSERT_LEAD = `INSERT INTO leads (id, created_at, first_name, last_name, email, phone, program_code, status, article_slug, utm_source)
  VALUES ($1, $2, $3, $4, $5, $6, $7, 'new', $8, $9)`;
const INSERT_CONSENT = `INSERT INTO consent_records (lead_id, text, version, sha256, page_url, consented_at, ip, user_agent)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`;
const INSERT_NOTIFICATIONS = `INSERT INTO notifications (id, lead_id, kind, digest, scheduled_at, next_attempt_at)
  VALUES ($1, $3, 'admissions', false, $4, $4), ($2, $3, 'autoreply', false, $4, $4)`;

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
  const slug = text('article');
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(INSERT_LEAD, [id, now, text('firstName'), text('lastName'), text('email')?.toLowerCase(), text('phone'), text('program'), slug, text('utm_source')]);
    await client.query(INSERT_CONSENT, [
      id, CONSENT_TEXT, CONSENT_VERSION, CONSENT_SHA256, `http://${req.get('host') ?? 'localhost'}/articles/${slug ?? ''}`, now,
      req.ip ?? req.socket.remoteAddress ?? 'unknown', (req.get('user-agent') ?? '').slice(0, 512),
    ]);
    await client.query(INSERT_NOTIFICATIONS, [uuidv7(), uuidv7(), id, now]);
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
