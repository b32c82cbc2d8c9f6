import { Client } from 'pg';
import type { Page } from 'playwright-core';
import { startBuiltApp, type BuiltApp } from '../support/built-app';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';
import { openBrowser, type Browser } from './support/browser';
import { ADMISSIONS } from './support/site';
import { expectVisibleFocus } from './support/visitor';

const ADVISOR = { email: 'riley.advisor@college.test', name: 'Riley Advisor', password: 'correct horse battery staple' };
const LEADS = [
  { firstName: 'Olu', lastName: 'Overdue', email: 'olu.overdue@example.org', phone: '(212) 555-0147', program: 'HCA-BS' },
  { firstName: 'Sam', lastName: 'Soon', email: 'sam.soon@example.org', phone: '(646) 555-0123', program: 'IT-AS' },
];

/**
 * An advisor's morning with the keyboard only: sign in, open My queue (the
 * overdue lead first), open that lead, log a call with the contact form, and
 * see the queue shrink. The router's assignment is another part's work, so
 * the leads are assigned here in SQL, as the dispatcher would have.
 */
describe('My queue and the contact form, keyboard only', () => {
  let app: BuiltApp;
  let sink: SmtpSink;
  let browser: Browser;
  const ids: Record<string, string> = {};
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    sink = await startSmtpSink();
    app = await startBuiltApp({ sharedDatabase: true, env: { SMTP_URL: sink.url, OFFICE_HOURS: 'Mon-Sun 00:00-24:00', ADMISSIONS_EMAIL: ADMISSIONS } });
    await app.cli(['staff:add', '--email', ADVISOR.email, '--name', ADVISOR.name], { FRONTDESK_PASSWORD: ADVISOR.password });
    for (const lead of LEADS) {
      const response = await fetch(`${app.url}/api/inquiries`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ ...lead, consent: true }) });
      expect(response.status).toBe(201);
      const body = (await response.json()) as { id: string; leadToken: string };
      ids[lead.firstName] = body.id;
      tokens[lead.firstName] = body.leadToken;
    }
    const db = new Client({ connectionString: app.databaseUrl });
    await db.connect();
    try {
      const assign = `UPDATE leads SET assigned_to_id = (SELECT id FROM staff_users WHERE email = $1), assigned_at = now() - $3::interval,
                             due_at = now() - $3::interval, respond_by = now() - $3::interval + interval '15 minutes' WHERE id = $2`;
      await db.query(assign, [ADVISOR.email, ids.Sam, '5 minutes']); // 10 minutes left
      await db.query(assign, [ADVISOR.email, ids.Olu, '40 minutes']); // 25 minutes late
      // Riley takes leads now, so Sam's "call me now" goes to Riley and shows under today's calls.
      await db.query('UPDATE staff_users SET available = true WHERE email = $1', [ADVISOR.email]);
    } finally {
      await db.end();
    }
    const call = await fetch(`${app.url}/api/callbacks`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ lead: tokens.Sam, slot: 'now' }) });
    expect(call.status).toBe(201);
    browser = await openBrowser({ viewport: 'laptop' });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await sink?.close();
  });
  afterEach(() => {
    expect(browser.problems()).toEqual([]);
  });

  test('when the advisor signs in and opens My queue, then the overdue lead comes first with how late it is, then the other with the time left', async () => {
    const { page, audit, screenshot } = browser;
    await page.goto(`${app.url}/admin/login`);
    await page.keyboard.type(ADVISOR.email); // the email field has focus on arrival
    await page.keyboard.press('Tab');
    await page.keyboard.type(ADVISOR.password);
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    expect(new URL(page.url()).pathname).toBe('/admin/leads');

    await tabTo(page, 'a[href="/admin/queue"]');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    expect(new URL(page.url()).pathname).toBe('/admin/queue');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('My queue');
    expect(await page.locator('.queue-summary').innerText()).toBe('2 leads wait for your first response, 1 overdue.');
    const rows = await page.locator('.queue-table tbody tr').allInnerTexts();
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/^Olu Overdue\t.*Overdue: 2\d min late \(office time\)$/s);
    expect(rows[1]).toMatch(/^Sam Soon\t.*\d+ min of office time left$/s);
    const calls = await page.locator('.calls-table tbody tr').allInnerTexts();
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatch(/Sam Soon\t\+16465550123\t.*\tCall now$/s);
    await audit('my queue');
    await screenshot('admin-queue-laptop-light');
  });

  test('when the advisor logs a call on the overdue lead with the keyboard, then the page confirms it, shows it in the log and the queue drops the lead', async () => {
    const { page, audit, screenshot } = browser;
    await tabTo(page, `a[href="/admin/leads/${ids.Olu}"]`);
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Olu Overdue');
    const response = await page.locator('section[aria-labelledby="response-title"]').innerText();
    expect(response).toContain('Riley Advisor');
    expect(response).toMatch(/2\d min late \(office time\)/);
    await audit('lead page with the contact form');

    // Sent without an outcome first: the form comes back with the problem and the channel kept.
    await tabTo(page, '#contact-channel-call');
    await page.keyboard.press('Space');
    await tabTo(page, 'form.contact-form button[type="submit"]');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    expect(await page.locator('#contact-errors').innerText()).toContain('Choose what came of it');
    expect(await page.locator('#contact-channel-call').isChecked()).toBe(true);
    await audit('lead page, contact form with an error');

    await tabTo(page, '#contact-outcome-reached');
    await page.keyboard.press('ArrowDown'); // moves to and picks "Left a voicemail"
    expect(await page.locator('#contact-outcome-voicemail').isChecked()).toBe(true);
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.id')).toBe('contact-note');
    await expectVisibleFocus(page);
    await page.keyboard.type('Left a message about the January start.');
    await page.keyboard.press('Tab');
    await expectVisibleFocus(page);
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);

    expect(await page.getByRole('status').textContent()).toBe('Contact logged: Call, left a voicemail.');
    const log = await page.locator('.contact-log').innerText();
    expect(log).toMatch(/Call, left a voicemail by Riley Advisor/);
    expect(log).toContain('Left a message about the January start.');
    expect(await page.locator('section[aria-labelledby="response-title"]').innerText()).toMatch(/office minutes/);
    await audit('lead page after logging a contact');
    await screenshot('admin-lead-contact-laptop-light');

    await tabTo(page, 'a[href="/admin/queue"]');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    const rows = await page.locator('.queue-table tbody tr').allInnerTexts();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatch(/^Sam Soon/);
  });

  test('when the advisor opens the lead who asked to be called now, then its page shows the call-back: when, who calls, the number', async () => {
    const { page, audit, screenshot } = browser;
    await tabTo(page, `.calls-table a[href="/admin/leads/${ids.Sam}"]`);
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    const callBack = await page.locator('section[aria-labelledby="call-title"]').innerText();
    expect(callBack).toMatch(/asked to be called now/);
    expect(callBack).toContain('Riley Advisor');
    expect(callBack).toContain('+16465550123');
    await audit('lead page with a call-back');
    await screenshot('admin-lead-call-laptop-light');
  });
});

/** Presses Tab until the element matching `selector` has focus (at most 60 times), as a keyboard user would. */
async function tabTo(page: Page, selector: string): Promise<void> {
  for (let presses = 0; presses < 60; presses += 1) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((wanted) => (globalThis as any).document.activeElement?.matches(wanted) ?? false, selector)) return;
  }
  throw new Error(`Tab never reached ${selector}`);
}
