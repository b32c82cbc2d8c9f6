import pino from 'pino';
import { Registry } from 'prom-client';
import { createDispatcher } from '../../../src/notifications/dispatcher';
import { createLeadRepository } from '../../../src/leads';
import { createEmailContent } from '../../../src/notifications/email-content';
import { createNotificationMetrics } from '../../../src/notifications/notification-metrics';
import { createOutboxRepository, type OutboxRepository } from '../../../src/outbox/outbox-repository';
import { createMailer, type Mailer } from '../../../src/platform/mailer';
import { startProxyFor, type TcpProxy } from '../../support/tcp-proxy';
import { json, postJson, validInquiry } from '../../support/inquiries';
import { leadIdsOf, startSmtpSink, type SmtpSink } from '../../support/smtp-sink';
import { createTestApp, type TestApp } from '../../support/test-app';

/**
 * The database goes away in the middle of a dispatch pass. Mail the SMTP
 * server accepted must not go out again when the database returns, and rows
 * the pass claimed but never tried must not wait for their lease (5 min).
 */
describe('Dispatch when the database goes away mid-pass', () => {
  let sink: SmtpSink;
  let proxy: TcpProxy;
  let t: TestApp;
  beforeAll(async () => {
    sink = await startSmtpSink();
    proxy = await startProxyFor();
    t = await createTestApp({ env: { INQUIRY_RATE_LIMIT: '1000/1m', SMTP_URL: sink.url, AUTOREPLY: 'off' }, connectionString: (real) => proxy.route(real) });
  });
  afterAll(async () => {
    proxy.up();
    await t.close();
    await proxy.close();
    await sink.close();
  });
  beforeEach(async () => {
    proxy.up();
    sink.clear();
    await t.db.notification.deleteMany();
  });

  /** A dispatcher on the app's (proxied) database, one send at a time, with hooks into its mailer and outbox. */
  function dispatcherWith(hooks: { afterSend?: () => void; afterClaim?: (kinds: string[], digest: boolean) => void }) {
    const logger = pino({ level: 'silent' });
    const smtp = createMailer({ smtpUrl: sink.url, dataDir: t.config.dataDir, logger });
    const mailer: Mailer = { ...smtp, send: async (mail) => smtp.send(mail).finally(() => hooks.afterSend?.()) };
    const real = createOutboxRepository(t.db);
    const outbox: OutboxRepository = {
      ...real,
      claim: async (options) => real.claim(options).finally(() => hooks.afterClaim?.(options.kinds, options.digest)),
    };
    const dispatcher = createDispatcher({
      outbox, mailer, clock: t.clock, officeHours: t.config.officeHours, logger, concurrency: 1,
      content: createEmailContent({ leads: createLeadRepository(t.db), config: t.config }),
      metrics: createNotificationMetrics(new Registry(), () => outbox.countPending()),
    });
    return { dispatcher, close: () => smtp.close() };
  }

  async function postInquiries(count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i += 1) ids.push((await postJson(t, json(validInquiry({ email: `outage${i}@example.com` }))).expect(201)).body.id);
    return ids;
  }

  test('when the database goes away right after a send, then that email is marked sent once it returns and never goes out again', async () => {
    const leadIds = await postInquiries(2);
    const { dispatcher, close } = dispatcherWith({ afterSend: () => proxy.down() });

    // Both emails go out (SMTP is fine), but neither can be marked sent; the pass then fails at its next query.
    await expect(dispatcher.runOnce()).rejects.toBeDefined();
    expect(sink.messages.flatMap(leadIdsOf).sort()).toEqual([...leadIds].sort());

    proxy.up();
    // Past the lease: the rows are still this dispatcher's (no one else took them), and it records them first.
    t.clock.advance(6 * 60_000);
    expect(await dispatcher.runOnce()).toEqual({ sent: 0, retried: 0, failed: 0 });
    const rows = await t.db.notification.findMany({ where: { leadId: { in: leadIds } } });
    expect(rows.map((row) => row.status)).toEqual(['sent', 'sent']);
    expect(rows.every((row) => row.messageId && row.leaseOwner === null)).toBe(true);

    // Not even another dispatcher finds anything to send.
    expect(await t.dispatcher.runOnce()).toEqual({ sent: 0, retried: 0, failed: 0 });
    expect(sink.messages).toHaveLength(2);
    close();
  });

  test('when the database goes away between claiming and sending, then the claimed rows are handed back as soon as it returns, not after their lease', async () => {
    const leadIds = await postInquiries(3);
    let cut = false;
    const { dispatcher, close } = dispatcherWith({
      afterClaim: (kinds, digest) => {
        if (!cut && kinds.includes('admissions') && !digest) {
          cut = true;
          proxy.down(); // the rows are leased; loading their leads fails
        }
      },
    });

    await expect(dispatcher.runOnce()).rejects.toBeDefined();
    expect(sink.messages).toHaveLength(0);

    proxy.up();
    // Well within the 5-minute lease: any dispatcher may take them at once.
    t.clock.advance(5_000);
    expect(await t.dispatcher.runOnce()).toEqual({ sent: 0, retried: 0, failed: 0 }); // still leased: the release is kept by the first
    expect(await dispatcher.runOnce()).toEqual({ sent: 3, retried: 0, failed: 0 });
    expect(sink.messages.flatMap(leadIdsOf).sort()).toEqual([...leadIds].sort());
    close();
  });
});
