import { DateTime } from 'luxon';
import { v7 as uuidv7 } from 'uuid';
import { startBuiltApp, type BuiltApp } from '../support/built-app';
import { withClient } from '../support/scratch-database';
import { openBrowser, type Browser } from './support/browser';

const ADMIN = { email: 'morgan.manager@college.test', name: 'Morgan Manager', password: 'correct horse battery staple' };
const ADVISORS = ['Alex Rivera', 'Jordan Lee', 'Sam Okafor'];
const PROGRAMS = ['HCA-BS', 'IT-AS', 'NUR-BSN', 'BUS-MBA'];
const ZONE = 'America/New_York';

/**
 * The dashboard as an admissions manager sees it, in a real browser, on a
 * week of leads made with SQL around the real clock (the built app reads
 * it): advisors, responses in and out of target, overdue and unassigned
 * leads. axe-clean, readable from 320 px up; screenshots at 1280 and 390 px
 * wide for review.
 */
describe('Dashboard in a browser', () => {
  let app: BuiltApp;
  let browser: Browser;

  beforeAll(async () => {
    app = await startBuiltApp({ sharedDatabase: true, env: { DISPATCHER: 'off', OFFICE_HOURS: 'Mon-Fri 09:00-21:00' } });
    await app.cli(['staff:add', '--email', ADMIN.email, '--name', ADMIN.name, '--role', 'admin'], { FRONTDESK_PASSWORD: ADMIN.password });
    await seedWeek(app.databaseUrl);
    browser = await openBrowser({ viewport: 'laptop' });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });
  afterEach(() => {
    expect(browser.problems()).toEqual([]);
  });

  test('when a manager opens the dashboard, then headline figures, both charts with their tables, and the advisor and program rows are there, axe-clean', async () => {
    const { page, audit, screenshot } = browser;
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${app.url}/admin/dashboard`);
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Sign in' }).click()]);
    expect(new URL(page.url()).pathname).toBe('/admin/dashboard');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Dashboard');
    expect(await page.getByRole('link', { name: 'Dashboard' }).getAttribute('aria-current')).toBe('page');

    const figures = await page.locator('.dashboard-figures').innerText();
    for (const label of ['Answered within 15 min', 'Median first response', '90 % answered within', 'Overdue now', 'Unassigned now', 'Leads']) expect(figures).toContain(label);
    expect(await page.getByRole('img', { name: 'Leads per day, by whether the office was open when they arrived' }).count()).toBe(1);
    expect(await page.getByRole('img', { name: 'Arrivals by hour of the week, office hours outlined' }).count()).toBe(1);
    const advisors = await page.getByRole('region', { name: 'Speed to lead by advisor' }).innerText();
    for (const name of ADVISORS) expect(advisors).toContain(name);
    await audit('dashboard');
    await screenshot('admin-dashboard-1280');

    await page.getByText('Leads per day as a table').click();
    await page.getByText('Arrivals by hour as a table').click();
    expect(await page.getByRole('table', { name: 'Leads per day, by office open or closed at arrival' }).isVisible()).toBe(true);
    await audit('dashboard with the chart tables open');
  });

  test('when the dashboard is seen on a phone, then nothing is wider than the screen and it passes the same checks, light and dark', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const phone = await openBrowser({ viewport: 'phone', colorScheme });
      try {
        await phone.page.goto(`${app.url}/admin/login?next=%2Fadmin%2Fdashboard`);
        await phone.page.getByLabel('Email').fill(ADMIN.email);
        await phone.page.getByLabel('Password').fill(ADMIN.password);
        await Promise.all([phone.page.waitForNavigation(), phone.page.getByRole('button', { name: 'Sign in' }).click()]);
        expect(new URL(phone.page.url()).pathname).toBe('/admin/dashboard');
        await phone.audit('dashboard');
        await phone.screenshot(`admin-dashboard-390-${colorScheme}`);
        await phone.page.setViewportSize({ width: 320, height: 800 });
        const overflow = await phone.page.evaluate(() => {
          const root = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
          return root.scrollWidth - root.clientWidth;
        });
        expect(overflow).toBeLessThanOrEqual(0);
        const chartWidth = await phone.page.getByRole('img', { name: /Leads per day/ }).evaluate((svg) => svg.getBoundingClientRect().width);
        expect(chartWidth).toBeLessThanOrEqual(320);
        expect(chartWidth).toBeGreaterThan(200);
        expect(phone.problems()).toEqual([]);
      } finally {
        await phone.close();
      }
    }
  });
});

/**
 * This week so far (office zone) with leads at deterministic pseudo-random
 * times: three advisors, most answered (a spread of times, some past the
 * 15-minute target), a few overdue, one awaiting without an advisor.
 */
async function seedWeek(databaseUrl: string): Promise<void> {
  const now = DateTime.now().setZone(ZONE);
  const weekStart = now.startOf('week');
  const span = Math.max(60_000, now.toMillis() - weekStart.toMillis() - 60_000);
  let seed = 7;
  const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
  await withClient(databaseUrl, async (client) => {
    const advisorIds: string[] = [];
    for (const [index, name] of ADVISORS.entries()) {
      const id = uuidv7();
      advisorIds.push(id);
      await client.query(`INSERT INTO staff_users (id, email, name, role, password_hash, available) VALUES ($1, $2, $3, 'staff', 'not-a-hash', true)`, [id, `advisor${index}@college.test`, name]);
    }
    for (let index = 0; index < 90; index++) {
      // Busier in the office's daytime hours, as real inquiries are.
      let at = weekStart.toMillis() + Math.floor(random() * span);
      const local = DateTime.fromMillis(at, { zone: ZONE });
      if (local.hour < 8 && random() < 0.6) at += 10 * 3_600_000;
      if (at > now.toMillis() - 60_000) at = now.toMillis() - 60_000 - Math.floor(random() * 3_600_000);
      const createdAt = new Date(at);
      const advisor = index % 17 === 0 ? null : advisorIds[index % advisorIds.length]!;
      const answered = at < now.toMillis() - 3_600_000 && random() < 0.85;
      const responseSeconds = answered ? Math.floor(30 + random() * random() * 3_000) : null;
      const respondBy = new Date(at + 15 * 60_000);
      await client.query(
        `INSERT INTO leads (id, created_at, first_name, last_name, email, phone, program_code, status, assigned_to_id, assigned_at, due_at, respond_by, first_response_at, response_seconds)
         VALUES ($1, $2, 'Pat', 'Lead', $3, '+12125550100', $4, $5::lead_status, $6, $7, $2, $8, $9, $10)`,
        [uuidv7({ msecs: at }), createdAt, `lead${index}@example.org`, PROGRAMS[index % PROGRAMS.length], answered ? 'contacted' : 'new', advisor, advisor ? createdAt : null, respondBy, answered ? new Date(at + responseSeconds! * 1000) : null, responseSeconds],
      );
    }
  });
}
