import pino from 'pino';
import request from 'supertest';
import { createArticleViews } from '../../../src/articles';
import { createDatabase } from '../../../src/platform/database';
import { createTestApp, type TestApp } from '../../support/test-app';

const CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const FIREFOX = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14.6; rv:132.0) Gecko/20100101 Firefox/132.0';
const ARTICLE = '/articles/how-online-classes-work';
const SLUG = 'how-online-classes-work';

/**
 * Article views (SPEC §12), counted on the server per article and
 * office-local date (America/New_York), buffered, and written by flush()
 * (every 10 s in the running server, at once here).
 */
describe('Article view counting', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ now: '2026-11-30T15:00:00.000Z' });
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    await t.articleViews.flush();
    await t.db.$executeRaw`DELETE FROM article_views`;
  });

  const stored = async () =>
    (await t.db.$queryRaw<Array<{ day: string; slug: string; views: number }>>`
      SELECT to_char(day, 'YYYY-MM-DD') AS day, article_slug AS slug, views FROM article_views ORDER BY day, article_slug`);

  test('when browsers read an article, then each GET is one view of that office-local date, and nothing is written before the flush', async () => {
    t.clock.set('2026-11-30T15:00:00.000Z'); // Mon 10:00 EST
    await request(t.app).get(ARTICLE).set('User-Agent', CHROME).expect(200);
    await request(t.app).get(ARTICLE).set('User-Agent', FIREFOX).expect(200);
    await request(t.app).get(`${ARTICLE}?utm_source=newsletter`).set('User-Agent', CHROME).expect(200);
    expect(t.articleViews.pending()).toBe(3);
    expect(await stored()).toEqual([]);

    await t.articleViews.flush();
    expect(t.articleViews.pending()).toBe(0);
    expect(await stored()).toEqual([{ day: '2026-11-30', slug: SLUG, views: 3 }]);
  });

  test('when a bot, a script, a HEAD request, a request without User-Agent or an unknown slug comes, then no view is counted', async () => {
    t.clock.set('2026-11-30T15:00:00.000Z');
    const agents = [
      'curl/8.5.0',
      'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
      'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
      'python-requests/2.32.3',
      'Wget/1.21.4',
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36',
    ];
    for (const agent of agents) await request(t.app).get(ARTICLE).set('User-Agent', agent).expect(200);
    await request(t.app).head(ARTICLE).set('User-Agent', CHROME).expect(200);
    await request(t.app).get(ARTICLE).unset('User-Agent').expect(200);
    await request(t.app).get('/articles/no-such-article').set('User-Agent', CHROME).expect(404);
    await request(t.app).get('/').set('User-Agent', CHROME).expect(200);

    expect(t.articleViews.pending()).toBe(0);
    await t.articleViews.flush();
    expect(await stored()).toEqual([]);
  });

  test('when views come either side of midnight in the office zone, then they count on the office-local dates, not UTC dates', async () => {
    t.clock.set('2026-12-01T04:30:00.000Z'); // Mon 30 Nov 23:30 EST (already 1 December in UTC)
    await request(t.app).get(ARTICLE).set('User-Agent', CHROME).expect(200);
    t.clock.set('2026-12-01T05:30:00.000Z'); // Tue 1 Dec 00:30 EST
    await request(t.app).get(ARTICLE).set('User-Agent', CHROME).expect(200);
    await request(t.app).get(ARTICLE).set('User-Agent', CHROME).expect(200);
    // And back before midnight (a clock set backwards still gets the right date).
    t.clock.set('2026-12-01T04:59:59.999Z');
    await request(t.app).get('/articles/nursing-prerequisites-explained').set('User-Agent', CHROME).expect(200);

    await t.articleViews.flush();
    expect(await stored()).toEqual([
      { day: '2026-11-30', slug: SLUG, views: 1 },
      { day: '2026-11-30', slug: 'nursing-prerequisites-explained', views: 1 },
      { day: '2026-12-01', slug: SLUG, views: 2 },
    ]);
  });

  test('when a later flush has more views of the same article and date, then they are added to the stored count', async () => {
    t.clock.set('2026-11-30T15:00:00.000Z');
    await request(t.app).get(ARTICLE).set('User-Agent', CHROME).expect(200);
    await t.articleViews.flush();
    await request(t.app).get(ARTICLE).set('User-Agent', CHROME).expect(200);
    await request(t.app).get(ARTICLE).set('User-Agent', CHROME).expect(200);
    await t.articleViews.flush();
    await t.articleViews.flush(); // nothing buffered: writes nothing
    expect(await stored()).toEqual([{ day: '2026-11-30', slug: SLUG, views: 3 }]);
  });

  test('when the database refuses a write, then the views stay buffered for the next one', async () => {
    const down = createDatabase('postgresql://nobody:nothing@127.0.0.1:9/none', { poolSize: 1 });
    const views = createArticleViews({ db: down, clock: t.clock, timezone: 'America/New_York', logger: pino({ level: 'silent' }) });
    try {
      views.count(SLUG, { method: 'GET', userAgent: CHROME });
      views.count(SLUG, { method: 'GET', userAgent: CHROME });
      await expect(views.flush()).rejects.toThrow();
      expect(views.pending()).toBe(2);
      views.count(SLUG, { method: 'GET', userAgent: CHROME });
      await expect(views.flush()).rejects.toThrow();
      expect(views.pending()).toBe(3);
    } finally {
      await down.$disconnect();
    }
  });

  test('when two writes are asked for at once, then they run one after the other and every view is stored once', async () => {
    t.clock.set('2026-11-30T15:00:00.000Z');
    for (let n = 0; n < 5; n++) t.articleViews.count(SLUG, { method: 'GET', userAgent: CHROME });
    const first = t.articleViews.flush();
    t.articleViews.count(SLUG, { method: 'GET', userAgent: CHROME });
    await Promise.all([first, t.articleViews.flush()]);
    expect(await stored()).toEqual([{ day: '2026-11-30', slug: SLUG, views: 6 }]);
  });

  test('when a view is counted, then the response sets no cookie', async () => {
    const response = await request(t.app).get(ARTICLE).set('User-Agent', CHROME).expect(200);
    expect(response.headers['set-cookie']).toBeUndefined();
  });
});
