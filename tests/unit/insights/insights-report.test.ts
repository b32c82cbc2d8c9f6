import { conversionRate, insightsRange } from '../../../src/insights';
import { formatRate } from '../../../src/staff/insights/insights-routes';

describe('insights report', () => {
  test('when inquiries are divided by views, then the rate is a fraction to 4 places, and null without views', () => {
    expect(conversionRate(7, 150)).toBe(0.0467);
    expect(conversionRate(0, 10)).toBe(0);
    expect(conversionRate(3, 0)).toBeNull();
  });

  test('when a rate is shown, then it is a percentage with one decimal below 10 %, whole above', () => {
    expect(formatRate(0.0467)).toBe('4.7 %');
    expect(formatRate(0.125)).toBe('13 %');
    expect(formatRate(0)).toBe('0 %');
    expect(formatRate(null)).toBe('—');
  });

  test('when a range crosses the end of daylight saving time, then its office weeks start on Monday midnight local time, EDT then EST', () => {
    const range = insightsRange(new Date('2026-10-28T04:00:00Z'), new Date('2026-11-04T05:00:00Z'), 'America/New_York');
    expect(range.firstDay).toBe('2026-10-28');
    expect(range.lastDay).toBe('2026-11-03');
    expect(range.weeks.map((week) => [week.date, week.start.toISOString(), week.end.toISOString()])).toEqual([
      ['2026-10-26', '2026-10-26T04:00:00.000Z', '2026-11-02T05:00:00.000Z'],
      ['2026-11-02', '2026-11-02T05:00:00.000Z', '2026-11-09T05:00:00.000Z'],
    ]);
  });
});
