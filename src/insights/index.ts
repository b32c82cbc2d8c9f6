/**
 * Insights: what the office's numbers look like. Pure builders of the
 * dashboard's charts (inline SVG drawn on the server) and the sums behind
 * them; the queries live with the leads (leads/lead-statistics.ts) and the
 * page in the staff workspace (staff/dashboard/).
 */
export { stackedBarChart, type StackedBarChart, type BarSeries } from './svg-bar-chart';
export { weekHeatmap, type WeekHeatmap, type OpenPeriod } from './week-heatmap';
export { bucketMinutes, openPeriods, datesBetween, summariseArrivals, type ArrivalCount, type ArrivalSummary, type DayArrivals } from './arrival-summary';
export { escapeXml } from './svg-text';
