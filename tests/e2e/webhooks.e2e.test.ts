import { Webhook } from 'standardwebhooks';
import { runBuiltCli, type BuiltApp } from '../support/built-app';
import { startBuiltApp } from '../support/built-app';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { openBrowser, type Browser } from './support/browser';

const ADMIN = { email: 'wren.webhooks@college.test', name: 'Wren Webhooks', password: 'correct horse battery staple' };

/**
 * Webhooks end to end: endpoints added with the built CLI (`node dist/cli.js
 * webhooks:add`), leads posted to the built server, its dispatcher sending
 * them to a receiver on 127.0.0.1 that verifies them with standardwebhooks,
 * and /admin/webhooks in a real browser: axe-clean, Resend, screenshots.
 */
describe('Webhooks in the built app', () => {
  let app: BuiltApp;
  let receiver: WebhookReceiver;
  let browser: Browser;
  let secret: string;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    receiver.answer((request, response) => {
      response.statusCode = request.url === '/failing' ? 500 : 204;
      response.end();
    });
    app = await startBuiltApp({ env: { WEBHOOK_ALLOW_PRIVATE: 'on', OFFICE_HOURS: 'Mon-Sun 00:00-24:00', INQUIRY_RATE_LIMIT: '1000/1m' } });
    await app.cli(['staff:add', '--email', ADMIN.email, '--name', ADMIN.name, '--role', 'admin'], { FRONTDESK_PASSWORD: ADMIN.password });
    browser = await openBrowser({ viewport: 'laptop' });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await receiver?.close();
  });

  test('when webhooks:add runs, then the secret is alone on the last line; bad input exits 2 and stores nothing', async () => {
    const output = await app.cli(['webhooks:add', '--url', receiver.url('/crm'), '--events', 'lead.created,lead.status_changed', '--description', 'Admissions CRM']);
    const lines = output.trimEnd().split('\n');
    secret = lines[lines.length - 1]!;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(output.split(secret)).toHaveLength(2);
    await app.cli(['webhooks:add', '--url', receiver.url('/failing'), '--events', 'lead.created']);

    const refused = await runBuiltCli(['webhooks:add', '--url', receiver.url('/crm'), '--events', 'lead.created'], { env: app.env, cwd: app.env.DATA_DIR! });
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim()).toBe(`webhooks:add: an endpoint with the URL ${receiver.url('/crm')} exists already (webhooks:list shows it)`);
    const unknown = await runBuiltCli(['webhooks:add', '--url', receiver.url('/other'), '--events', 'lead.deleted'], { env: app.env, cwd: app.env.DATA_DIR! });
    expect(unknown.code).toBe(2);
    const strict = await runBuiltCli(['webhooks:add', '--url', receiver.url('/other'), '--events', 'lead.created'], { env: { ...app.env, WEBHOOK_ALLOW_PRIVATE: 'off' }, cwd: app.env.DATA_DIR! });
    expect(strict.code).toBe(2);
    expect(strict.stderr).toContain('must start with https://');
    const listed = await app.cli(['webhooks:list']);
    expect(listed.trim().split('\n')).toHaveLength(2);
    expect(listed).not.toContain('whsec_');
  });

  test('when leads arrive, then the running dispatcher delivers them signed, and the admin page shows them and resends one', async () => {
    for (const [index, firstName] of ['Maya', 'José', 'Amara'].entries()) {
      const response = await fetch(`${app.url}/api/inquiries`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: app.url },
        body: JSON.stringify({ firstName, lastName: 'Okafor', email: `webhooks.${index}@example.org`, phone: '(212) 555-0147', program: 'HCA-BS', consent: true }),
      });
      expect(response.status).toBe(201);
    }
    // The dispatcher runs in the server process: wait for it (woken by NOTIFY), not for a fixed time.
    for (let tries = 0; receiver.at('/crm').length < 3 || receiver.at('/failing').length < 3; tries += 1) {
      if (tries > 100) throw new Error('the webhooks did not arrive');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    for (const hook of receiver.at('/crm')) {
      const body = new Webhook(secret).verify(hook.body, hook.headers as Record<string, string>) as { type: string; data: { lastName: string } };
      expect(body).toMatchObject({ type: 'lead.created', data: { lastName: 'Okafor' } });
    }

    const { page, audit, screenshot } = browser;
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${app.url}/admin/webhooks`);
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Sign in' }).click()]);
    expect(new URL(page.url()).pathname).toBe('/admin/webhooks');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Webhooks');
    expect(await page.getByRole('link', { name: 'Webhooks', exact: true }).getAttribute('aria-current')).toBe('page');
    const deliveries = await page.getByRole('region', { name: 'Recent deliveries' }).innerText();
    expect(deliveries).toContain('Delivered');
    expect(deliveries).toContain('Waiting to retry');
    expect(deliveries).toContain('500');
    await audit('webhooks');
    await screenshot('admin-webhooks-1280');

    const before = receiver.at('/crm').length;
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: /^Resend lead\.created to .*\/crm$/ }).first().click()]);
    expect(await page.getByRole('status').innerText()).toContain('will be sent again now, with the same webhook-id');
    for (let tries = 0; receiver.at('/crm').length === before; tries += 1) {
      if (tries > 100) throw new Error('the resent webhook did not arrive');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const resentId = receiver.at('/crm')[before]!.headers['webhook-id'];
    expect(receiver.at('/crm').slice(0, before).map((hook) => hook.headers['webhook-id'])).toContain(resentId);
    expect(browser.problems()).toEqual([]);

    const phone = await openBrowser({ viewport: 'phone' });
    try {
      await phone.page.goto(`${app.url}/admin/login?next=%2Fadmin%2Fwebhooks`);
      await phone.page.getByLabel('Email').fill(ADMIN.email);
      await phone.page.getByLabel('Password').fill(ADMIN.password);
      await Promise.all([phone.page.waitForNavigation(), phone.page.getByRole('button', { name: 'Sign in' }).click()]);
      await phone.audit('webhooks on a phone');
      await phone.screenshot('admin-webhooks-390');
      // The tables scroll inside their own regions; the page itself is never wider than the phone.
      const overflow = await phone.page.evaluate(() => {
        const root = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
        return root.scrollWidth - root.clientWidth;
      });
      expect(overflow).toBeLessThanOrEqual(0);
      expect(phone.problems()).toEqual([]);
    } finally {
      await phone.close();
    }
  });
});
