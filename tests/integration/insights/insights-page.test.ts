import request from 'supertest';
import type { TestApp } from '../../support/test-app';
import { addStaff, createStaffTestApp, insertLead, issueToken, signIn, type LeadFields, type TestStaff } from '../staff/staff-helpers';

/** Wednesday 2 December 2026, 12:00 in New York (EST). */
const NOW = '2026-12-02T17:00:00.000Z';
/** Monday 30 November to Wednesday 2 December, office time: [2026-11-30T05:00Z, 2026-12-03T05:00Z). */
const RANGE = 'from=2026-11-30&to=2026-12-02';
const ONLINE = 'how-online-classes-work';
const NURSING = 'nursing-prerequisites-explained';
const BAD_SOURCE = '=HYPERLINK("http://evil.example")';

/**
 * /admin/insights(.json, /<table>.csv) against figures worked out by hand
 * from the rows below (not by the SQL under test).
 */
describe('Insights (/admin/insights)', () => {
  let t: TestApp;
  let viewer: TestStaff;
  let agent: Awaited<ReturnType<typeof signIn>>;

  async function lead(createdAt: string, fields: LeadFields & { responded?: boolean } = {}) {
    const { responded, ...rest } = fields;
    const stored = await insertLead(t, { createdAt: new Date(createdAt), utmSource: null, ...rest });
    if (responded) await t.db.$executeRaw`UPDATE leads SET first_response_at = ${new Date(Date.parse(createdAt) + 600_000)}::timestamptz WHERE id = ${stored.id}::uuid`;
  }

  async function views(day: string, slug: string, count: number) {
    await t.db.$executeRaw`INSERT INTO article_views (day, article_slug, views) VALUES (${day}::date, ${slug}, ${count})`;
  }

  beforeAll(async () => {
    t = await createStaffTestApp({ now: NOW });
    viewer = await addStaff(t, { name: 'Viktor Viewer' });
    agent = await signIn(t, viewer);

    // Views: 100 of the online article and 50 of nursing in the range; the days before and after do not count.
    await views('2026-11-29', ONLINE, 1000);
    await views('2026-11-30', ONLINE, 40);
    await views('2026-12-01', ONLINE, 60);
    await views('2026-12-02', NURSING, 50);
    await views('2026-12-03', 'paying-for-college-financial-aid-basics', 70);

    const google = { utmSource: 'google', utmMedium: 'cpc', utmCampaign: 'fall-2026' };
    // The online article, Healthcare Administration: 4 inquiries, 3 responded, 2 qualified (one of them enrolled).
    await lead('2026-11-30T15:00:00Z', { articleSlug: ONLINE, ...google }); // new, waiting
    await lead('2026-11-30T16:00:00Z', { articleSlug: ONLINE, ...google, status: 'contacted', responded: true });
    await lead('2026-12-01T15:00:00Z', { articleSlug: ONLINE, status: 'qualified', responded: true });
    await lead('2026-12-02T15:00:00Z', { articleSlug: ONLINE, status: 'enrolled', responded: true });
    // Nursing: 2 inquiries, 1 responded; campaign tags a spreadsheet would run as a formula.
    const hostile = { utmSource: BAD_SOURCE, utmMedium: 'email', utmCampaign: 'spring, "early"' };
    await lead('2026-12-01T16:00:00Z', { articleSlug: NURSING, programCode: 'NUR-BSN', ...hostile, status: 'not-interested', responded: true });
    await lead('2026-12-02T16:00:00Z', { articleSlug: NURSING, programCode: 'NUR-BSN', ...hostile });
    // Sent without an article (the JSON API), qualified; and one on an article no longer published.
    await lead('2026-12-01T17:00:00Z', { articleSlug: null, programCode: 'IT-AS', status: 'qualified', responded: true });
    await lead('2026-12-02T14:00:00Z', { articleSlug: 'old-retired-article', programCode: 'CYB-CERT' });
    // Left out: spam in the range, and a lead from before it (Sunday), and one after (Thursday).
    await lead('2026-12-01T15:30:00Z', { articleSlug: ONLINE, status: 'spam' });
    await lead('2026-11-29T17:00:00Z', { articleSlug: ONLINE, status: 'enrolled', responded: true });
    await lead('2026-12-03T15:00:00Z', { articleSlug: NURSING });
    // Two weeks earlier, for the weekly chart.
    await lead('2026-11-18T15:00:00Z', { articleSlug: NURSING, programCode: 'NUR-BSN' });
  });
  afterAll(() => t.close());

  test('when a range is chosen, then the JSON has the funnel per article, campaign and program worked out by hand', async () => {
    const response = await agent.get(`/admin/insights.json?${RANGE}`).set('Accept', 'application/json').expect(200).expect('Content-Type', /json/);
    expect(response.headers['cache-control']).toBe('no-store');
    const body = response.body;
    expect(body).toMatchObject({
      from: '2026-11-30T05:00:00.000Z',
      until: '2026-12-03T05:00:00.000Z',
      generatedAt: NOW,
      timezone: 'America/New_York',
      viewDays: { from: '2026-11-30', to: '2026-12-02' },
    });
    // 7 of the 8 inquiries came from an article page: 7 / 150 views.
    expect(body.totals).toEqual({ views: 150, inquiries: 8, conversionRate: 0.0467, responded: 5, qualified: 3, enrolled: 1 });
    expect(body.articles).toEqual([
      { slug: ONLINE, title: 'How Online Classes Work at Frontdesk College', views: 100, inquiries: 4, conversionRate: 0.04, responded: 3, qualified: 2, enrolled: 1 },
      { slug: NURSING, title: 'What Nursing Prerequisites Look Like', views: 50, inquiries: 2, conversionRate: 0.04, responded: 1, qualified: 0, enrolled: 0 },
      { slug: 'old-retired-article', title: null, views: 0, inquiries: 1, conversionRate: null, responded: 0, qualified: 0, enrolled: 0 },
      { slug: null, title: null, views: 0, inquiries: 1, conversionRate: null, responded: 1, qualified: 1, enrolled: 0 },
    ]);
    expect(body.campaigns).toEqual([
      { utmSource: null, utmMedium: null, utmCampaign: null, inquiries: 4, responded: 3, qualified: 3, enrolled: 1 },
      { utmSource: BAD_SOURCE, utmMedium: 'email', utmCampaign: 'spring, "early"', inquiries: 2, responded: 1, qualified: 0, enrolled: 0 },
      { utmSource: 'google', utmMedium: 'cpc', utmCampaign: 'fall-2026', inquiries: 2, responded: 1, qualified: 0, enrolled: 0 },
    ]);
    expect(body.programs).toEqual([
      { code: 'HCA-BS', name: 'Healthcare Administration', inquiries: 4, responded: 3, qualified: 2, enrolled: 1 },
      { code: 'NUR-BSN', name: 'Nursing (RN-to-BSN)', inquiries: 2, responded: 1, qualified: 0, enrolled: 0 },
      { code: 'CYB-CERT', name: 'Cybersecurity', inquiries: 1, responded: 0, qualified: 0, enrolled: 0 },
      { code: 'IT-AS', name: 'Information Technology', inquiries: 1, responded: 1, qualified: 1, enrolled: 0 },
    ]);
    expect(body.inquiriesPerWeek).toEqual({
      weeks: ['2026-11-30'],
      articles: [
        { slug: ONLINE, title: 'How Online Classes Work at Frontdesk College', inquiries: [4] },
        { slug: NURSING, title: 'What Nursing Prerequisites Look Like', inquiries: [2] },
        { slug: 'old-retired-article', title: null, inquiries: [1] },
        { slug: null, title: null, inquiries: [1] },
      ],
    });
  });

  test('when the range covers three weeks, then the chart counts each Monday-to-Sunday office week, empty weeks as zeros', async () => {
    const body = (await agent.get('/admin/insights.json?from=2026-11-16&to=2026-12-02').expect(200)).body;
    expect(body.inquiriesPerWeek.weeks).toEqual(['2026-11-16', '2026-11-23', '2026-11-30']);
    // The Sunday 29 November lead is in the week of the 23rd; the one on the 18th in the week of the 16th.
    expect(body.inquiriesPerWeek.articles).toEqual([
      { slug: ONLINE, title: 'How Online Classes Work at Frontdesk College', inquiries: [0, 1, 4] },
      { slug: NURSING, title: 'What Nursing Prerequisites Look Like', inquiries: [1, 0, 2] },
      { slug: 'old-retired-article', title: null, inquiries: [0, 0, 1] },
      { slug: null, title: null, inquiries: [0, 0, 1] },
    ]);
    // 1,000 views on Sunday the 29th now count: 1,100 views of the online article.
    expect(body.articles[0]).toMatchObject({ slug: ONLINE, views: 1100, inquiries: 5 });
  });

  test('when the weeks cross the end of daylight saving time, then each lead is in its office-local week', async () => {
    // Sunday 1 November 2026, 01:30 EDT → 01:30 EST: the week of 26 October ends at Monday 2 November 00:00 EST (05:00Z).
    await lead('2026-11-02T04:30:00Z', { articleSlug: 'dst-article' }); // Sun 1 Nov 23:30 EST
    await lead('2026-11-02T05:30:00Z', { articleSlug: 'dst-article' }); // Mon 2 Nov 00:30 EST
    const body = (await agent.get('/admin/insights.json?from=2026-10-26&to=2026-11-08').expect(200)).body;
    expect(body.inquiriesPerWeek).toEqual({ weeks: ['2026-10-26', '2026-11-02'], articles: [{ slug: 'dst-article', title: null, inquiries: [1, 1] }] });
  });

  test('when nothing is chosen, then the last twelve office weeks up to now are shown', async () => {
    const body = (await agent.get('/admin/insights.json').expect(200)).body;
    expect(body.from).toBe('2026-09-14T04:00:00.000Z'); // Monday 14 September 00:00 EDT
    expect(body.until).toBe(NOW);
    expect(body.inquiriesPerWeek.weeks).toHaveLength(12);
    expect(body.totals.inquiries).toBe(12); // 8 in RANGE, Sunday the 29th, the 18th, and the two around the DST change
  });

  test('when a table is downloaded as CSV, then it follows the export rules: header, CRLF, quoting, formula guard, optional BOM', async () => {
    const response = await agent.get(`/admin/insights/campaigns.csv?${RANGE}&bom=1`).buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    }).expect(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8; header=present');
    expect(response.headers['content-disposition']).toBe('attachment; filename="insights-campaigns-2026-11-30-to-2026-12-02.csv"');
    const bytes = response.body as Buffer;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.subarray(3).toString('utf8')).toBe(
      'utmSource,utmMedium,utmCampaign,inquiries,responded,qualified,enrolled\r\n' +
        ',,,4,3,3,1\r\n' +
        `"'=HYPERLINK(""http://evil.example"")",email,"spring, ""early""",2,1,0,0\r\n` +
        'google,cpc,fall-2026,2,1,0,0\r\n',
    );
  });

  test('when the article and program tables are downloaded, then their rows match the JSON', async () => {
    const articles = await agent.get(`/admin/insights/articles.csv?${RANGE}`).expect(200);
    expect(articles.text).toBe(
      'article,title,views,inquiries,conversionRate,responded,qualified,enrolled\r\n' +
        `${ONLINE},How Online Classes Work at Frontdesk College,100,4,0.04,3,2,1\r\n` +
        `${NURSING},What Nursing Prerequisites Look Like,50,2,0.04,1,0,0\r\n` +
        'old-retired-article,,0,1,,0,0,0\r\n' +
        ',,0,1,,1,1,0\r\n',
    );
    const programs = await agent.get(`/admin/insights/programs.csv?${RANGE}`).expect(200);
    expect(programs.text.split('\r\n').slice(0, 2)).toEqual(['program,name,inquiries,responded,qualified,enrolled', 'HCA-BS,Healthcare Administration,4,3,2,1']);
  });

  test('when the page is shown, then it has the funnel, the chart with its text alternative and table, the three tables and their CSV links', async () => {
    const response = await agent.get(`/admin/insights?${RANGE}`).set('Accept', 'text/html').expect(200);
    const html = response.text;
    expect(html).toContain('<a href="/admin/insights" aria-current="page">Insights</a>');
    expect(html).toMatch(/Article views<\/span><span class="insights-funnel__value">150</);
    expect(html).toMatch(/Inquiries<\/span><span class="insights-funnel__value">8<\/span><span class="dashboard-figure__note">4.7 % of views/);
    expect(html).toContain('<title id="chart-weekly-title">Inquiries per week, by article (top 5)</title>');
    expect(html).toContain('<desc id="chart-weekly-desc">8 inquiries over 1 week; the busiest week began 30 Nov with 8. The article that brought the most was &quot;How Online Classes Work at Frontdesk College&quot; with 4.</desc>');
    expect(html).toContain('<tr><th scope="row">Week of 30 Nov</th><td class="num">4</td><td class="num">2</td><td class="num">1</td><td class="num">1</td><td class="num">8</td></tr>');
    expect(html).toContain(`href="/admin/insights/articles.csv?${RANGE.replace('&', '&amp;')}"`);
    expect(html).toContain(`href="/admin/insights/campaigns.csv?${RANGE.replace('&', '&amp;')}"`);
    expect(html).toContain(`href="/admin/insights/programs.csv?${RANGE.replace('&', '&amp;')}"`);
    // Campaign tags are shown as text, never markup.
    expect(html).toContain('=HYPERLINK(&quot;http://evil.example&quot;)');
  });

  test.each([
    ['from=2026-13-01', 'from'],
    ['to=yesterday', 'to'],
    ['from=2026-12-02&to=2026-11-30', 'to'],
    ['from=2020-01-01&to=2026-12-01', 'to'],
  ])('when the range is %s, then the JSON is a 400 naming %s', async (query, path) => {
    const response = await agent.get(`/admin/insights.json?${query}`).set('Accept', 'application/json').expect(400);
    expect(response.body.error).toBe('invalid_filter');
    expect(response.body.issues.map((issue: { path: string }) => issue.path)).toEqual([path]);
  });

  test('when the page or a CSV gets a bad range, then it answers 400 saying what is wrong', async () => {
    const page = await agent.get('/admin/insights?from=2026-02-30').set('Accept', 'text/html').expect(400);
    expect(page.text).toContain('Enter the start date as YYYY-MM-DD');
    expect(page.text).toContain('value="2026-02-30"');
    const csv = await agent.get('/admin/insights/articles.csv?bom=maybe').set('Accept', 'application/json').expect(400);
    expect(csv.body).toEqual({ error: 'invalid_filter', message: 'bom must be 1 or 0.', issues: [{ path: 'bom', message: 'bom must be 1 or 0.' }] });
  });

  test('when nobody is signed in, then it answers 401; an API token may read the JSON', async () => {
    await request(t.app).get('/admin/insights.json').set('Accept', 'application/json').expect(401);
    await request(t.app).get('/admin/insights/articles.csv').set('Accept', 'application/json').expect(401);
    const token = await issueToken(t, viewer);
    const response = await request(t.app).get(`/admin/insights.json?${RANGE}`).set('Authorization', `Bearer ${token}`).expect(200);
    expect(response.body.totals.inquiries).toBe(8);
  });

  test('when a staff page is shown, then its navigation links to Insights', async () => {
    const response = await agent.get('/admin/dashboard').set('Accept', 'text/html').expect(200);
    expect(response.text).toContain('<a href="/admin/insights">Insights</a>');
  });
});
