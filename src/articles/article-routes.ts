import express from 'express';
import { z } from 'zod';
import { notFound } from '../platform/errors';
import type { RenderPage } from '../platform/pages';
import { renderMarkdown } from './render-markdown';
import { ARTICLES_PER_PAGE, type ArticleRepository } from './article-repository';

const indexQuery = z.object({
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  category: z.string().trim().min(1).max(60).optional(),
});

export interface ArticleRouteDeps {
  articles: ArticleRepository;
  renderPage: RenderPage;
  /** The region under each article; the inquiry capability fills it with its form. */
  articleAside?: (req: express.Request, article: { slug: string }) => Promise<Record<string, unknown>>;
}

export function articleRouter(deps: ArticleRouteDeps): express.Router {
  const router = express.Router();

  router.get('/', async (req, res) => {
    // A nonsense page or category is a page that does not exist, not an error.
    const query = indexQuery.safeParse({ page: first(req.query.page), category: first(req.query.category) });
    if (!query.success) throw notFound();
    const { page, category } = query.data;
    const [{ articles, total }, categories] = await Promise.all([deps.articles.listPage({ page, category }), deps.articles.categories()]);
    const pages = Math.max(1, Math.ceil(total / ARTICLES_PER_PAGE));
    if (page > pages || (category && total === 0)) throw notFound();

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

  router.get('/articles/:slug', async (req, res) => {
    const article = await deps.articles.findBySlug(req.params.slug);
    if (!article) throw notFound('We could not find that article. It may have moved or been retired.');
    const aside = deps.articleAside ? await deps.articleAside(req, article) : {};
    // The banner shows live office status, and the form carries this visitor's
    // referrer and campaign tags: a browser may keep the page briefly, a shared cache may not.
    res.set('Cache-Control', 'private, max-age=60');
    deps.renderPage(res, 'articles/article', { title: article.title, article, bodyHtml: renderMarkdown(article.body), ...aside });
  });

  return router;
}

function first(value: unknown): unknown {
  return Array.isArray(value) ? value[0] : value;
}
