import { coordinate, escapeXml, niceCeiling } from './svg-text';

export interface BarSeries {
  name: string;
  /** A class for the page's stylesheet (light and dark colours), e.g. `chart-fill--open`. */
  className: string;
  /** The fill when no stylesheet applies (a saved file, a feed reader). */
  color: string;
  /** One value per category, in category order. */
  values: readonly number[];
}

export interface StackedBarChart {
  /** A prefix for element ids, unique on the page. */
  id: string;
  title: string;
  /** What the chart shows, in words (the text alternative); the page also has the numbers as a table. */
  description: string;
  /** One label per bar. */
  categories: readonly string[];
  /** Stacked bottom to top, in this order. */
  series: readonly BarSeries[];
  /** Draw the legend above the bars (default); false when the page lists the series itself (long names). */
  legend?: boolean;
}

const WIDTH = 480;
const HEIGHT = 260;
const MARGIN = { top: 34, right: 8, bottom: 40, left: 40 };
/** Category labels closer than this (in viewBox units) would overlap: only every n-th is written. */
const MIN_LABEL_SPACING = 44;

/**
 * A stacked bar chart as inline SVG, drawn on the server: no script, and it
 * scales with its container (viewBox, width 100 %). The svg is one image to
 * assistive technology (role="img", <title>, <desc>); each bar segment also
 * has a <title> that browsers show on hover. Pure: markup in, markup out.
 */
export function stackedBarChart(chart: StackedBarChart): string {
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const count = chart.categories.length;
  const totals = chart.categories.map((_, index) => chart.series.reduce((sum, series) => sum + Math.max(0, series.values[index] ?? 0), 0));
  const { top, step } = niceCeiling(Math.max(0, ...totals));
  const y = (value: number) => MARGIN.top + plotHeight - (value / top) * plotHeight;
  const slot = count > 0 ? plotWidth / count : plotWidth;
  const barWidth = Math.max(1, slot * 0.7);
  const id = escapeXml(chart.id);

  const parts: string[] = [];
  parts.push(`<svg class="chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-labelledby="${id}-title ${id}-desc" xmlns="http://www.w3.org/2000/svg">`);
  parts.push(`<title id="${id}-title">${escapeXml(chart.title)}</title>`);
  parts.push(`<desc id="${id}-desc">${escapeXml(chart.description)}</desc>`);

  // Legend, top left.
  let legendX = MARGIN.left;
  for (const series of chart.legend === false ? [] : chart.series) {
    parts.push(`<rect class="${escapeXml(series.className)}" fill="${escapeXml(series.color)}" x="${legendX}" y="8" width="12" height="12"/>`);
    parts.push(`<text class="chart-text" x="${legendX + 17}" y="18" font-size="12">${escapeXml(series.name)}</text>`);
    legendX += 30 + series.name.length * 7;
  }

  // Gridlines and the value axis.
  for (let value = 0; value <= top; value += step) {
    const at = coordinate(y(value));
    parts.push(`<line class="chart-grid" stroke="#767676" stroke-width="${value === 0 ? 1 : 0.5}" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${at}" y2="${at}"/>`);
    parts.push(`<text class="chart-text" x="${MARGIN.left - 6}" y="${coordinate(y(value) + 4)}" font-size="11" text-anchor="end">${value}</text>`);
  }

  if (count === 0) {
    parts.push(`<text class="chart-text" x="${WIDTH / 2}" y="${MARGIN.top + plotHeight / 2}" font-size="13" text-anchor="middle">No data</text>`);
  }

  const labelEvery = Math.max(1, Math.ceil(MIN_LABEL_SPACING / slot));
  chart.categories.forEach((category, index) => {
    const x = MARGIN.left + index * slot + (slot - barWidth) / 2;
    let base = 0;
    for (const series of chart.series) {
      const value = Math.max(0, series.values[index] ?? 0);
      if (value > 0) {
        const topY = y(base + value);
        parts.push(
          `<rect class="${escapeXml(series.className)}" fill="${escapeXml(series.color)}" x="${coordinate(x)}" y="${coordinate(topY)}" width="${coordinate(barWidth)}" height="${coordinate(y(base) - topY)}">` +
            `<title>${escapeXml(`${category}: ${value} ${series.name.toLowerCase()}`)}</title></rect>`,
        );
      }
      base += value;
    }
    if (index % labelEvery === 0) {
      parts.push(`<text class="chart-text" x="${coordinate(MARGIN.left + index * slot + slot / 2)}" y="${HEIGHT - MARGIN.bottom + 16}" font-size="11" text-anchor="middle">${escapeXml(category)}</text>`);
    }
  });
  parts.push('</svg>');
  return parts.join('');
}
