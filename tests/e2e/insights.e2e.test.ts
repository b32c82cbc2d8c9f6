import { DateTime } from 'luxon';
import { v7 as uuidv7 } from 'uuid';
import { startBuiltApp, type BuiltApp } from '../support/built-app';
import { withClient } from '../support/scratch-database';
import { openBrowser, type Browser } from './support/browser';

const ADMIN = { email: 'morgan.manager@college.test', name: 'Morgan Manager', password: 'correct horse battery staple' };
const ZONE = 'America/New_York';
/** Seeded articles, with how many views a day and what share of readers ask. */
const ARTICLES = [
  { slug: 'how-online-classes-work', views: 180, rate: 0.03 },
  { slug: 'paying-for-college-financial-aid-basics', views: 140, rate: 0.025 },
  { slug: 'nursing-prerequisites-explained', views: 90, rate: 0.04 },
  { slug: 'transferring-credits-what-to-expect', views: 70, rate: 0.02 },
  { slug: 'mba-vs-masters-in-management', views: 50, rate: 0.02 },
  { slug: 'what-an-associate-degree-in-it-covers', views: 40, rate: 0.015 },
  { slug: 'returning-to-school-as-a-working-adult', views: 30, rate: 0.02 },
];
const PROGRAMS = ['HCA-BS', 'IT-AS', 'NUR-BSN', 'BUS-MBA', 'HCM-MS'];
const CAMPAIGNS: Array<[string | null, string | null, string | null]> = [
  ['google', 'cpc', 'fall-enrolment'],
  ['newsletter', 'email', 'december'],
  ['facebook', 'social', 'working-adults'],
  [null, null, null],
  [null, null, null],
];

/**
 * The insights page as an admissions manager sees it, in a real browser, over
 * twelve weeks of views and leads made with SQL around the real clock (the
 * built app reads it). axe-clean; screenshots at 1280 and 390 px wide, light
 * and dark, for review.
 */
describe('Insights in a browser', () => {
  let app: BuiltApp;
  let browser: Browser;

  beforeAll(async () => {
    app = await startBuiltApp({ sharedDatabase: true, env: { DISPATCHER: 'off' } });
    await app.cli(['staff:add', '--email', ADMIN.email, '--name', ADMIN.name, '--role', 'admin'], { FRONTDESK_PASSWORD: ADMIN.password });
    await seedTwelveWeeks(app.databaseUrl);
    browser = await openBrowser({ viewport: 'laptop' });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });
  afterEach(() => {
    expect(browser.problems()).toEqual([]);
  });

  test('when a manager opens Insights from the navigation, then the funnel, the weekly chart with its table, and the three tables with CSV links are there, axe-clean', async () => {
    const { page, audit, screenshot } = browser;
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${app.url}/admin/login?next=%2Fadmin%2Fdashboard`);
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Sign in' }).click()]);
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Insights' }).click()]);
    expect(new URL(page.url()).pathname).toBe('/admin/insights');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Insights');
    expect(await page.getByRole('link', { name: 'Insights' }).getAttribute('aria-current')).toBe('page');

    const funnel = await page.locator('.insights-funnel').innerText();
    for (const label of ['Article views', 'Inquiries', 'Responded', 'Qualified', 'Enrolled']) expect(funnel).toContain(label);
    expect(await page.getByRole('img', { name: /Inquiries per week, by article/ }).count()).toBe(1);
    for (const name of ['Views, inquiries and outcomes by article', /by campaign tags/, 'Inquiries and outcomes by program']) {
      expect(await page.getByRole('region', { name }).count()).toBe(1);
    }
    expect(await page.getByRole('link', { name: 'Download CSV' }).count()).toBe(3);
    await audit('insights');
    await screenshot('admin-insights-1280');

    await page.getByText('Inquiries per week as a table').click();
    expect(await page.getByRole('table', { name: /Inquiries per week \(weeks start on Monday/ }).isVisible()).toBe(true);
    await audit('insights with the chart table open');

    const download = await page.request.get(`${app.url}/admin/insights/articles.csv`);
    expect(download.status()).toBe(200);
    expect((await download.text()).split('\r\n')[0]).toBe('article,title,views,inquiries,conversionRate,responded,qualified,enrolled');
  });

  test('when browsers and a bot read an article and the server is stopped, then the views of the browsers are in the database (the last ones written at shutdown)', async () => {
    const slug = 'returning-to-school-as-a-working-adult';
    const count = async () =>
      withClient(app.databaseUrl, async (client) => Number((await client.query('SELECT coalesce(sum(views), 0) AS n FROM article_views WHERE article_slug = $1', [slug])).rows[0].n));
    const before = await count();
    const chrome = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
    for (let n = 0; n < 3; n++) expect((await fetch(`${app.url}/articles/${slug}`, { headers: { 'User-Agent': chrome } })).status).toBe(200);
    expect((await fetch(`${app.url}/articles/${slug}`, { headers: { 'User-Agent': 'curl/8.5.0' } })).status).toBe(200);
    expect((await fetch(`${app.url}/articles/${slug}`, { method: 'HEAD', headers: { 'User-Agent': chrome } })).status).toBe(200);
    // SIGTERM: the drain, then the buffered views, then the database closes (the 10 s timer has not fired yet).
    await app.restart({});
    expect(await count()).toBe(before + 3);
  });

  test('when Insights is seen on a phone, then nothing is wider than the screen, light and dark', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const phone = await openBrowser({ viewport: 'phone', colorScheme });
      try {
        // The manager's session from the first test (sign-in itself is the staff workspace tests' subject).
        await phone.page.context().addCookies(await browser.page.context().cookies());
        await phone.page.goto(`${app.url}/admin/insights`);
        const landed = new URL(phone.page.url()).pathname;
        if (landed !== '/admin/insights') throw new Error(`/admin/insights led to ${phone.page.url()}: ${(await phone.page.locator('main').innerText()).slice(0, 400)}`);
        await phone.audit('insights');
        await phone.screenshot(`admin-insights-390-${colorScheme}`);
        await phone.page.setViewportSize({ width: 320, height: 800 });
        const overflow = await phone.page.evaluate(() => {
          const root = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
          return root.scrollWidth - root.clientWidth;
        });
        expect(overflow).toBeLessThanOrEqual(0);
        expect(phone.problems()).toEqual([]);
      } finally {
        await phone.close();
      }
    }
  });
});

/** Twelve office weeks up to today: daily views per article, and leads in proportion, with outcomes. */
async function seedTwelveWeeks(databaseUrl: string): Promise<void> {
  const now = DateTime.now().setZone(ZONE);
  const first = now.startOf('week').minus({ weeks: 11 });
  let seed = 11;
  const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
  await withClient(databaseUrl, async (client) => {
    let index = 0;
    for (let day = first; day <= now.startOf('day'); day = day.plus({ days: 1 })) {
      // Articles grow: later weeks get more readers.
      const growth = 0.6 + 0.8 * (day.diff(first, 'days').days / 84);
      for (const article of ARTICLES) {
        const views = Math.round(article.views * growth * (0.7 + 0.6 * random()));
        await client.query('INSERT INTO article_views (day, article_slug, views) VALUES ($1::date, $2, $3)', [day.toISODate(), article.slug, views]);
        const leads = Math.round(views * article.rate * (0.5 + random()));
        for (let n = 0; n < leads; n++) {
          const at = Math.min(day.toMillis() + Math.floor(random() * 86_400_000), now.toMillis() - 60_000);
          const age = now.toMillis() - at;
          const responded = age > 3_600_000 && random() < 0.9;
          const roll = random();
          const status = !responded ? 'new' : age > 21 * 86_400_000 && roll < 0.12 ? 'enrolled' : age > 7 * 86_400_000 && roll < 0.35 ? 'qualified' : roll < 0.45 ? 'not-interested' : 'contacted';
          const [source, medium, campaign] = CAMPAIGNS[Math.floor(random() * CAMPAIGNS.length)]!;
          index += 1;
          await client.query(
            `INSERT INTO leads (id, created_at, first_name, last_name, email, phone, program_code, status, article_slug, utm_source, utm_medium, utm_campaign, first_response_at)
             VALUES ($1, $2, 'Pat', 'Lead', $3, '+12125550100', $4, $5::lead_status, $6, $7, $8, $9, $10)`,
            [uuidv7({ msecs: at }), new Date(at), `lead${index}@example.org`, PROGRAMS[index % PROGRAMS.length], status, article.slug, source, medium, campaign, responded ? new Date(at + 20 * 60_000) : null],
          );
        }
      }
    }
  });
}
