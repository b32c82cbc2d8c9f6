import type { Clock } from '../platform/clock';
import { createTtlCache } from '../platform/ttl-cache';
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
  // Boxed: "no such article" is worth keeping too, and the cache holds no null.
  const entries = createTtlCache<string, { value: RenderedArticle | null }>({ clock: deps.clock, ttlMs: deps.ttlMs ?? 30_000, max: deps.maxEntries ?? 500 });

  return {
    async find(slug: string): Promise<RenderedArticle | null> {
      const cached = entries.get(slug);
      if (cached) return cached.value;
      const article = await deps.articles.findBySlug(slug);
      const value = article ? { article, bodyHtml: renderMarkdown(article.body) } : null;
      entries.set(slug, { value });
      return value;
    },
  };
}

export type ArticleCache = ReturnType<typeof createArticleCache>;
