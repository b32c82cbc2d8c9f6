import pino from 'pino';
import request from 'supertest';
import { buildApp } from '../../../src/app';
import { loadConfig } from '../../../src/config/config';
import { ManualClock } from '../../../src/platform/clock';
import { createDatabase } from '../../../src/platform/database';
import { createTestApp, type TestApp } from '../../support/test-app';

describe('Health, readiness and metrics', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  test('when the process runs, then /healthz answers 200', async () => {
    await request(t.app).get('/healthz').expect(200, { status: 'ok' });
  });

  test('when the database answers, then /readyz answers 200', async () => {
    await request(t.app).get('/readyz').expect(200, { status: 'ready', database: 'up' });
  });

  test('when pages have been served, then /metrics has process metrics and request durations by route pattern', async () => {
    await request(t.app).get('/articles/how-online-classes-work').expect(200);
    const response = await request(t.app).get('/metrics').expect(200);
    expect(response.headers['content-type']).toMatch(/text\/plain/);
    expect(response.text).toContain('process_cpu_seconds_total');
    expect(response.text).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/articles\/:slug",status="200"\} 1/);
  });
});

describe('Readiness without a database', () => {
  test('when the database does not answer, then /readyz answers 503 and pages answer 503, not 500', async () => {
    // Port 9 (discard) on loopback: nothing listens, so connections are refused at once.
    const db = createDatabase('postgresql://postgres@127.0.0.1:9/nothing');
    const config = loadConfig({ NODE_ENV: 'test', SESSION_SECRET: 'x'.repeat(32), DATA_DIR: '/tmp/frontdesk-unused' });
    const app = buildApp({ config, db, clock: new ManualClock('2026-11-30T15:00:00Z'), logger: pino({ level: 'silent' }) });
    try {
      await request(app).get('/readyz').expect(503, { status: 'unavailable', database: 'down' });
      const page = await request(app).get('/').expect(503);
      expect(page.text).toContain('1-800-555-0199');
      expect(page.headers['retry-after']).toBe('30');
      await request(app).get('/healthz').expect(200);
    } finally {
      await db.$disconnect();
    }
  });
});
