import { DateTime } from 'luxon';
import { bucketMinutes, datesBetween, openPeriods, summariseArrivals } from '../../../src/insights';
import { createOfficeHours, isOpen } from '../../../src/office-hours';

const office = (hours: string, holidays = '') => createOfficeHours({ timezone: 'America/New_York', hours, holidays });

/** What the database's grouping does: office-local date and bucket start. */
function bucketOf(at: string, size: number, timezone = 'America/New_York') {
  const local = DateTime.fromISO(at, { zone: timezone });
  return { day: local.toISODate()!, minute: Math.floor((local.hour * 60 + local.minute) / size) * size };
}

describe('bucketMinutes', () => {
  test.each([
    ['Mon-Fri 09:00-17:00', 60],
    ['Mon-Fri 08:30-17:00', 30],
    ['Mon-Fri 08:00-17:45; Sat 10:15-12:00', 15],
    ['Mon-Fri 08:05-17:00', 5],
    ['Mon 00:00-24:00', 60],
    ['Mon-Fri 09:07-17:00', 1],
  ])('when the hours are %s, then arrivals are counted in %i-minute buckets, which no opening or closing falls inside', (hours, size) => {
    expect(bucketMinutes(office(hours))).toBe(size);
  });
});

describe('summariseArrivals', () => {
  test('when an opening falls on the half hour, then every arrival is classified exactly as isOpen classifies it', () => {
    const hours = office('Mon-Fri 08:30-17:00', '2026-12-03');
    const size = bucketMinutes(hours);
    const arrivals = [
      '2026-11-30T13:20:00Z', // Mon 08:20 closed
      '2026-11-30T13:40:00Z', // Mon 08:40 open
      '2026-11-30T21:59:59Z', // Mon 16:59:59 open
      '2026-11-30T22:00:00Z', // Mon 17:00 closed
      '2026-12-03T15:00:00Z', // Thu 10:00, a holiday: closed
      '2026-12-05T15:00:00Z', // Sat closed
    ];
    const counts = new Map<string, { day: string; minute: number; leads: number }>();
    for (const at of arrivals) {
      const bucket = bucketOf(at, size);
      const key = `${bucket.day} ${bucket.minute}`;
      counts.set(key, { ...bucket, leads: (counts.get(key)?.leads ?? 0) + 1 });
    }
    const summary = summariseArrivals(hours, [...counts.values()], datesBetween(new Date('2026-11-30T05:00:00Z'), new Date('2026-12-07T05:00:00Z'), 'America/New_York'));
    const expected = new Map<string, { open: number; closed: number }>();
    for (const at of arrivals) {
      const day = bucketOf(at, size).day;
      const row = expected.get(day) ?? { open: 0, closed: 0 };
      row[isOpen(hours, new Date(at)) ? 'open' : 'closed'] += 1;
      expected.set(day, row);
    }
    for (const row of summary.days) expect({ open: row.open, closed: row.closed }).toEqual(expected.get(row.date) ?? { open: 0, closed: 0 });
    expect(summary.days.find((row) => row.date === '2026-11-30')).toEqual({ date: '2026-11-30', open: 2, closed: 2 });
    expect(summary.days).toHaveLength(7);
    expect(summary.byHour[0]![8]).toBe(2);
    expect(summary.byHour[0]![16]).toBe(1);
    expect(summary.byHour[0]![17]).toBe(1);
    expect(summary.byHour[3]![10]).toBe(1);
    expect(summary.byHour[5]![10]).toBe(1);
  });

  test('when the range crosses the end of daylight saving time, then days and hours are office-local wall time', () => {
    const hours = office('Mon-Sun 09:00-17:00');
    // Sunday 1 November 2026: 01:30 happens twice (EDT, then EST); 10:00 EST is 15:00Z.
    const summary = summariseArrivals(hours, [
      { day: '2026-11-01', minute: 60, leads: 2 },
      { day: '2026-11-01', minute: 600, leads: 1 },
    ], datesBetween(new Date('2026-11-01T04:00:00Z'), new Date('2026-11-02T05:00:00Z'), 'America/New_York'));
    expect(summary.days).toEqual([{ date: '2026-11-01', open: 1, closed: 2 }]);
    expect(summary.byHour[6]![1]).toBe(2);
    expect(summary.byHour[6]![10]).toBe(1);
  });

  test.each([
    ['America/New_York', 'Mon-Fri 09:00-21:00; Sun 01:30-02:30', '2027-11-25'],
    ['Europe/London', 'Mon-Sat 08:30-17:30', '2027-03-29'],
    ['Australia/Lord_Howe', 'Mon-Sun 01:00-03:00', ''], // DST moves the clock by 30 minutes, at 02:00
    ['America/Santiago', 'Mon-Sun 00:00-01:00; Mon-Fri 09:00-18:00', ''], // DST changes at midnight
  ])('when nine months of buckets in %s are summarised, then each is classified as isOpen at its start, DST days included', (timezone, schedule, holidays) => {
    const hours = createOfficeHours({ timezone, hours: schedule, holidays });
    const size = bucketMinutes(hours);
    const dates = datesBetween(new Date('2027-03-01T12:00:00Z'), new Date('2027-12-01T12:00:00Z'), timezone);
    const counts = dates.flatMap((day, index) => Array.from({ length: 1440 / size }, (_, slot) => ({ day, minute: slot * size, leads: 1 + ((index + slot) % 5) })));
    const expected = new Map(dates.map((date) => [date, { date, open: 0, closed: 0 }]));
    const byHour = Array.from({ length: 7 }, () => Array.from({ length: 24 }, () => 0));
    for (const count of counts) {
      // The reference: each bucket resolved in the zone, and isOpen asked at its start.
      const [year, month, day] = count.day.split('-').map(Number);
      const start = DateTime.fromObject({ year, month, day, hour: Math.floor(count.minute / 60), minute: count.minute % 60 }, { zone: timezone });
      expected.get(count.day)![isOpen(hours, start.toJSDate()) ? 'open' : 'closed'] += count.leads;
      byHour[start.weekday - 1]![Math.floor(count.minute / 60)]! += count.leads;
    }
    const summary = summariseArrivals(hours, counts, dates);
    expect(summary.days).toEqual([...expected.values()]);
    expect(summary.byHour).toEqual(byHour);
  });

  test('when there are no arrivals, then every day of the range is there with zeros', () => {
    const summary = summariseArrivals(office('Mon-Fri 09:00-17:00'), [], ['2026-11-30', '2026-12-01']);
    expect(summary.days).toEqual([{ date: '2026-11-30', open: 0, closed: 0 }, { date: '2026-12-01', open: 0, closed: 0 }]);
    expect(summary.byHour.flat().every((count) => count === 0)).toBe(true);
  });
});

describe('datesBetween and openPeriods', () => {
  test('when a range ends at midnight, then that day is not included; when it ends mid-day, it is', () => {
    expect(datesBetween(new Date('2026-11-30T05:00:00Z'), new Date('2026-12-02T05:00:00Z'), 'America/New_York')).toEqual(['2026-11-30', '2026-12-01']);
    expect(datesBetween(new Date('2026-11-30T05:00:00Z'), new Date('2026-12-02T17:00:00Z'), 'America/New_York')).toEqual(['2026-11-30', '2026-12-01', '2026-12-02']);
  });

  test('when the schedule has several segments, then each day of each becomes a period, Monday = 0', () => {
    expect(openPeriods(office('Mon,Wed 09:00-17:00; Sat 10:30-14:00'))).toEqual([
      { day: 0, from: 540, to: 1020 },
      { day: 2, from: 540, to: 1020 },
      { day: 5, from: 630, to: 840 },
    ]);
  });
});
