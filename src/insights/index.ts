/**
 * Insights: what the office's numbers look like. Pure builders of the
 * dashboard's and the insights page's charts (inline SVG drawn on the server)
 * and the sums behind them; the insights queries (views → inquiries →
 * outcomes, SPEC §12), which join the articles module's view counts with the
 * leads module's funnel SQL. The dashboard's queries live with the leads
 * (leads/lead-statistics.ts); the pages in the staff workspace.
 */
export { stackedBarChart, type StackedBarChart, type BarSeries } from './svg-bar-chart';
export { weekHeatmap, type WeekHeatmap, type OpenPeriod } from './week-heatmap';
export { bucketMinutes, openPeriods, datesBetween, summariseArrivals, type ArrivalCount, type ArrivalSummary, type DayArrivals } from './arrival-summary';
export { escapeXml } from './svg-text';
export { createInsightsQueries, insightsSql, type InsightsQueries, type InsightsRows, type InsightsRange, type ArticleFunnelRow, type CampaignFunnelRow, type ProgramFunnelRow, type WeeklyInquiries } from './insights-queries';
export { insightsJson, insightsRange, insightsCsvRows, weeklyChart, conversionRate, articleLabel, TOP_ARTICLES, INSIGHTS_TABLES, type InsightsJson, type InsightsTable } from './insights-report';
