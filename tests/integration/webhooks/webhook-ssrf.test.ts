import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import type http from 'node:http';
import { v7 as uuidv7 } from 'uuid';
import { createWebhookSender, type LookupFunction } from '../../../src/webhooks';
import { json, postJson, validInquiry } from '../../support/inquiries';
import { createTestApp, type TestApp } from '../../support/test-app';
import { fakeLookup } from './webhook-support';

/**
 * The guard decides before any connection is opened, so these tests never
 * send a packet anywhere: a request function that throws stands in for the
 * network where the guard must stop first, and where a real request runs,
 * the only address it could reach is on 127.0.0.0/8, watched by a listener
 * that must see no connection.
 */
const message = (url: string) => ({ url, secret: `whsec_${Buffer.alloc(32, 1).toString('base64')}`, id: 'msg-1', body: '{}', at: new Date('2026-11-30T15:00:00Z') });

const unreachable = (() => {
  throw new Error('the guard let a request through');
}) as unknown as typeof http.request;

describe('The webhook address guard (SPEC §13)', () => {
  test.each([
    ['https://127.0.0.1/hooks', 'blocked: 127.0.0.1 is a loopback address'],
    ['https://[::1]/hooks', 'blocked: ::1 is a loopback address'],
    ['https://10.0.0.1/hooks', 'blocked: 10.0.0.1 is a private address'],
    ['https://169.254.169.254/latest/meta-data', 'blocked: 169.254.169.254 is a link-local address'],
    ['https://[::ffff:a9fe:a9fe]/latest', 'blocked: ::ffff:a9fe:a9fe is a link-local address'],
    ['https://224.0.0.1/hooks', 'blocked: 224.0.0.1 is a multicast address'],
    ['https://[::]/hooks', 'blocked: :: is an unspecified address'],
    ['http://hooks.crm.example/hooks', 'blocked: the URL must start with https:// (http:// only with WEBHOOK_ALLOW_PRIVATE=on)'],
  ])('when a webhook is sent to %s, then it is refused before any lookup or connection', async (url, error) => {
    const lookups: string[] = [];
    const sender = createWebhookSender({ allowPrivate: false, lookup: fakeLookup({}, lookups), request: unreachable });
    expect(await sender.send(message(url))).toEqual({ ok: false, status: null, error });
    expect(lookups).toEqual([]);
  });

  describe('names, checked on the address the socket would connect to', () => {
    /** A request function that only runs the lookup it was given, the way the socket would, and reports what it found. */
    function lookupOnly(found: Array<Error | string>): typeof http.request {
      return ((_url: URL, options: { lookup: LookupFunction }) => {
        const listeners: Record<string, (value: unknown) => void> = {};
        const request = {
          on(event: string, listener: (value: unknown) => void) {
            listeners[event] = listener;
            return request;
          },
          destroy() {},
          end() {
            options.lookup('hooks.crm.example', { all: true }, (error, addresses) => {
              if (error) {
                found.push(error);
                listeners.error?.(error);
              } else {
                found.push(JSON.stringify(addresses));
                listeners.error?.(Object.assign(new Error('stopped here: the test opens no connection'), { code: 'ETEST' }));
              }
            });
          },
        };
        return request;
      }) as unknown as typeof http.request;
    }

    test.each([
      [['127.0.0.1'], 'blocked: hooks.crm.example resolves to 127.0.0.1 is a loopback address'],
      [['93.184.215.14', '10.9.8.7'], 'blocked: hooks.crm.example resolves to 10.9.8.7 is a private address'],
      [['169.254.169.254'], 'blocked: hooks.crm.example resolves to 169.254.169.254 is a link-local address'],
      [['2606:4700::1', '::1'], 'blocked: hooks.crm.example resolves to ::1 is a loopback address'],
    ])('when the name resolves to %j at send time (DNS rebinding), then the lookup refuses it and nothing connects', async (addresses, error) => {
      const found: Array<Error | string> = [];
      const sender = createWebhookSender({ allowPrivate: false, lookup: fakeLookup({ 'hooks.crm.example': addresses }), request: lookupOnly(found) });
      expect(await sender.send(message('https://hooks.crm.example/hooks'))).toEqual({ ok: false, status: null, error });
      expect(found).toHaveLength(1);
      expect(found[0]).toBeInstanceOf(Error);
    });

    test('when the name resolves only to public addresses, then the lookup hands them to the socket', async () => {
      const found: Array<Error | string> = [];
      const sender = createWebhookSender({ allowPrivate: false, lookup: fakeLookup({ 'hooks.crm.example': ['93.184.215.14'] }), request: lookupOnly(found) });
      const outcome = await sender.send(message('https://hooks.crm.example/hooks'));
      expect(found).toEqual([JSON.stringify([{ address: '93.184.215.14', family: 4 }])]);
      expect(outcome.error).toMatch(/^ETEST/);
    });

    test('when a real request goes to a name that resolves to 127.0.0.1, then no connection reaches the listener on that address', async () => {
      let connections = 0;
      const listener: Server = createServer((socket) => {
        connections += 1;
        socket.destroy();
      });
      await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
      const { port } = listener.address() as AddressInfo;
      try {
        const sender = createWebhookSender({ allowPrivate: false, lookup: fakeLookup({ 'rebound.crm.example': ['127.0.0.1'] }) });
        expect(await sender.send(message(`https://rebound.crm.example:${port}/hooks`))).toEqual({
          ok: false, status: null, error: 'blocked: rebound.crm.example resolves to 127.0.0.1 is a loopback address',
        });
        expect(connections).toBe(0);
      } finally {
        await new Promise<void>((resolve) => listener.close(() => resolve()));
      }
    });
  });

  describe('in the dispatcher', () => {
    let t: TestApp;
    const lookups: string[] = [];
    beforeAll(async () => {
      t = await createTestApp({
        env: { INQUIRY_RATE_LIMIT: '100000/1m' },
        webhookSender: { lookup: fakeLookup({}, lookups), request: unreachable },
      });
    });
    afterAll(() => t.close());

    test('when endpoints point at loopback, private or link-local addresses, then every try is refused, recorded and retried, and nothing is looked up or sent', async () => {
      // Stored straight into the table, past webhooks:add's check: the send-time check is the one under test.
      const urls = ['https://127.0.0.1/a', 'https://[::1]/b', 'https://10.0.0.1/c', 'https://169.254.169.254/d'];
      for (const url of urls) {
        await t.db.webhookEndpoint.create({ data: { id: uuidv7(), url, events: ['lead.created'], secret: `whsec_${Buffer.alloc(32, 2).toString('base64')}` } });
      }
      const { body } = await postJson(t, json(validInquiry())).expect(201);

      expect(await t.dispatcher.webhooks.runOnce()).toEqual({ delivered: 0, retried: 4, failed: 0 });

      const deliveries = await t.db.webhookDelivery.findMany({ where: { leadId: body.id as string }, include: { endpoint: true }, orderBy: { endpoint: { url: 'asc' } } });
      expect(deliveries.map((delivery) => [delivery.endpoint.url, delivery.status, delivery.responseStatus, delivery.lastError])).toEqual([
        ['https://10.0.0.1/c', 'pending', null, 'blocked: 10.0.0.1 is a private address'],
        ['https://127.0.0.1/a', 'pending', null, 'blocked: 127.0.0.1 is a loopback address'],
        ['https://169.254.169.254/d', 'pending', null, 'blocked: 169.254.169.254 is a link-local address'],
        ['https://[::1]/b', 'pending', null, 'blocked: ::1 is a loopback address'],
      ]);
      expect(lookups).toEqual([]);
    });
  });
});
