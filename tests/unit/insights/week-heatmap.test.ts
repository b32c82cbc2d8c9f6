import { weekHeatmap, type WeekHeatmap } from '../../../src/insights';

const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const grid = (cells: Array<[number, number, number]> = []) => {
  const counts = Array.from({ length: 7 }, () => Array.from({ length: 24 }, () => 0));
  for (const [day, hour, count] of cells) counts[day]![hour] = count;
  return counts;
};
const heatmap = (overrides: Partial<WeekHeatmap> = {}): WeekHeatmap => ({
  id: 'by-hour', title: 'Arrivals by hour', description: 'Busiest: Monday 10:00.', dayLabels: DAYS, counts: grid([[0, 10, 4], [2, 22, 1]]), open: [], ...overrides,
});
const cells = (svg: string) =>
  [...svg.matchAll(/<rect class="chart-fill--heat" fill="[^"]+" fill-opacity="([\d.]+)" x="(\d+)" y="(\d+)"[^>]*><title>([^<]*)<\/title>/g)].map((match) => ({
    opacity: Number(match[1]), x: Number(match[2]), y: Number(match[3]), title: match[4],
  }));
const outlines = (svg: string) =>
  [...svg.matchAll(/<rect class="chart-outline"[^>]* x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"/g)].map((match) => match.slice(1).map(Number));

describe('weekHeatmap', () => {
  test('when drawn, then it is one labelled, scalable image with the seven days across and hours down', () => {
    const svg = weekHeatmap(heatmap());
    expect(svg).toMatch(/^<svg class="chart" viewBox="0 0 \d+ \d+" role="img" aria-labelledby="by-hour-title by-hour-desc"/);
    expect(svg).toContain('<title id="by-hour-title">Arrivals by hour</title><desc id="by-hour-desc">Busiest: Monday 10:00.</desc>');
    for (const day of DAYS) expect(svg).toContain(`>${day}</text>`);
    expect(svg).toContain('>00:00</text>');
    expect(svg).toContain('>21:00</text>');
    expect((svg.match(/class="chart-cell"/g) ?? []).length).toBe(7 * 24);
  });

  test('when hours have leads, then only those cells are tinted, the busiest at full strength and the others in proportion', () => {
    const found = cells(weekHeatmap(heatmap()));
    expect(found.map((cell) => cell.title)).toEqual(['Mon 10:00: 4', 'Wed 22:00: 1']);
    expect(found[0]!.opacity).toBe(1);
    expect(found[1]!.opacity).toBeCloseTo(0.15 + 0.85 / 4, 2);
    // Wednesday is two columns right of Monday, 22:00 twelve rows below 10:00.
    expect(found[1]!.x - found[0]!.x).toBe(2 * 56);
    expect(found[1]!.y - found[0]!.y).toBe(12 * 15);
  });

  test('when office hours are given, then each day’s period is outlined to the minute', () => {
    const svg = weekHeatmap(heatmap({ open: [{ day: 0, from: 9 * 60, to: 21 * 60 }, { day: 5, from: 8 * 60 + 30, to: 12 * 60 }, { day: 6, from: 0, to: 1440 }] }));
    const [monday, saturday, sunday] = outlines(svg);
    expect(monday![3]).toBe(12 * 15); // 12 hours tall
    expect(saturday![1]! - monday![1]!).toBeCloseTo(-0.5 * 15); // 08:30 starts half a row above 09:00
    expect(saturday![3]).toBeCloseTo(3.5 * 15);
    expect(saturday![0]! - monday![0]!).toBe(5 * 56);
    expect(sunday![3]).toBe(24 * 15);
  });

  test('when there are no leads and no office hours, then nothing is tinted or outlined and nothing divides by zero', () => {
    const svg = weekHeatmap(heatmap({ counts: grid(), open: [] }));
    expect(cells(svg)).toEqual([]);
    expect(outlines(svg)).toEqual([]);
    expect(svg).not.toMatch(/NaN|Infinity/);
  });

  test('when labels hold markup, then they are escaped', () => {
    const svg = weekHeatmap(heatmap({ title: 'a < b', description: '"x" & y', dayLabels: ['<Mon>', ...DAYS.slice(1)] }));
    expect(svg).toContain('a &lt; b');
    expect(svg).toContain('&quot;x&quot; &amp; y');
    expect(svg).toContain('&lt;Mon&gt;');
    expect(svg).not.toContain('<Mon>');
  });
});
