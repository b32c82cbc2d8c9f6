import { articleViewsSql } from '../articles';
import { leadFunnelSql, parameterBinder, programFunnelSql, weeklyArticleInquiriesSql, type FunnelRange } from '../leads';
import type { Database } from '../platform/database';

/** The four outcome counts of a funnel row (leads/lead-funnel.ts defines them). */
export interface FunnelCounts {
  inquiries: number;
  responded: number;
  qualified: number;
  enrolled: number;
}

export interface ArticleFunnelRow extends FunnelCounts {
  /** null: inquiries sent without an article (the JSON API). */
  slug: string | null;
  /** null for an article no longer published, or no article. */
  title: string | null;
  views: number;
}

export interface CampaignFunnelRow extends FunnelCounts {
  utmSource: string | null;
  utmMedium: string | null;
  utmCampaign: string | null;
}

export interface ProgramFunnelRow extends FunnelCounts {
  code: string;
  /** null if the program was removed from the catalogue. */
  name: string | null;
}

export interface WeeklyInquiries {
  /** Monday of the office-local week, YYYY-MM-DD. */
  week: string;
  /** null: every article outside the top ones, and inquiries without an article. */
  slug: string | null;
  inquiries: number;
}

export interface InsightsRange extends FunnelRange {
  /** The office-local dates whose views count: the days the range touches (views are kept per day). */
  firstDay: string;
  lastDay: string;
  /** Every office week (Monday 00:00 to Monday 00:00 in the office zone) the range touches: its date and its instants. */
  weeks: ReadonlyArray<{ date: string; start: Date; end: Date }>;
}

/**
 * The SQL of each insights table: one statement per table, the lead part
 * written by the leads module and the view part by the articles module.
 * Exported for the bench, which EXPLAINs them.
 */
export const insightsSql = {
  /** Every article with views or inquiries in the range, joined with its funnel; slug null = no article. */
  articles(range: InsightsRange) {
    const { bind, values } = parameterBinder();
    const text = `
      WITH v AS (${articleViewsSql(bind, range.firstDay, range.lastDay)}),
           f AS (${leadFunnelSql('article', range, bind)})
      SELECT coalesce(v.slug, f.article_slug) AS slug, v.title, coalesce(v.views, 0)::float8 AS views,
             coalesce(f.inquiries, 0) AS inquiries, coalesce(f.responded, 0) AS responded,
             coalesce(f.qualified, 0) AS qualified, coalesce(f.enrolled, 0) AS enrolled
        FROM v FULL JOIN f ON f.article_slug = v.slug
       WHERE coalesce(v.views, 0) > 0 OR f.inquiries > 0
       ORDER BY inquiries DESC, views DESC, slug NULLS LAST`;
    return { text, values };
  },
  campaigns(range: InsightsRange) {
    const { bind, values } = parameterBinder();
    const text = `SELECT f.utm_source AS "utmSource", f.utm_medium AS "utmMedium", f.utm_campaign AS "utmCampaign",
                         f.inquiries, f.responded, f.qualified, f.enrolled
                    FROM (${leadFunnelSql('campaign', range, bind)}) f
                   ORDER BY f.inquiries DESC, f.utm_source NULLS LAST, f.utm_medium NULLS LAST, f.utm_campaign NULLS LAST`;
    return { text, values };
  },
  programs(range: InsightsRange) {
    const { bind, values } = parameterBinder();
    return { text: programFunnelSql(range, bind), values };
  },
  weekly(range: InsightsRange, top: number) {
    const { bind, values } = parameterBinder();
    return { text: weeklyArticleInquiriesSql(range, range.weeks, top, bind), values };
  },
};

export function createInsightsQueries(db: Database) {
  const run = async <T>(query: { text: string; values: string[] }): Promise<T[]> => (await db.pool.query(query.text, query.values)).rows as T[];
  return {
    /** The three tables and the weekly chart's counts, queried side by side. */
    async report(range: InsightsRange, topArticles: number) {
      const [articles, campaigns, programs, weeklyRows] = await Promise.all([
        run<ArticleFunnelRow>(insightsSql.articles(range)),
        run<CampaignFunnelRow>(insightsSql.campaigns(range)),
        run<ProgramFunnelRow>(insightsSql.programs(range)),
        run<{ week: number; slug: string | null; inquiries: number }>(insightsSql.weekly(range, topArticles)),
      ]);
      // The query numbers the weeks from 1 (WITH ORDINALITY).
      const weekly: WeeklyInquiries[] = weeklyRows.map((row) => ({ week: range.weeks[row.week - 1]?.date ?? '', slug: row.slug, inquiries: row.inquiries }));
      return { articles, campaigns, programs, weekly };
    },
  };
}

export type InsightsQueries = ReturnType<typeof createInsightsQueries>;
export type InsightsRows = Awaited<ReturnType<InsightsQueries['report']>>;
