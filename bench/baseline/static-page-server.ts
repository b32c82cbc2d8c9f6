import { readFileSync } from 'node:fs';
import express from 'express';
import { required, serveBaseline } from './serve-baseline';

/**
 * The baseline for page scenarios: a bare Express 5 server answering with
 * bytes held in memory, the same bytes and Content-Type the app served. It is
 * the floor cost of "Node + Express + this response size" on this machine, so
 * app/baseline isolates what the app itself adds (database, rendering,
 * middleware). Run as its own process, like the app, by lib/baseline.ts.
 *
 * Env: PORT, HOST, BENCH_BODY_FILE (the bytes), BENCH_CONTENT_TYPE.
 */
const SERVER = 'static-page-server';
const body = readFileSync(required('BENCH_BODY_FILE', SERVER));
const contentType = required('BENCH_CONTENT_TYPE', SERVER);

const app = express();
app.disable('x-powered-by');
// res.send() computes an ETag as the app's does, so both pay for it.
app.get('/{*path}', (_req, res) => {
  res.set('Content-Type', contentType).send(body);
});

serveBaseline(app, SERVER);
