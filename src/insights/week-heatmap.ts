import { coordinate, escapeXml } from './svg-text';

export interface OpenPeriod {
  /** 0 = Monday … 6 = Sunday. */
  day: number;
  /** Minutes after local midnight, [from, to). */
  from: number;
  to: number;
}

export interface WeekHeatmap {
  /** A prefix for element ids, unique on the page. */
  id: string;
  title: string;
  description: string;
  /** Seven column labels, Monday first. */
  dayLabels: readonly string[];
  /** counts[day][hour]: 7 × 24, Monday first. */
  counts: readonly (readonly number[])[];
  /** The posted office hours, outlined on the grid. */
  open: readonly OpenPeriod[];
}

const CELL_WIDTH = 56;
const CELL_HEIGHT = 15;
const LEFT = 48;
const TOP = 40;
const WIDTH = LEFT + 7 * CELL_WIDTH + 8;
const HEIGHT = TOP + 24 * CELL_HEIGHT + 8;

/**
 * Arrivals by hour of the week as a 7 × 24 grid (days across, hours down,
 * like a calendar's week view), darker for more leads, with the office's
 * posted hours outlined exactly (to the minute, so 08:30 opens mid-cell).
 * Inline SVG with role="img", <title> and <desc>; pure.
 */
export function weekHeatmap(chart: WeekHeatmap): string {
  const max = Math.max(0, ...chart.counts.flat());
  const id = escapeXml(chart.id);
  const parts: string[] = [];
  parts.push(`<svg class="chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-labelledby="${id}-title ${id}-desc" xmlns="http://www.w3.org/2000/svg">`);
  parts.push(`<title id="${id}-title">${escapeXml(chart.title)}</title>`);
  parts.push(`<desc id="${id}-desc">${escapeXml(chart.description)}</desc>`);

  chart.dayLabels.slice(0, 7).forEach((label, day) => {
    parts.push(`<text class="chart-text" x="${LEFT + day * CELL_WIDTH + CELL_WIDTH / 2}" y="${TOP - 10}" font-size="12" text-anchor="middle">${escapeXml(label)}</text>`);
  });
  for (let hour = 0; hour < 24; hour += 3) {
    parts.push(`<text class="chart-text" x="${LEFT - 6}" y="${TOP + hour * CELL_HEIGHT + 11}" font-size="11" text-anchor="end">${String(hour).padStart(2, '0')}:00</text>`);
  }

  for (let day = 0; day < 7; day++) {
    for (let hour = 0; hour < 24; hour++) {
      const count = Math.max(0, chart.counts[day]?.[hour] ?? 0);
      // Zero stays pale; any lead is at least clearly tinted, the busiest hour full strength.
      const opacity = count === 0 || max === 0 ? 0 : 0.15 + 0.85 * (count / max);
      const x = LEFT + day * CELL_WIDTH;
      const y = TOP + hour * CELL_HEIGHT;
      parts.push(`<rect class="chart-cell" fill="#f1efe9" stroke="#ffffff" stroke-width="1" x="${x}" y="${y}" width="${CELL_WIDTH}" height="${CELL_HEIGHT}"/>`);
      if (opacity > 0) {
        parts.push(
          `<rect class="chart-fill--heat" fill="#1f4e79" fill-opacity="${coordinate(opacity)}" x="${x + 1}" y="${y + 1}" width="${CELL_WIDTH - 2}" height="${CELL_HEIGHT - 2}">` +
            `<title>${escapeXml(`${chart.dayLabels[day] ?? ''} ${String(hour).padStart(2, '0')}:00: ${count}`)}</title></rect>`,
        );
      }
    }
  }

  for (const period of chart.open) {
    if (period.day < 0 || period.day > 6 || !(period.to > period.from)) continue;
    const x = LEFT + period.day * CELL_WIDTH;
    const y = TOP + (period.from / 60) * CELL_HEIGHT;
    const height = ((Math.min(period.to, 1440) - period.from) / 60) * CELL_HEIGHT;
    parts.push(`<rect class="chart-outline" fill="none" stroke="#a8452b" stroke-width="2.5" x="${x + 1.5}" y="${coordinate(y)}" width="${CELL_WIDTH - 3}" height="${coordinate(height)}"/>`);
  }
  parts.push('</svg>');
  return parts.join('');
}
