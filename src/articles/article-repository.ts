import type { Database } from '../platform/database';

export interface ArticleSummary {
  slug: string;
  title: string;
  author: string;
  category: string;
  publishedAt: Date;
  summary: string;
}

export interface Article extends ArticleSummary {
  body: string;
}

export const ARTICLES_PER_PAGE = 10;

const summaryColumns = { slug: true, title: true, author: true, category: true, publishedAt: true, summary: true } as const;

export function createArticleRepository(db: Database) {
  return {
    async listPage(options: { page: number; category?: string }): Promise<{ articles: ArticleSummary[]; total: number }> {
      const where = options.category ? { category: options.category } : {};
      const [articles, total] = await Promise.all([
        db.article.findMany({
          where,
          select: summaryColumns,
          orderBy: [{ publishedAt: 'desc' }, { id: 'desc' }],
          skip: (options.page - 1) * ARTICLES_PER_PAGE,
          take: ARTICLES_PER_PAGE,
        }),
        db.article.count({ where }),
      ]);
      return { articles, total };
    },

    async categories(): Promise<string[]> {
      const rows = await db.article.findMany({ distinct: ['category'], select: { category: true }, orderBy: { category: 'asc' } });
      return rows.map((row) => row.category);
    },

    async findBySlug(slug: string): Promise<Article | null> {
      return db.article.findUnique({ where: { slug }, select: { ...summaryColumns, body: true } });
    },

    /** Adds the article, or updates the one with the same slug. Returns whether it was new. */
    async upsert(article: Article): Promise<'created' | 'updated'> {
      const existing = await db.article.findUnique({ where: { slug: article.slug }, select: { id: true } });
      await db.article.upsert({ where: { slug: article.slug }, create: article, update: article });
      return existing ? 'updated' : 'created';
    },

    async count(): Promise<number> {
      return db.article.count();
    },
  };
}

export type ArticleRepository = ReturnType<typeof createArticleRepository>;
