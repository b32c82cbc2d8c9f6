import { measure, ratioOf, startApp, startStaticPageServer, type Measurement, type Scenario } from '../lib';

/** The foundation issue's bar: the article page keeps ≥ 70 % of a static Express page's throughput. */
const TARGET_RATIO = 0.7;
/** A browser's User-Agent, so every request is a counted view (SPEC §12): the measurement includes the view counter. */
const BROWSER = { 'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36' };

/**
 * GET /articles/:slug on the built app (database lookup, Markdown rendering,
 * layout with live office status, middleware, the view counter) against a
 * bare Express server returning the very same bytes from memory. Both are
 * sent a browser's User-Agent.
 */
export const articleScenario: Scenario = {
  name: 'article',
  summary: `GET /articles/:slug vs. the same bytes from a bare Express server (target ≥ ${TARGET_RATIO})`,
  async run({ durationSec, warmupSec, connections, log }) {
    log('article: starting the app');
    const app = await startApp();
    try {
      log(`article: app ready on ${app.url} (${app.database})`);
      const articlePath = await firstArticlePath(app.url);
      const page = await fetch(`${app.url}${articlePath}`, { signal: AbortSignal.timeout(10_000) });
      const body = Buffer.from(await page.arrayBuffer());
      const contentType = page.headers.get('content-type');
      if (page.status !== 200 || !contentType || body.length === 0) {
        throw new Error(`GET ${articlePath} answered ${page.status} (${contentType ?? 'no content type'}, ${body.length} bytes)`);
      }
      log(`article: ${articlePath} is ${body.length} bytes of ${contentType}`);

      const load = { connections, durationSec, warmupSec, autocannon: { headers: BROWSER } };
      const baseline = await startStaticPageServer(body, contentType);
      let baselineStats;
      try {
        log(`article: loading the baseline (${warmupSec} s warm-up + ${durationSec} s)`);
        baselineStats = await measure({ url: `${baseline.url}${articlePath}`, ...load });
      } finally {
        // Stopped before the app's run so it holds no CPU or memory meanwhile.
        await baseline.stop();
      }

      log(`article: loading the app (${warmupSec} s warm-up + ${durationSec} s)`);
      const appStats = await measure({ url: `${app.url}${articlePath}`, ...load });

      const measurements: Measurement[] = [
        { target: 'baseline (static Express, same bytes)', stats: baselineStats },
        { target: `app GET ${articlePath}`, stats: appStats, ratio: ratioOf(appStats, baselineStats, TARGET_RATIO) },
      ];
      return measurements;
    } finally {
      log('article: stopping the app');
      await app.stop();
    }
  },
};

/** The first article linked from the index page: whatever the seed put first. */
async function firstArticlePath(appUrl: string): Promise<string> {
  const response = await fetch(`${appUrl}/`, { signal: AbortSignal.timeout(10_000) });
  const html = await response.text();
  const match = /href="(\/articles\/[^"?#/]+)"/.exec(html);
  if (response.status !== 200 || !match?.[1]) {
    throw new Error(`GET / answered ${response.status} without an /articles/<slug> link; is the sample content seeded?`);
  }
  return match[1];
}
