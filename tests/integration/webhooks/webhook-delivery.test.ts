import pino from 'pino';
import { Registry } from 'prom-client';
import request from 'supertest';
import { buildDispatcher } from '../../../src/dispatcher';
import { createMailer } from '../../../src/platform/mailer';
import { createDeliveryRepository, createWebhookDispatcher, createWebhookMetrics, createWebhookSender, RETRY_DELAYS_MS, WEBHOOK_TIMEOUT_MS } from '../../../src/webhooks';
import { createLeadRepository, EXPORT_KEYS } from '../../../src/leads';
import { json, postJson, validInquiry } from '../../support/inquiries';
import { createTestApp, OPEN_MONDAY, type TestApp } from '../../support/test-app';
import { startWebhookReceiver, type WebhookReceiver } from '../../support/webhook-receiver';
import { addEndpoint, verify } from './webhook-support';

/** Fast enough for a test, long enough for a loopback answer on a busy machine. */
const TEST_TIMEOUT_MS = 1_500;

describe('Webhook delivery (SPEC §13)', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    t = await createTestApp({ env: { WEBHOOK_ALLOW_PRIVATE: 'on', INQUIRY_RATE_LIMIT: '100000/1m' }, webhookSender: { timeoutMs: TEST_TIMEOUT_MS } });
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });
  beforeEach(async () => {
    receiver.reset();
    t.clock.set(OPEN_MONDAY);
    await t.db.webhookEndpoint.deleteMany();
  });

  async function postLead(overrides: Record<string, unknown> = {}): Promise<string> {
    const { body } = await postJson(t, json(validInquiry(overrides))).expect(201);
    return body.id as string;
  }
  const delivery = (leadId: string) => t.db.webhookDelivery.findFirstOrThrow({ where: { leadId } });

  test('when a lead is stored and an endpoint takes lead.created, then it receives one POST signed per Standard Webhooks with the lead under the export keys', async () => {
    const { secret } = await addEndpoint(t, receiver.url(), ['lead.created']);
    const leadId = await postLead();

    expect(await t.dispatcher.webhooks.runOnce()).toEqual({ delivered: 1, retried: 0, failed: 0 });

    expect(receiver.received).toHaveLength(1);
    const [hook] = receiver.received;
    expect(hook!.headers['content-type']).toBe('application/json');
    expect(hook!.headers['webhook-timestamp']).toBe(String(Math.floor(t.clock.now().getTime() / 1000)));
    const body = verify(secret, hook!, t.clock.now());
    expect(body.type).toBe('lead.created');
    expect(body.timestamp).toBe(OPEN_MONDAY);
    expect(Object.keys(body.data)).toEqual(EXPORT_KEYS);
    expect(body.data).toMatchObject({ id: leadId, firstName: 'Maya', lastName: 'Okafor', status: 'new', program: 'HCA-BS', createdAt: OPEN_MONDAY });
    expect(hook!.headers['webhook-id']).toBe((await delivery(leadId)).id);
    expect(await delivery(leadId)).toMatchObject({ status: 'delivered', attempts: 1, responseStatus: 204, deliveredAt: t.clock.now() });

    // Delivered once: another pass sends nothing.
    expect(await t.dispatcher.webhooks.runOnce()).toEqual({ delivered: 0, retried: 0, failed: 0 });
    expect(receiver.received).toHaveLength(1);
  });

  test('when a signature is checked with the wrong secret or a changed body, then Webhook.verify refuses it', async () => {
    await addEndpoint(t, receiver.url(), ['lead.created']);
    await postLead();
    await t.dispatcher.webhooks.runOnce();
    const [hook] = receiver.received;
    expect(() => verify('whsec_' + Buffer.alloc(32, 7).toString('base64'), hook!, t.clock.now())).toThrow('No matching signature found');
    const { secret } = await t.db.webhookEndpoint.findFirstOrThrow();
    expect(() => verify(secret, { ...hook!, body: hook!.body.replace('Maya', 'Mira') }, t.clock.now())).toThrow('No matching signature found');
  });

  test('when the inquiry is spam, or no endpoint takes lead.created, then nothing is queued', async () => {
    await addEndpoint(t, receiver.url(), ['lead.status_changed']);
    const leadId = await postLead();
    await addEndpoint(t, receiver.url('/created'), ['lead.created']);
    const spamId = await postLead({ website: 'http://spam.example' });
    expect(await t.db.lead.findUniqueOrThrow({ where: { id: spamId } })).toMatchObject({ status: 'spam' });
    expect(await t.db.webhookDelivery.count({ where: { leadId: { in: [leadId, spamId] } } })).toBe(0);
    expect(await t.dispatcher.webhooks.runOnce()).toEqual({ delivered: 0, retried: 0, failed: 0 });
  });

  test('when the receiver answers 500, then it is tried again 5 s later with the same webhook-id, and a 2xx then settles it', async () => {
    const { secret } = await addEndpoint(t, receiver.url(), ['lead.created']);
    const leadId = await postLead();
    receiver.answerStatus(500);
    expect(await t.dispatcher.webhooks.runOnce()).toEqual({ delivered: 0, retried: 1, failed: 0 });
    expect(await delivery(leadId)).toMatchObject({ status: 'pending', attempts: 1, responseStatus: 500, lastError: 'HTTP 500', nextAttemptAt: new Date(Date.parse(OPEN_MONDAY) + 5_000) });

    t.clock.advance(4_999);
    expect(await t.dispatcher.webhooks.runOnce()).toEqual({ delivered: 0, retried: 0, failed: 0 });
    t.clock.advance(1);
    receiver.answerStatus(200);
    expect(await t.dispatcher.webhooks.runOnce()).toEqual({ delivered: 1, retried: 0, failed: 0 });

    expect(receiver.received).toHaveLength(2);
    const [first, second] = receiver.received;
    expect(second!.headers['webhook-id']).toBe(first!.headers['webhook-id']);
    expect(second!.body).toBe(first!.body);
    expect(Number(second!.headers['webhook-timestamp'])).toBe(Number(first!.headers['webhook-timestamp']) + 5);
    expect(verify(secret, second!, t.clock.now()).type).toBe('lead.created');
    expect(await delivery(leadId)).toMatchObject({ status: 'delivered', attempts: 2, responseStatus: 200, lastError: null });
  });

  test('when every try fails, then it is tried after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h, and is failed after the eighth try, counted in webhook_deliveries_total', async () => {
    await addEndpoint(t, receiver.url(), ['lead.created']);
    const leadId = await postLead();
    receiver.answerStatus(503);
    const metricsBefore = await counts();
    expect(await t.dispatcher.webhooks.runOnce()).toMatchObject({ retried: 1 });
    for (const [index, delay] of RETRY_DELAYS_MS.entries()) {
      t.clock.advance(delay - 1);
      expect(await t.dispatcher.webhooks.runOnce()).toEqual({ delivered: 0, retried: 0, failed: 0 });
      t.clock.advance(1);
      const last = index === RETRY_DELAYS_MS.length - 1;
      expect(await t.dispatcher.webhooks.runOnce()).toEqual({ delivered: 0, retried: last ? 0 : 1, failed: last ? 1 : 0 });
    }
    expect(receiver.received).toHaveLength(8);
    expect(new Set(receiver.received.map((hook) => hook.headers['webhook-id'])).size).toBe(1);
    expect(await delivery(leadId)).toMatchObject({ status: 'failed', attempts: 8, responseStatus: 503 });
    t.clock.advance(48 * 3_600_000);
    expect(await t.dispatcher.webhooks.runOnce()).toEqual({ delivered: 0, retried: 0, failed: 0 });
    const metricsAfter = await counts();
    expect(metricsAfter.retried - metricsBefore.retried).toBe(7);
    expect(metricsAfter.failed - metricsBefore.failed).toBe(1);
  });

  async function counts(): Promise<{ delivered: number; retried: number; failed: number }> {
    const text = await (await request(t.app).get('/metrics').expect(200)).text;
    const value = (result: string) => Number(new RegExp(`^webhook_deliveries_total\\{result="${result}"\\} (\\d+)`, 'm').exec(text)?.[1] ?? NaN);
    return { delivered: value('delivered'), retried: value('retried'), failed: value('failed') };
  }

  test('when the receiver redirects, then the redirect is not followed and counts as a failure', async () => {
    await addEndpoint(t, receiver.url('/moved'), ['lead.created']);
    const leadId = await postLead();
    receiver.answer((_request, response) => {
      response.writeHead(307, { location: receiver.url('/elsewhere') });
      response.end();
    });
    expect(await t.dispatcher.webhooks.runOnce()).toEqual({ delivered: 0, retried: 1, failed: 0 });
    expect(receiver.at('/elsewhere')).toHaveLength(0);
    expect(receiver.at('/moved')).toHaveLength(1);
    expect(await delivery(leadId)).toMatchObject({ status: 'pending', responseStatus: 307, lastError: 'HTTP 307 (redirects are not followed)' });
  });

  test('when the receiver hangs longer than the timeout, then the try ends as a timeout and is retried', async () => {
    await addEndpoint(t, receiver.url(), ['lead.created']);
    const leadId = await postLead();
    receiver.answer(() => undefined); // never answers
    const started = Date.now();
    expect(await t.dispatcher.webhooks.runOnce()).toEqual({ delivered: 0, retried: 1, failed: 0 });
    expect(Date.now() - started).toBeLessThan(TEST_TIMEOUT_MS + 2_000);
    expect(await delivery(leadId)).toMatchObject({ status: 'pending', attempts: 1, responseStatus: null, lastError: `timed out after ${TEST_TIMEOUT_MS / 1000} s` });
  });

  test('when the receiver answers with a 5 MB body, then only the status is used: a 200 is delivered, a 500 retried', async () => {
    await addEndpoint(t, receiver.url(), ['lead.created']);
    const big = Buffer.alloc(5 * 1024 * 1024, 'x');
    let status = 200;
    receiver.answer((_request, response) => {
      response.writeHead(status, { 'content-type': 'text/plain', 'content-length': String(big.length) });
      response.end(big);
    });
    const okId = await postLead();
    expect(await t.dispatcher.webhooks.runOnce()).toEqual({ delivered: 1, retried: 0, failed: 0 });
    expect(await delivery(okId)).toMatchObject({ status: 'delivered', responseStatus: 200 });
    status = 500;
    const failingId = await postLead();
    expect(await t.dispatcher.webhooks.runOnce()).toEqual({ delivered: 0, retried: 1, failed: 0 });
    expect(await delivery(failingId)).toMatchObject({ status: 'pending', responseStatus: 500 });
  });

  test('when the receiver is down (connection refused), then the try fails and is retried', async () => {
    const down = await startWebhookReceiver();
    const url = down.url();
    await down.close();
    await addEndpoint(t, url, ['lead.created']);
    const leadId = await postLead();
    expect(await t.dispatcher.webhooks.runOnce()).toEqual({ delivered: 0, retried: 1, failed: 0 });
    const stored = await delivery(leadId);
    expect(stored).toMatchObject({ status: 'pending', attempts: 1, responseStatus: null });
    expect(stored.lastError).toMatch(/^ECONNREFUSED/);
  });

  test('when two dispatchers run passes at the same time, then each event reaches each endpoint once', async () => {
    await addEndpoint(t, receiver.url('/a'), ['lead.created']);
    await addEndpoint(t, receiver.url('/b'), ['lead.created']);
    const leadIds: string[] = [];
    for (let i = 0; i < 15; i += 1) leadIds.push(await postLead());
    const logger = pino({ level: 'silent' });
    const mailer = createMailer({ smtpUrl: undefined, dataDir: t.config.dataDir, logger });
    const other = buildDispatcher({ config: t.config, db: t.db, clock: t.clock, logger, mailer, registry: new Registry() });
    try {
      const reports = await Promise.all([t.dispatcher.webhooks.runOnce(), other.webhooks.runOnce(), t.dispatcher.webhooks.runOnce(), other.webhooks.runOnce()]);
      expect(reports.reduce((sum, report) => sum + report.delivered, 0)).toBe(30);
    } finally {
      await other.stop();
      mailer.close();
    }
    for (const path of ['/a', '/b']) {
      const ids = receiver.at(path).map((hook) => (JSON.parse(hook.body) as { data: { id: string } }).data.id);
      expect(ids.sort()).toEqual([...leadIds].sort());
    }
    expect(new Set(receiver.received.map((hook) => hook.headers['webhook-id'])).size).toBe(30);
  });

  test('when a running dispatcher stops during a hanging send, then that send ends within the timeout and the rest of its batch is handed back untried', async () => {
    await addEndpoint(t, receiver.url(), ['lead.created']);
    const leadIds = [await postLead(), await postLead(), await postLead()];
    receiver.answer(() => undefined); // never answers
    const leads = createLeadRepository(t.db);
    const dispatcher = createWebhookDispatcher({
      deliveries: createDeliveryRepository(t.db),
      leadRecords: (ids) => leads.exportRecords(ids),
      sender: createWebhookSender({ allowPrivate: true, timeoutMs: TEST_TIMEOUT_MS }),
      clock: t.clock,
      logger: pino({ level: 'silent' }),
      metrics: createWebhookMetrics(new Registry()),
      concurrency: 1,
    });
    dispatcher.start({ connectionString: t.connectionString, pollMs: 60_000 });
    for (let waited = 0; receiver.received.length === 0; waited += 20) {
      if (waited > 5_000) throw new Error('the dispatcher never sent');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await dispatcher.stop();

    expect(receiver.received).toHaveLength(1);
    const rows = await t.db.webhookDelivery.findMany({ where: { leadId: { in: leadIds } } });
    expect(rows.map((row) => [row.attempts, row.leaseOwner]).sort()).toEqual([[0, null], [0, null], [1, null]]);
    expect(rows.find((row) => row.attempts === 1)).toMatchObject({ status: 'pending', lastError: `timed out after ${TEST_TIMEOUT_MS / 1000} s` });
  });

  test('when nothing overrides it, then the dispatcher waits 10 s for an answer', async () => {
    expect(WEBHOOK_TIMEOUT_MS).toBe(10_000);
    const plain = await createTestApp({ seed: false });
    try {
      expect(plain.dispatcher.webhooks.timeoutMs).toBe(10_000);
    } finally {
      await plain.close();
    }
  });
});
