import { DateTime } from 'luxon';
import type { InsightsRange, InsightsRows } from './insights-queries';
import { stackedBarChart } from './svg-bar-chart';

/** Articles drawn as their own series in the weekly chart; the rest are summed as "Other". */
export const TOP_ARTICLES = 5;

/** Series colours for the weekly chart: distinct in hue and lightness; the stylesheet has dark-mode versions (.chart-fill--s1 …). */
const SERIES_COLOURS = ['#1f4e79', '#a8452b', '#1e6b3a', '#8a4b08', '#6a3d9a'];
const OTHER_COLOUR = '#767676';

/** inquiries ÷ views, a fraction (0.0241 = 2.41 %), rounded to 4 places; null without views. */
export function conversionRate(inquiries: number, views: number): number | null {
  return views > 0 ? Math.round((inquiries / views) * 10_000) / 10_000 : null;
}

/** The range as insights reads it: the instants for leads, the office-local days it touches for views, and its office weeks. */
export function insightsRange(from: Date, until: Date, timezone: string): InsightsRange {
  const firstDay = DateTime.fromJSDate(from, { zone: timezone }).startOf('day');
  const lastDay = DateTime.fromMillis(until.getTime() - 1, { zone: timezone }).startOf('day');
  const weeks: Array<{ date: string; start: Date; end: Date }> = [];
  for (let week = firstDay.startOf('week'); week <= lastDay; week = week.plus({ weeks: 1 })) {
    weeks.push({ date: week.toISODate()!, start: week.toJSDate(), end: week.plus({ weeks: 1 }).toJSDate() });
  }
  return { from, until, firstDay: firstDay.toISODate()!, lastDay: lastDay.toISODate()!, weeks };
}

/** What /admin/insights.json answers (docs/http-api.md), from the rows of the insights queries. */
export function insightsJson(input: { range: InsightsRange; now: Date; timezone: string; rows: InsightsRows }) {
  const { range, rows, timezone } = input;
  const articles = rows.articles.map((row) => ({
    slug: row.slug,
    title: row.title,
    views: Number(row.views),
    inquiries: row.inquiries,
    conversionRate: row.slug === null ? null : conversionRate(row.inquiries, Number(row.views)),
    responded: row.responded,
    qualified: row.qualified,
    enrolled: row.enrolled,
  }));
  const sum = (key: 'views' | 'inquiries' | 'responded' | 'qualified' | 'enrolled') => articles.reduce((total, row) => total + row[key], 0);
  const fromArticles = articles.reduce((total, row) => total + (row.slug === null ? 0 : row.inquiries), 0);

  const titles = new Map(articles.map((row) => [row.slug, row.title]));
  const weeks = range.weeks.map((week) => week.date);
  const weekIndex = new Map(weeks.map((week, index) => [week, index]));
  const series = new Map<string | null, number[]>();
  for (const row of rows.weekly) {
    let values = series.get(row.slug);
    if (!values) series.set(row.slug, (values = weeks.map(() => 0)));
    const index = weekIndex.get(row.week);
    if (index !== undefined) values[index]! += row.inquiries;
  }
  const total = (values: number[]) => values.reduce((a, b) => a + b, 0);
  const ranked = [...series.entries()].filter(([slug]) => slug !== null).sort((a, b) => total(b[1]) - total(a[1]) || String(a[0]).localeCompare(String(b[0])));
  const other = series.get(null);

  return {
    from: range.from.toISOString(),
    until: range.until.toISOString(),
    generatedAt: input.now.toISOString(),
    timezone,
    /** Views are kept per office-local day: the days the range touches. */
    viewDays: { from: range.firstDay, to: range.lastDay },
    totals: {
      views: sum('views'),
      inquiries: sum('inquiries'),
      /** Inquiries sent from an article page ÷ article views. */
      conversionRate: conversionRate(fromArticles, sum('views')),
      responded: sum('responded'),
      qualified: sum('qualified'),
      enrolled: sum('enrolled'),
    },
    articles,
    campaigns: rows.campaigns.map((row) => ({ utmSource: row.utmSource, utmMedium: row.utmMedium, utmCampaign: row.utmCampaign, inquiries: row.inquiries, responded: row.responded, qualified: row.qualified, enrolled: row.enrolled })),
    programs: rows.programs.map((row) => ({ code: row.code, name: row.name, inquiries: row.inquiries, responded: row.responded, qualified: row.qualified, enrolled: row.enrolled })),
    inquiriesPerWeek: {
      weeks,
      articles: [
        ...ranked.map(([slug, values]) => ({ slug, title: titles.get(slug) ?? null, inquiries: values })),
        ...(other ? [{ slug: null, title: null, inquiries: other }] : []),
      ],
    },
  };
}

export type InsightsJson = ReturnType<typeof insightsJson>;

/** The CSV downloads: one per table, columns named as the JSON keys. */
export const INSIGHTS_TABLES = ['articles', 'campaigns', 'programs'] as const;
export type InsightsTable = (typeof INSIGHTS_TABLES)[number];

export function insightsCsvRows(data: InsightsJson, table: InsightsTable): { header: string[]; rows: Array<Array<string | number | null>> } {
  const outcomes = ['inquiries', 'responded', 'qualified', 'enrolled'];
  switch (table) {
    case 'articles':
      return {
        header: ['article', 'title', 'views', ...outcomes.slice(0, 1), 'conversionRate', ...outcomes.slice(1)],
        rows: data.articles.map((row) => [row.slug, row.title, row.views, row.inquiries, row.conversionRate, row.responded, row.qualified, row.enrolled]),
      };
    case 'campaigns':
      return {
        header: ['utmSource', 'utmMedium', 'utmCampaign', ...outcomes],
        rows: data.campaigns.map((row) => [row.utmSource, row.utmMedium, row.utmCampaign, row.inquiries, row.responded, row.qualified, row.enrolled]),
      };
    case 'programs':
      return {
        header: ['program', 'name', ...outcomes],
        rows: data.programs.map((row) => [row.code, row.name, row.inquiries, row.responded, row.qualified, row.enrolled]),
      };
  }
}

/** A label for an article row: its title, else its slug, else "No article". */
export function articleLabel(row: { slug: string | null; title: string | null }, otherLabel = 'No article (JSON API)'): string {
  return row.title ?? row.slug ?? otherLabel;
}

/**
 * The weekly chart: inquiries per week, stacked by the top articles, as
 * inline SVG with its text alternative (title, description, and the numbers
 * as rows for a table beside it). The legend is the page's own HTML list,
 * since article titles are too long to fit inside the drawing.
 */
export function weeklyChart(data: InsightsJson, timezone: string) {
  const { weeks, articles } = data.inquiriesPerWeek;
  const label = (week: string) => DateTime.fromISO(week, { zone: timezone }).toFormat('d LLL');
  const series = articles.map((row, index) => ({
    name: row.slug === null ? 'Other articles and no article' : articleLabel(row),
    className: row.slug === null ? 'chart-fill--other' : `chart-fill--s${index + 1}`,
    color: row.slug === null ? OTHER_COLOUR : SERIES_COLOURS[index % SERIES_COLOURS.length]!,
    values: row.inquiries,
  }));
  const totals = weeks.map((_, index) => series.reduce((sum, one) => sum + (one.values[index] ?? 0), 0));
  const all = totals.reduce((a, b) => a + b, 0);
  const busiest = totals.reduce((best, value, index) => (value > (totals[best] ?? 0) ? index : best), 0);
  const top = series.find((one) => !one.className.endsWith('other'));
  const description =
    all === 0
      ? `No inquiries in the ${plural(weeks.length, 'week', 'weeks')} shown.`
      : `${plural(all, 'inquiry', 'inquiries')} over ${plural(weeks.length, 'week', 'weeks')}; the busiest week began ${label(weeks[busiest]!)} with ${totals[busiest]!.toLocaleString('en-US')}.` +
        (top ? ` The article that brought the most was "${top.name}" with ${top.values.reduce((a, b) => a + b, 0).toLocaleString('en-US')}.` : '');
  return {
    description,
    svg: stackedBarChart({
      id: 'chart-weekly',
      title: `Inquiries per week, by article (top ${TOP_ARTICLES})`,
      description,
      categories: weeks.map(label),
      series,
      legend: false,
    }),
    legend: series.map((one) => ({ name: one.name, className: one.className, color: one.color })),
    columns: series.map((one) => one.name),
    rows: weeks.map((week, index) => ({ label: `Week of ${label(week)}`, values: series.map((one) => one.values[index] ?? 0), total: totals[index] ?? 0 })),
  };
}

function plural(count: number, one: string, many: string): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? one : many}`;
}
