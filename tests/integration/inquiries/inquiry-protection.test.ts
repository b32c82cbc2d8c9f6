import { randomInt } from 'node:crypto';
import pino from 'pino';
import request from 'supertest';
import { connectRedis, type Redis } from '../../../src/platform/redis';
import { startProxyFor, type TcpProxy } from '../../support/tcp-proxy';
import { json, openForm, postForm, postJson, validInquiry } from '../../support/inquiries';
import { createTestApp, type TestApp } from '../../support/test-app';

/** Each test speaks from its own made-up client address (TRUST_PROXY), so counters never collide, even in a shared Redis. */
const someIp = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

describe('Rate limit (in-process store)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { INQUIRY_RATE_LIMIT: '3/10m', TRUST_PROXY: '1' } });
  });
  afterAll(() => t.close());

  test('when one IP sends more than the limit across the form and the API, then the next is refused with 429 and Retry-After', async () => {
    const ip = someIp();
    const hidden = await openForm(t);
    await postForm(t, { ...hidden, ...validInquiry() }, { 'X-Forwarded-For': ip }).expect(303);
    await postJson(t, json(validInquiry()), { 'X-Forwarded-For': ip }).expect(201);
    await postJson(t, { firstName: '' }, { 'X-Forwarded-For': ip }).expect(422); // invalid ones count too

    const api = await postJson(t, json(validInquiry()), { 'X-Forwarded-For': ip }).expect(429);
    expect(api.body).toEqual({ error: 'rate_limited', message: expect.stringContaining('Please wait') });
    expect(Number(api.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(api.headers['retry-after'])).toBeLessThanOrEqual(600);

    const form = await postForm(t, { ...hidden, ...validInquiry() }, { 'X-Forwarded-For': ip }).expect(429);
    expect(form.text).toContain('Please wait a moment');
    expect(form.headers['retry-after']).toBeDefined();

    // Another visitor is unaffected.
    await postJson(t, json(validInquiry()), { 'X-Forwarded-For': someIp() }).expect(201);
    const metrics = await request(t.app).get('/metrics');
    expect(metrics.text).toContain('inquiries_total{result="rate_limited"} 2');
  });
});

// CI runs with REDIS_URL (.ci/run); on a machine without Redis this part is skipped, and says so.
const redisUrl = process.env.REDIS_URL;
const describeWithRedis = redisUrl ? describe : describe.skip;
if (!redisUrl) console.log('Rate limit through Redis: skipped, REDIS_URL is not set (CI sets it).');

describeWithRedis('Rate limit shared through Redis', () => {
  let first: TestApp;
  let second: TestApp;
  let redisA: Redis;
  let redisB: Redis;
  beforeAll(async () => {
    const silent = pino({ level: 'silent' });
    redisA = await connectRedis(redisUrl!, silent);
    redisB = await connectRedis(redisUrl!, silent);
    const env = { INQUIRY_RATE_LIMIT: '2/10m', TRUST_PROXY: '1', REDIS_URL: redisUrl! };
    first = await createTestApp({ env, redis: redisA });
    second = await createTestApp({ env, redis: redisB });
  });
  afterAll(async () => {
    await Promise.all([first.close(), second.close(), redisA.quit(), redisB.quit()]);
  });

  test('when one IP spreads its requests over two instances, then they share one limit', async () => {
    const ip = someIp();
    await postJson(first, json(validInquiry()), { 'X-Forwarded-For': ip }).expect(201);
    await postJson(second, json(validInquiry()), { 'X-Forwarded-For': ip }).expect(201);
    const refused = await postJson(first, json(validInquiry()), { 'X-Forwarded-For': ip }).expect(429);
    expect(refused.headers['retry-after']).toBeDefined();
    await postJson(second, json(validInquiry()), { 'X-Forwarded-For': ip }).expect(429);
  });

  test('when Redis is unreachable, then inquiries are answered at once and each instance counts on its own, and the shared count returns with Redis', async () => {
    const proxy = await startProxyFor(redisUrl!);
    const redis = await connectRedis(proxy.route(redisUrl!), pino({ level: 'silent' }));
    const logLines: string[] = [];
    const t = await createTestApp({ env: { INQUIRY_RATE_LIMIT: '1/10m', TRUST_PROXY: '1', REDIS_URL: redisUrl! }, redis, logLines });
    try {
      await postJson(t, json(validInquiry()), { 'X-Forwarded-For': someIp() }).expect(201); // Redis in use

      proxy.down();
      const ip = someIp();
      const began = Date.now();
      await postJson(t, json(validInquiry()), { 'X-Forwarded-For': ip }).expect(201);
      await postJson(t, json(validInquiry()), { 'X-Forwarded-For': ip }).expect(429); // counted in this process meanwhile
      expect(Date.now() - began).toBeLessThan(2_000);

      proxy.up();
      await waitFor(() => redis.isReady);
      t.clock.advance(1_100); // the store tries Redis again at most once a second
      const again = someIp();
      await postJson(t, json(validInquiry()), { 'X-Forwarded-For': again }).expect(201);
      await postJson(second, json(validInquiry()), { 'X-Forwarded-For': again }).expect(201); // its limit is 2
      await postJson(t, json(validInquiry()), { 'X-Forwarded-For': again }).expect(429); // 3 in the shared count: Redis again
      const events = logLines.map((line) => JSON.parse(line).event as string).filter((event) => event.startsWith('rate_limit.'));
      expect(events).toEqual(['rate_limit.redis_unavailable', 'rate_limit.redis_restored']);
    } finally {
      await t.close();
      await redis.quit().catch(() => undefined);
      await proxy.close();
    }
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for a condition');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('When the database is unavailable', () => {
  let t: TestApp;
  let proxy: TcpProxy;
  beforeAll(async () => {
    proxy = await startProxyFor();
    t = await createTestApp({ env: { INQUIRY_RATE_LIMIT: '1000/1m' }, connectionString: (real) => proxy.route(real) });
  });
  afterAll(async () => {
    await t.close();
    await proxy.close();
  });
  afterEach(() => proxy.up());

  test('when the database stops while the form is open, then the form answers 503 with every value and the phone number, and nothing is stored', async () => {
    const hidden = await openForm(t);
    const fields = validInquiry({ message: 'Do you have evening classes?' });
    proxy.down();
    const response = await postForm(t, { ...hidden, ...fields }).expect(503);
    expect(response.text).toContain('We could not save your question just now');
    expect(response.text).toContain('1-800-555-0199');
    expect(response.text).toContain(`value="${fields.email}"`);
    expect(response.text).toContain('Do you have evening classes?</textarea>');
    expect(response.text).toContain('<option value="HCA-BS" selected>');
    expect(response.headers['retry-after']).toBe('30');
    expect(response.text).not.toContain('Thank you');

    proxy.up();
    expect(await t.db.lead.count({ where: { email: fields.email as string } })).toBe(0);
    // Service resumes without a restart, and the same values go through.
    await postForm(t, { ...hidden, ...fields }).expect(303);
    expect(await t.db.lead.count({ where: { email: fields.email as string } })).toBe(1);
  });

  test('when the database is down, then the API answers 503 JSON and never 201', async () => {
    proxy.down();
    const fields = json(validInquiry());
    const response = await postJson(t, fields).expect(503);
    expect(response.body).toEqual({ error: 'service_unavailable', message: expect.any(String) });
    proxy.up();
    expect(await t.db.lead.count({ where: { email: fields.email } })).toBe(0);
    await postJson(t, fields).expect(201);
  });

  test('when the database is down, then /readyz says so, and follows it back up', async () => {
    proxy.down();
    await request(t.app).get('/readyz').expect(503);
    proxy.up();
    await request(t.app).get('/readyz').expect(200);
  });
});

describe('Logs', () => {
  test('when inquiries are accepted, refused and rate limited, then the log has one event each and no personal data', async () => {
    const lines: string[] = [];
    const t = await createTestApp({ env: { INQUIRY_RATE_LIMIT: '3/10m' }, logLines: lines });
    try {
      const accepted = json(validInquiry({ phone: '+1 415 555 0123', message: 'My secret question' }));
      await postJson(t, accepted).expect(201);
      await postJson(t, json(validInquiry({ email: 'broken-address', phone: '+1 415 555 0124' }))).expect(422);
      const hidden = await openForm(t);
      await postForm(t, { ...hidden, ...validInquiry({ website: 'x', email: 'bot@spam.example' }) }).expect(303);
      await postJson(t, json(validInquiry())).expect(429);

      const events = lines.map((line) => JSON.parse(line) as { event?: string }).map((entry) => entry.event).filter((event) => event?.startsWith('inquiry.'));
      expect(events).toEqual(['inquiry.accepted', 'inquiry.invalid', 'inquiry.spam', 'inquiry.rate_limited']);
      const log = lines.join('\n');
      for (const secret of [accepted.email, '4155550123', '+14155550123', 'My secret question', 'broken-address', '4155550124', 'bot@spam.example', 'Okafor']) {
        expect(log).not.toContain(secret);
      }
    } finally {
      await t.close();
    }
  });
});
