/** Articles: the pages people read, stored as Markdown and kept rendered. Routes: ./http.ts. */
export { createArticleRepository, ARTICLES_PER_PAGE, type Article, type ArticleSummary, type ArticleRepository } from './article-repository';
export { parseArticleFile } from './article-file';
export { createArticleCache, type ArticleCache, type RenderedArticle } from './article-cache';
export { createArticleViews, articleViewsSql, VIEW_FLUSH_MS, type ArticleViews, type ViewRequest } from './article-views';
