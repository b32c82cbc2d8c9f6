import type { Clock } from '../platform/clock';
import type { Article, ArticleRepository } from './article-repository';
import { renderMarkdown } from './render-markdown';

export interface RenderedArticle {
  article: Article;
  bodyHtml: string;
}

/**
 * Article pages are read far more often than articles change, and rendering
 * Markdown and sanitising it is most of a page's cost. Each article is kept
 * rendered for a short while (30 s by default: an import shows up on every
 * instance within that time), in a bounded map so unknown slugs cannot grow it.
 */
export function createArticleCache(deps: { articles: ArticleRepository; clock: Clock; ttlMs?: number; maxEntries?: number }) {
  const ttlMs = deps.ttlMs ?? 30_000;
  const maxEntries = deps.maxEntries ?? 500;
  const entries = new Map<string, { value: RenderedArticle | null; expiresAt: number }>();

  return {
    async find(slug: string): Promise<RenderedArticle | null> {
      const now = deps.clock.now().getTime();
      const cached = entries.get(slug);
      if (cached && cached.expiresAt > now) return cached.value;
      const article = await deps.articles.findBySlug(slug);
      const value = article ? { article, bodyHtml: renderMarkdown(article.body) } : null;
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!); // oldest first
      entries.delete(slug);
      entries.set(slug, { value, expiresAt: now + ttlMs });
      return value;
    },
  };
}

export type ArticleCache = ReturnType<typeof createArticleCache>;
