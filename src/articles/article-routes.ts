import express from 'express';
import { z } from 'zod';
import type { Clock } from '../platform/clock';
import { errors } from '../platform/errors';
import { createTtlCache } from '../platform/ttl-cache';
import type { RenderPage } from '../platform/pages';
import type { ArticleCache } from './article-cache';
import type { ViewRequest } from './article-views';
import { ARTICLES_PER_PAGE, type ArticleRepository } from './article-repository';

const indexQuery = z.object({
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  category: z.string().trim().min(1).max(60).optional(),
});

export interface ArticleRouteDeps {
  articles: ArticleRepository;
  rendered: ArticleCache;
  renderPage: RenderPage;
  clock: Clock;
  /**
   * The region beside each article, filled by the inquiry capability. Its
   * shared part is rendered once into the kept page; `personalize` then adds
   * what belongs to this visitor (form token, campaign tags, referrer).
   */
  articleAside?: {
    render(article: { slug: string }): Promise<Record<string, unknown>>;
    /** Markers that `render` leaves in the page, in page order. */
    slots: readonly string[];
    /** What goes in each slot for this visitor, in the same order. */
    fill(req: express.Request, article: { slug: string }): string[];
  };
  /** Counts a served article page as a view (article-views.ts decides which requests are views). */
  views?: { count(slug: string, request: ViewRequest): void };
}

// Rendered article pages are kept briefly: layout, article and form are the
// same for every visitor until the banner changes or the article is edited.
const PAGE_TTL_MS = 30_000;
const MAX_PAGES = 500;

export function articleRouter(deps: ArticleRouteDeps): express.Router {
  const router = express.Router();

  router.get('/', async (req, res) => {
    // A nonsense page or category is a page that does not exist, not an error.
    const query = indexQuery.safeParse({ page: first(req.query.page), category: first(req.query.category) });
    if (!query.success) throw errors.notFound();
    const { page, category } = query.data;
    const [{ articles, total }, categories] = await Promise.all([deps.articles.listPage({ page, category }), deps.articles.categories()]);
    const pages = Math.max(1, Math.ceil(total / ARTICLES_PER_PAGE));
    if (page > pages || (category && total === 0)) throw errors.notFound();

    const link = (target: number) => `/?${new URLSearchParams({ ...(category ? { category } : {}), ...(target > 1 ? { page: String(target) } : {}) })}`.replace(/\?$/, '');
    res.set('Cache-Control', 'public, max-age=60');
    deps.renderPage(res, 'articles/index', {
      title: category ?? 'Articles',
      articles,
      categories,
      category,
      pagination: { page, pages, previous: page > 1 ? link(page - 1) : null, next: page < pages ? link(page + 1) : null },
    });
  });

  // A kept page is stored as bytes cut at the visitor's slots, so serving it
  // copies buffers instead of re-encoding 25 kB of text for every request.
  const pages = createTtlCache<string, { parts: Buffer[]; layout: string }>({ clock: deps.clock, ttlMs: PAGE_TTL_MS, max: MAX_PAGES });
  const slots = deps.articleAside?.slots ?? [];

  async function articlePage(slug: string): Promise<Buffer[] | null> {
    const layout = deps.renderPage.layoutVersion();
    const kept = pages.get(slug);
    if (kept && kept.layout === layout) return kept.parts;
    const found = await deps.rendered.find(slug);
    if (!found) return null;
    const { article, bodyHtml } = found;
    const aside = deps.articleAside ? await deps.articleAside.render(article) : {};
    const html = deps.renderPage.html('articles/article', { title: article.title, article, bodyHtml, ...aside });
    const parts = splitAt(html, slots).map((text) => Buffer.from(text));
    pages.set(slug, { parts, layout });
    return parts;
  }

  router.get('/articles/:slug', async (req, res) => {
    const slug = req.params.slug;
    const parts = await articlePage(slug);
    if (!parts) throw errors.notFound('We could not find that article. It may have moved or been retired.');
    deps.views?.count(slug, { method: req.method, userAgent: req.headers['user-agent'] });
    const values = deps.articleAside?.fill(req, { slug }) ?? [];
    const body = Buffer.concat(parts.flatMap((part, index) => (index < values.length ? [part, Buffer.from(values[index]!)] : [part])));
    // The banner shows live office status, and the form carries this visitor's
    // referrer, campaign tags and token: a browser may keep the page briefly, a
    // shared cache may not, and an ETag could never match twice.
    res.setHeader('Cache-Control', 'private, max-age=60');
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.setHeader('Content-Length', body.length);
    res.end(body);
  });

  return router;
}

/** `html` cut at each marker in turn: markers.length + 1 pieces. */
function splitAt(html: string, markers: readonly string[]): string[] {
  const pieces: string[] = [];
  let rest = html;
  for (const marker of markers) {
    const at = rest.indexOf(marker);
    // A programmer error: the template and this code disagree about its slots.
    if (at === -1) throw new Error(`The article template lost the slot ${marker}`);
    pieces.push(rest.slice(0, at));
    rest = rest.slice(at + marker.length);
  }
  return [...pieces, rest];
}

function first(value: unknown): unknown {
  return Array.isArray(value) ? value[0] : value;
}
