import { readFileSync } from 'node:fs';
import express from 'express';

/**
 * The baseline for page scenarios: a bare Express 5 server answering with
 * bytes held in memory, the same bytes and Content-Type the app served. It is
 * the floor cost of "Node + Express + this response size" on this machine, so
 * app/baseline isolates what the app itself adds (database, rendering,
 * middleware). Run as its own process, like the app, by lib/baseline.ts.
 *
 * Env: PORT, HOST, BENCH_BODY_FILE (the bytes), BENCH_CONTENT_TYPE.
 */
const body = readFileSync(required('BENCH_BODY_FILE'));
const contentType = required('BENCH_CONTENT_TYPE');

const app = express();
app.disable('x-powered-by');
// res.send() computes an ETag as the app's does, so both pay for it.
app.get('/{*path}', (_req, res) => {
  res.set('Content-Type', contentType).send(body);
});

const server = app.listen(Number(required('PORT')), required('HOST'));
server.once('error', (error) => {
  process.stderr.write(`static-page-server: ${error.message}\n`);
  process.exit(1);
});
process.once('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeIdleConnections();
});
process.once('SIGINT', () => process.exit(0));

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    process.stderr.write(`static-page-server: ${name} is required\n`);
    process.exit(2);
  }
  return value;
}
