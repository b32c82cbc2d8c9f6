import { isbot } from 'isbot';
import { DateTime } from 'luxon';
import type { Clock } from '../platform/clock';
import type { Database } from '../platform/database';
import type { Logger } from '../platform/logger';

/** How often buffered views are written: one upsert at most this often (SPEC §12). */
export const VIEW_FLUSH_MS = 10_000;

/** What a view counter needs to know about a request; no Express types, nothing about the person. */
export interface ViewRequest {
  method: string;
  userAgent: string | undefined;
}

/**
 * Article page views, counted per article and office-local date (SPEC §12).
 *
 * - Only a GET that was answered with the article counts: HEAD (link
 *   checkers, monitors) does not, nor does a 404.
 * - Requests whose User-Agent is a bot's, crawler's or script's (curl,
 *   python-requests, headless browsers…) do not count; `isbot` keeps that
 *   list. A request without a User-Agent is not a browser either.
 * - Nothing about the visitor is read or kept but that one header, and only
 *   for that yes/no: no cookie, no IP, no identifier. A view is a number.
 *
 * Counting is an increment in a Map: the page never waits for the database.
 * The buffer is written with one upsert at most every VIEW_FLUSH_MS and at a
 * graceful shutdown (server.ts). A crash loses what was buffered since the
 * last write (at most 10 s of views). If a write fails (database away), its
 * counts go back into the buffer for the next one; the buffer holds at most
 * one entry per article and date, so it cannot grow without bound.
 */
export function createArticleViews(deps: { db: Database; clock: Clock; timezone: string; logger: Logger }) {
  const { db, clock, timezone, logger } = deps;
  /** views by date, then by slug. */
  let buffer = new Map<string, Map<string, number>>();
  let today = { date: '', startMs: 0, untilMs: 0 };
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> | undefined;

  /** The office-local date now: worked out again only when the day changes, not on every view. */
  function officeDate(): string {
    const now = clock.now().getTime();
    if (now < today.startMs || now >= today.untilMs) {
      const day = DateTime.fromMillis(now, { zone: timezone }).startOf('day');
      today = { date: day.toISODate()!, startMs: day.toMillis(), untilMs: day.plus({ days: 1 }).toMillis() };
    }
    return today.date;
  }

  function add(date: string, slug: string, views: number): void {
    let day = buffer.get(date);
    if (!day) buffer.set(date, (day = new Map()));
    day.set(slug, (day.get(slug) ?? 0) + views);
  }

  async function write(): Promise<void> {
    if (buffer.size === 0) return;
    const taken = buffer;
    buffer = new Map();
    const days: string[] = [];
    const slugs: string[] = [];
    const counts: number[] = [];
    for (const [date, views] of taken) {
      for (const [slug, count] of views) {
        days.push(date);
        slugs.push(slug);
        counts.push(count);
      }
    }
    try {
      await db.pool.query(
        `INSERT INTO article_views (day, article_slug, views)
         SELECT * FROM unnest($1::date[], $2::text[], $3::int[])
         ON CONFLICT (day, article_slug) DO UPDATE SET views = article_views.views + EXCLUDED.views`,
        [days, slugs, counts],
      );
    } catch (error) {
      for (let index = 0; index < days.length; index++) add(days[index]!, slugs[index]!, counts[index]!);
      logger.warn({ event: 'article_views.write_failed', rows: days.length, err: error });
      throw error;
    }
  }

  return {
    /** Counts one view of the article `slug` if the request is a person's GET (see above). */
    count(slug: string, request: ViewRequest): void {
      if (request.method !== 'GET') return;
      const agent = request.userAgent;
      if (!agent || isbot(agent)) return;
      add(officeDate(), slug, 1);
    },

    /** Writes the buffered views now, in one statement; one write at a time. Rejects if the database refused them (they stay buffered). */
    async flush(): Promise<void> {
      while (writing) await writing.catch(() => undefined);
      writing = write();
      try {
        await writing;
      } finally {
        writing = undefined;
      }
    },

    /** Writes every VIEW_FLUSH_MS until stop(); the timer never keeps the process alive. */
    start(intervalMs = VIEW_FLUSH_MS): void {
      if (timer) return;
      timer = setInterval(() => void this.flush().catch(() => undefined), intervalMs);
      timer.unref();
    },

    /** Stops the timer and writes what is left (graceful shutdown). */
    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      timer = undefined;
      await this.flush();
    },

    /** Views waiting to be written, for tests and the log. */
    pending(): number {
      let total = 0;
      for (const views of buffer.values()) for (const count of views.values()) total += count;
      return total;
    },
  };
}

export type ArticleViews = ReturnType<typeof createArticleViews>;

/**
 * Views per article over the office-local dates `fromDay`..`toDay` (both
 * inclusive, YYYY-MM-DD), one row per article that exists or has views:
 * `slug`, `title` (null for an article no longer published), `views`.
 * A SELECT for another query to join (insights/article-funnel.ts); values go
 * in through `bind`, the caller's parameter list.
 */
export function articleViewsSql(bind: (value: string, type: 'text') => string, fromDay: string, toDay: string): string {
  return `SELECT coalesce(a.slug, v.article_slug) AS slug, a.title, coalesce(v.views, 0)::bigint AS views
            FROM articles a
            FULL JOIN (SELECT article_slug, sum(views) AS views FROM article_views
                        WHERE day >= ${bind(fromDay, 'text')}::date AND day <= ${bind(toDay, 'text')}::date
                        GROUP BY article_slug) v ON v.article_slug = a.slug`;
}
