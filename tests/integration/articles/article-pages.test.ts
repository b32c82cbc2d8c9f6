import request from 'supertest';
import { createArticleRepository } from '../../../src/articles/article-repository';
import { CLOSED_SUNDAY, createTestApp, OPEN_MONDAY, type TestApp } from '../../support/test-app';

describe('Article pages', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());
  beforeEach(() => t.clock.set(OPEN_MONDAY));

  test('when the index is requested, then the newest article comes first', async () => {
    const response = await request(t.app).get('/').expect(200);
    // The two newest: both on the first page, however many older articles other tests add.
    const [newest, next] = await t.db.article.findMany({ orderBy: { publishedAt: 'desc' }, take: 2 });
    expect(response.text.indexOf(newest!.title)).toBeGreaterThan(-1);
    expect(response.text.indexOf(next!.title)).toBeGreaterThan(-1);
    expect(response.text.indexOf(newest!.title)).toBeLessThan(response.text.indexOf(next!.title));
    expect(response.headers['content-type']).toMatch(/text\/html/);
  });

  test('when there are more than 10 articles, then the index pages them 10 at a time', async () => {
    const articles = createArticleRepository(t.db);
    for (let n = 0; n < 12; n += 1) {
      await articles.upsert({
        slug: `paging-${n}`, title: `Paging article ${n}`, author: 'Test', category: 'Paging',
        publishedAt: new Date(Date.UTC(2020, 0, n + 1)), summary: 'For paging.', body: 'Body.',
      });
    }
    const first = await request(t.app).get('/?category=Paging').expect(200);
    expect(first.text.match(/class="article-card"/g)).toHaveLength(10);
    expect(first.text).toContain('Paging article 11');
    expect(first.text).toContain('href="/?category=Paging&amp;page=2"');
    const second = await request(t.app).get('/?category=Paging&page=2').expect(200);
    expect(second.text.match(/class="article-card"/g)).toHaveLength(2);
    expect(second.text).toContain('Paging article 0');
    expect(second.text).not.toContain('Paging article 11');
  });

  test('when a category is chosen, then only its articles are listed', async () => {
    const response = await request(t.app).get('/?category=Healthcare').expect(200);
    const healthcare = await t.db.article.findMany({ where: { category: 'Healthcare' } });
    const other = await t.db.article.findFirst({ where: { category: { not: 'Healthcare' } } });
    for (const article of healthcare) expect(response.text).toContain(article.title);
    expect(response.text).not.toContain(other!.title);
  });

  test.each([['/?page=99'], ['/?page=0'], ['/?page=abc'], ['/?category=No+such+category'], ['/?page=1e9']])(
    'when the index is asked for %s, then it answers 404',
    async (url) => {
      const response = await request(t.app).get(url).expect(404);
      expect(response.text).toContain('Page not found');
    },
  );

  test('when an article is requested, then it is rendered with the banner and phone', async () => {
    const response = await request(t.app).get('/articles/healthcare-administration-vs-healthcare-management').expect(200);
    expect(response.text).toContain('<h1>Healthcare Administration vs. Healthcare Management</h1>');
    expect(response.text).toContain('<table>');
    expect(response.text).toContain("Questions on enrolling? We're here 9am–9pm ET Mon–Fri");
    expect(response.text).toContain('1-800-555-0199');
  });

  test('when the office is open, then the banner says so', async () => {
    t.clock.set(OPEN_MONDAY);
    const response = await request(t.app).get('/').expect(200);
    expect(response.text).toContain('banner--open');
    expect(response.text).toContain('Open now — an advisor will reply today');
  });

  test('when the office is closed, then the banner says when it replies', async () => {
    t.clock.set(CLOSED_SUNDAY);
    const response = await request(t.app).get('/').expect(200);
    expect(response.text).toContain('banner--closed');
    expect(response.text).toContain('Closed — we&#39;ll reply tomorrow after 9:00 AM EST');
  });

  test('when an article body contains a script, then it never reaches the page', async () => {
    await createArticleRepository(t.db).upsert({
      slug: 'hostile', title: 'Hostile <b>title</b>', author: 'Mallory', category: 'Tests', publishedAt: new Date('2020-01-01'),
      summary: 'x', body: 'Hello <script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n[click](javascript:alert(3))',
    });
    const response = await request(t.app).get('/articles/hostile').expect(200);
    expect(response.text).not.toMatch(/<script>alert/);
    expect(response.text).not.toMatch(/<img/);
    expect(response.text).not.toMatch(/href="javascript:/i);
    expect(response.text).toContain('Hostile &lt;b&gt;title&lt;/b&gt;');
  });

  test('when the slug is unknown, then a 404 page is served', async () => {
    const response = await request(t.app).get('/articles/no-such-article').expect(404);
    expect(response.text).toContain('We could not find that article');
    expect(response.text).toContain('banner');
  });

  test.each([['POST', '/articles/x'], ['DELETE', '/'], ['PUT', '/api/office-hours']])(
    'when %s %s is requested, then it answers 404 rather than failing',
    async (method, url) => {
      const response = await request(t.app)[method.toLowerCase() as 'post' | 'delete' | 'put'](url);
      expect(response.status).toBe(404);
    },
  );

  test('when the stylesheet is fetched, then it is cached for a long time', async () => {
    const page = await request(t.app).get('/').expect(200);
    const href = /href="(\/static\/site\.css\?v=[0-9a-f]+)"/.exec(page.text)![1]!;
    const css = await request(t.app).get(href).expect(200);
    expect(css.headers['cache-control']).toMatch(/max-age=31536000/);
    expect(css.headers['content-type']).toMatch(/text\/css/);
  });

  test('when a page is served, then strict security headers come with it', async () => {
    const response = await request(t.app).get('/').expect(200);
    const csp = response.headers['content-security-policy'];
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-powered-by']).toBeUndefined();
  });
});
