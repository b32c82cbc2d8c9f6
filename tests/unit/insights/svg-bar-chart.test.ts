import { stackedBarChart, type StackedBarChart } from '../../../src/insights';

const chart = (overrides: Partial<StackedBarChart> = {}): StackedBarChart => ({
  id: 'per-day',
  title: 'Leads per day',
  description: '7 leads over 2 days.',
  categories: ['Mon 30', 'Tue 1'],
  series: [
    { name: 'Office open', className: 'chart-fill--open', color: '#1e6b3a', values: [3, 1] },
    { name: 'Office closed', className: 'chart-fill--closed', color: '#8a4b08', values: [1, 2] },
  ],
  ...overrides,
});

/** The bar segments of a chart: class, x, y, width, height. */
const bars = (svg: string) =>
  [...svg.matchAll(/<rect class="(chart-fill--\w+)" fill="[^"]+" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"><title>([^<]*)<\/title>/g)].map((match) => ({
    series: match[1], x: Number(match[2]), y: Number(match[3]), width: Number(match[4]), height: Number(match[5]), title: match[6],
  }));

describe('stackedBarChart', () => {
  test('when drawn, then it is one labelled image: role="img", a <title> and a <desc> it is labelled by, and a viewBox so it scales', () => {
    const svg = stackedBarChart(chart());
    expect(svg).toMatch(/^<svg class="chart" viewBox="0 0 480 260" role="img" aria-labelledby="per-day-title per-day-desc"/);
    expect(svg).toContain('<title id="per-day-title">Leads per day</title><desc id="per-day-desc">7 leads over 2 days.</desc>');
    expect(svg).not.toMatch(/\swidth="\d+" height="\d+" role/); // no fixed size on the svg itself
    expect(svg.endsWith('</svg>')).toBe(true);
  });

  test('when values are stacked, then heights are proportional to the values on a round axis, open at the bottom', () => {
    const segments = bars(stackedBarChart(chart()));
    expect(segments.map((bar) => [bar.series, bar.title])).toEqual([
      ['chart-fill--open', 'Mon 30: 3 office open'],
      ['chart-fill--closed', 'Mon 30: 1 office closed'],
      ['chart-fill--open', 'Tue 1: 1 office open'],
      ['chart-fill--closed', 'Tue 1: 2 office closed'],
    ]);
    // Largest stack 4 → axis 0–4 over a plot 186 units high (260 − 34 − 40): 46.5 per lead.
    expect(segments.map((bar) => bar.height)).toEqual([139.5, 46.5, 46.5, 93]);
    const [monOpen, monClosed] = segments;
    expect(monClosed!.y + monClosed!.height).toBeCloseTo(monOpen!.y); // closed sits on open
    expect(monOpen!.y + monOpen!.height).toBeCloseTo(220); // open starts at the baseline
    expect(segments[2]!.x).toBeGreaterThan(segments[0]!.x);
  });

  test('when the largest total is not round, then the axis goes up to the next round number and labels its steps', () => {
    const svg = stackedBarChart(chart({ categories: ['Mon'], series: [{ name: 'Leads', className: 'chart-fill--open', color: '#000', values: [37] }] }));
    const ticks = [...svg.matchAll(/text-anchor="end">(\d+)<\/text>/g)].map((match) => Number(match[1]));
    expect(ticks).toEqual([0, 10, 20, 30, 40]);
    expect(bars(svg)[0]!.height).toBeCloseTo((37 / 40) * 186, 1);
  });

  test('when the legend is left to the page, then the series names are not drawn but the bars and their titles are', () => {
    const svg = stackedBarChart(chart({ legend: false }));
    expect(svg).not.toContain('>Office open</text>');
    expect(bars(svg)).toHaveLength(4);
    expect(stackedBarChart(chart())).toContain('>Office open</text>');
  });

  test('when labels, names, ids or colours hold markup, then they are escaped', () => {
    const svg = stackedBarChart(chart({
      id: 'a"b',
      title: '<script>alert(1)</script>',
      description: 'Tom & Jerry\'s "leads"',
      categories: ['<b>Mon</b>'],
      series: [{ name: '<i>open</i>', className: 'x" onload="alert(1)', color: 'red" onclick="x', values: [1] }],
    }));
    expect(svg).not.toMatch(/<script|<b>|<i>|" onload=|" onclick=/);
    expect(svg).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(svg).toContain('Tom &amp; Jerry&#39;s &quot;leads&quot;');
    expect(svg).toContain('aria-labelledby="a&quot;b-title a&quot;b-desc"');
    expect(svg).toContain('&lt;b&gt;Mon&lt;/b&gt;: 1 &lt;i&gt;open&lt;/i&gt;');
  });

  test('when there is no data, then it draws an empty axis that says so, without dividing by zero', () => {
    const empty = stackedBarChart(chart({ categories: [], series: [] }));
    expect(empty).toContain('>No data</text>');
    expect(empty).not.toMatch(/NaN|Infinity/);
    const zeros = stackedBarChart(chart({ categories: ['Mon', 'Tue'], series: [{ name: 'Leads', className: 'c', color: '#000', values: [0, 0] }] }));
    expect(bars(zeros)).toEqual([]);
    expect(zeros).not.toMatch(/NaN|Infinity/);
  });

  test('when there are many days, then only every few are labelled so labels never overlap', () => {
    const categories = Array.from({ length: 90 }, (_, index) => `d${index}`);
    const svg = stackedBarChart(chart({ categories, series: [{ name: 'Leads', className: 'c', color: '#000', values: categories.map(() => 1) }] }));
    const labels = [...svg.matchAll(/<text class="chart-text" x="([\d.]+)" y="236"[^>]*>(d\d+)<\/text>/g)].map((match) => Number(match[1]));
    expect(labels.length).toBeLessThan(12);
    expect(labels.length).toBeGreaterThan(5);
    for (let index = 1; index < labels.length; index++) expect(labels[index]! - labels[index - 1]!).toBeGreaterThanOrEqual(44);
  });
});
