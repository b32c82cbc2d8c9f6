import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { leadIdsOf } from '../support/smtp-sink';
import { openBrowser, type Browser } from './support/browser';
import { ADMISSIONS, builtSite } from './support/site';
import { to, waitForMail } from './support/mail';
import { ARTICLE } from './support/visitor';

const ADMIN = { email: 'avery.admin@college.test', name: 'Avery Admin', password: 'correct horse battery staple' };
const EXPORT_COLUMNS = [
  'id', 'createdAt', 'firstName', 'lastName', 'email', 'phone', 'postalCode', 'program', 'educationLevel', 'message',
  'status', 'article', 'utmSource', 'utmMedium', 'utmCampaign', 'referrer', 'consentAt', 'duplicateOf', 'notifiedAt',
  'assignee', 'respondBy', 'firstResponseAt', 'responseSeconds', 'callbackAt',
];

const LEADS = [
  { firstName: 'Maria', lastName: 'Santos', email: 'maria.santos@example.org', phone: '(212) 555-0147', program: 'HCA-BS', article: ARTICLE, utm_source: 'newsletter', message: 'Do you accept transfer credits?' },
  { firstName: 'Dev', lastName: 'Patel', email: 'dev.patel@example.org', phone: '(646) 555-0123', program: 'IT-AS', article: ARTICLE },
  { firstName: 'Grace', lastName: 'Kim', email: 'grace.kim@example.org', phone: '(917) 555-0188', program: 'HCA-BS', message: '=1+1 is not a formula, just my question' },
];

/**
 * An admissions advisor in a real browser: follows the link in the
 * admissions email, signs in, filters the leads, opens one, changes its
 * status and downloads the CSV export, which is parsed and checked. The
 * account is made with the real CLI against the app's database.
 */
describe('Staff workspace in a browser', () => {
  const site = builtSite();
  let browser: Browser;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    const added = await site.app.cli(['staff:add', '--email', ADMIN.email, '--name', ADMIN.name, '--role', 'admin'], { FRONTDESK_PASSWORD: ADMIN.password });
    expect(added).toContain(`Added admin ${ADMIN.name} <${ADMIN.email}>`);

    // Three inquiries through the JSON API (as a partner site's script sends them).
    for (const lead of LEADS) {
      const response = await fetch(`${site.app.url}/api/inquiries`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ ...lead, consent: true }) });
      expect(response.status).toBe(201);
      ids[lead.firstName] = ((await response.json()) as { id: string }).id;
    }
    browser = await openBrowser({ viewport: 'laptop' });
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(() => {
    expect(browser.problems()).toEqual([]);
  });

  test('when an advisor follows the link in the admissions email, then they sign in (after one wrong password) and land on that lead', async () => {
    const { page, audit, screenshot } = browser;
    const email = await waitForMail(site.sink, (message) => to(ADMISSIONS)(message) && leadIdsOf(message).includes(ids.Maria!), 'to admissions about Maria');
    const link = /Open in Frontdesk: (\S+?\/admin\/leads\/[0-9a-f-]{36})/.exec(email.text ?? '')?.[1];
    expect(link).toBe(`${site.app.url}/admin/leads/${ids.Maria}`);

    await page.goto(link!);
    expect(new URL(page.url()).pathname).toBe('/admin/login');
    await audit('sign-in page');
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill('not the password');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Sign in' }).click()]);
    expect(await page.locator('.error-summary').textContent()).toContain('That email and password do not match an active account.');
    await audit('sign-in page with an error');
    await screenshot('admin-sign-in-error');

    await page.getByLabel('Password').fill(ADMIN.password);
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Sign in' }).click()]);
    expect(page.url()).toBe(link);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Maria Santos');
    expect(await page.locator('.staff-bar__user').textContent()).toContain(`Signed in as ${ADMIN.name}`);
    await audit('lead page');
  });

  test('when the advisor filters the list by program and opens a lead, then they see the matching leads and every field of the one they opened', async () => {
    const { page, audit, screenshot } = browser;
    await page.getByRole('link', { name: '← All leads' }).click();
    await page.waitForURL(`${site.app.url}/admin/leads`);
    expect(await leadNames()).toEqual(['Grace Kim', 'Dev Patel', 'Maria Santos']);
    await audit('leads list');
    await screenshot('admin-leads-laptop-light');

    await page.getByLabel('Program').selectOption('HCA-BS');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Filter' }).click()]);
    expect(new URL(page.url()).searchParams.get('program')).toBe('HCA-BS');
    expect(await leadNames()).toEqual(['Grace Kim', 'Maria Santos']);
    await audit('leads list, filtered');

    await page.getByRole('link', { name: 'Grace Kim' }).click();
    await page.waitForURL(`${site.app.url}/admin/leads/${ids.Grace}`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Grace Kim');
    const facts = await page.locator('main').innerText();
    expect(facts).toContain('grace.kim@example.org');
    expect(facts).toContain('+19175550188');
    expect(facts).toContain('=1+1 is not a formula, just my question');
    await audit('lead page');
    await screenshot('admin-lead-laptop-light');
  });

  test('when the advisor changes the lead’s status, then the page confirms it and the list counts it', async () => {
    const { page, audit } = browser;
    await page.getByLabel('Status of this lead').selectOption('contacted');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Save status' }).click()]);
    expect(page.url()).toBe(`${site.app.url}/admin/leads/${ids.Grace}`);
    expect(await page.getByRole('status').textContent()).toBe('Status changed from New to Contacted.');
    expect(await page.locator('.history').textContent()).toMatch(/New → Contacted by Avery Admin/);
    await audit('lead page after a status change');

    await page.goto(`${site.app.url}/admin/leads?program=HCA-BS`);
    const contacted = page.getByRole('navigation', { name: 'Leads by status' }).getByRole('link', { name: /Contacted/ });
    expect(await contacted.textContent()).toMatch(/Contacted\s+1/);
  });

  test('when the advisor downloads the CSV export of the filtered list, then the file holds exactly those leads with the SPEC columns', async () => {
    const { page } = browser;
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'CSV', exact: true }).click()]);
    expect(download.suggestedFilename()).toMatch(/^leads-\d{4}-\d{2}-\d{2}\.csv$/);
    const text = readFileSync((await download.path())!, 'utf8');
    expect(text.charCodeAt(0)).not.toBe(0xfeff);

    const [header, ...rows] = parse(text) as string[][];
    expect(header).toEqual(EXPORT_COLUMNS);
    const records = rows.map((row) => Object.fromEntries(header!.map((column, index) => [column, row[index]])));
    // Rows in id (arrival) order.
    expect(records.map((record) => record.id)).toEqual([ids.Maria, ids.Grace]);
    expect(records[0]).toMatchObject({
      firstName: 'Maria', lastName: 'Santos', email: 'maria.santos@example.org', phone: '+12125550147', program: 'HCA-BS',
      status: 'new', article: ARTICLE, utmSource: 'newsletter', message: 'Do you accept transfer credits?', duplicateOf: '',
    });
    expect(records[1]).toMatchObject({ firstName: 'Grace', phone: '+19175550188', status: 'contacted', article: '', message: "'=1+1 is not a formula, just my question" });
    for (const record of records) {
      expect(new Date(record.createdAt!).toISOString()).toBe(record.createdAt);
      expect(record.notifiedAt).toMatch(/^\d{4}-\d{2}-\d{2}T.*Z$/);
    }
  });

  test('when the administrator opens the audit log, then the sign-ins, the status change and the export are there', async () => {
    const { page, audit, screenshot } = browser;
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.waitForURL(`${site.app.url}/admin/audit`);
    const log = await page.locator('.staff-table').innerText();
    for (const action of [/export/i, /status/i, /sign/i]) expect(log).toMatch(action);
    await audit('audit log');
    await screenshot('admin-audit-laptop-light');
  });

  test('when the staff pages are seen in dark mode on a phone, then they pass the same checks', async () => {
    const dark = await openBrowser({ viewport: 'phone', colorScheme: 'dark' });
    try {
      await dark.page.goto(`${site.app.url}/admin/login`);
      await dark.audit('sign-in page');
      await dark.page.getByLabel('Email').fill(ADMIN.email);
      await dark.page.getByLabel('Password').fill(ADMIN.password);
      await Promise.all([dark.page.waitForNavigation(), dark.page.getByRole('button', { name: 'Sign in' }).click()]);
      expect(new URL(dark.page.url()).pathname).toBe('/admin/leads');
      await dark.audit('leads list');
      await dark.screenshot('admin-leads-phone-dark');
      await dark.page.goto(`${site.app.url}/admin/leads/${ids.Grace}`);
      await dark.audit('lead page');
      await dark.page.goto(`${site.app.url}/admin/audit`);
      await dark.audit('audit log');
      expect(dark.problems()).toEqual([]);
    } finally {
      await dark.close();
    }
  });

  async function leadNames(): Promise<string[]> {
    return browser.page.locator('.staff-table tbody th a').allTextContents();
  }
});
