import fc from 'fast-check';
import { DateTime, IANAZone } from 'luxon';
import {
  addOfficeTime,
  createOfficeHours,
  earliestOpenAt,
  isOpen,
  officeTimeBetween,
  type OfficeHours,
} from '../../../src/office-hours';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const newYork = (hours = 'Mon-Fri 09:00-21:00', holidays = ''): OfficeHours =>
  createOfficeHours({ timezone: 'America/New_York', hours, holidays });

const instant = (iso: string) => new Date(iso);
const iso = (date: Date | null) => date?.toISOString() ?? null;

describe('addOfficeTime', () => {
  test('when a lead arrives Friday 20:55 with a 15-minute target, then it is due Monday 09:10', () => {
    // Arrange: Friday 2026-11-27 20:55 EST
    const from = instant('2026-11-28T01:55:00.000Z');

    // Act
    const due = addOfficeTime(newYork(), from, 15 * MINUTE);

    // Assert: Monday 2026-11-30 09:10 EST
    expect(iso(due)).toBe('2026-11-30T14:10:00.000Z');
  });

  test('when the Monday after is a holiday, then the target runs on into Tuesday 09:10', () => {
    // Arrange: Friday 2026-09-04 20:55 EDT, Monday 2026-09-07 a holiday
    const office = newYork('Mon-Fri 09:00-21:00', '2026-09-07');

    // Act
    const due = addOfficeTime(office, instant('2026-09-05T00:55:00.000Z'), 15 * MINUTE);

    // Assert: Tuesday 2026-09-08 09:10 EDT
    expect(iso(due)).toBe('2026-09-08T13:10:00.000Z');
  });

  test('when it starts in closed time on Saturday, then counting starts at the Monday opening', () => {
    // Arrange: Saturday 2026-11-28 12:00 EST
    const from = instant('2026-11-28T17:00:00.000Z');

    // Act / Assert: Monday 09:30 EST
    expect(iso(addOfficeTime(newYork(), from, 30 * MINUTE))).toBe('2026-11-30T14:30:00.000Z');
  });

  test('when it starts exactly at the opening, then the whole duration counts from there', () => {
    // Arrange: Monday 2026-11-30 09:00 EST
    const from = instant('2026-11-30T14:00:00.000Z');

    // Act / Assert
    expect(iso(addOfficeTime(newYork(), from, 15 * MINUTE))).toBe('2026-11-30T14:15:00.000Z');
  });

  test('when it starts exactly at the closing, then it is closed time and counting starts next morning', () => {
    // Arrange: Monday 2026-11-30 21:00 EST
    const from = instant('2026-12-01T02:00:00.000Z');

    // Act / Assert: Tuesday 09:15 EST
    expect(iso(addOfficeTime(newYork(), from, 15 * MINUTE))).toBe('2026-12-01T14:15:00.000Z');
  });

  test('when the duration runs out exactly at the closing, then the result is the closing instant, not the next opening', () => {
    // Arrange: Monday 2026-11-30 20:45 EST
    const from = instant('2026-12-01T01:45:00.000Z');

    // Act
    const due = addOfficeTime(newYork(), from, 15 * MINUTE);
    const oneMsMore = addOfficeTime(newYork(), from, 15 * MINUTE + 1);

    // Assert: 21:00 EST, itself closed; one more millisecond falls into Tuesday 09:00
    expect(iso(due)).toBe('2026-12-01T02:00:00.000Z');
    expect(isOpen(newYork(), due as Date)).toBe(false);
    expect(iso(oneMsMore)).toBe('2026-12-01T14:00:00.001Z');
  });

  test.each([
    ['2026-11-30T15:00:00.000Z', '2026-11-30T15:00:00.000Z', 'open: the instant itself'],
    ['2026-11-29T15:00:00.000Z', '2026-11-30T14:00:00.000Z', 'a Sunday: the Monday opening'],
    ['2026-12-01T02:00:00.000Z', '2026-12-01T14:00:00.000Z', 'exactly at closing: the next opening'],
  ])('when the duration is 0 at %s, then it is %s (%s)', (from, expected) => {
    expect(iso(addOfficeTime(newYork(), instant(from), 0))).toBe(expected);
  });

  test('when there is a lunch break, then the break does not count', () => {
    // Arrange: Monday 2026-11-30 11:50 EST
    const office = newYork('Mon 09:00-12:00; Mon 13:00-17:00');

    // Act / Assert: 10 minutes before noon, 10 after 13:00
    expect(iso(addOfficeTime(office, instant('2026-11-30T16:50:00.000Z'), 20 * MINUTE))).toBe(
      '2026-11-30T18:10:00.000Z',
    );
  });

  test('when periods meet at midnight, then counting runs through it without a pause', () => {
    // Arrange: Monday 2026-11-30 23:50 EST
    const office = newYork('Mon-Fri 09:00-24:00; Tue-Sat 00:00-02:00');

    // Act / Assert: Tuesday 00:10 EST; and at the meeting point itself, 0 is that instant
    expect(iso(addOfficeTime(office, instant('2026-12-01T04:50:00.000Z'), 20 * MINUTE))).toBe(
      '2026-12-01T05:10:00.000Z',
    );
    expect(iso(addOfficeTime(office, instant('2026-12-01T05:00:00.000Z'), 0))).toBe('2026-12-01T05:00:00.000Z');
  });

  test('when the target is a whole year of open time, then it ends at the closing on the last open day', () => {
    // Arrange: 2026 from local midnight, open 12 h on each of 261 weekdays less the Labor Day holiday
    const office = newYork('Mon-Fri 09:00-21:00', '2026-09-07');

    // Act
    const due = addOfficeTime(office, instant('2026-01-01T05:00:00.000Z'), 260 * 12 * HOUR);

    // Assert: Thursday 2026-12-31 21:00 EST
    expect(iso(due)).toBe('2027-01-01T02:00:00.000Z');
  });

  test('when the office has no segments, then it never opens and the result is null', () => {
    // Arrange: built by hand, as configuration refuses an empty schedule
    const office: OfficeHours = { timezone: 'America/New_York', segments: [], holidays: [] };

    // Act / Assert
    expect(addOfficeTime(office, instant('2026-11-30T15:00:00.000Z'), MINUTE)).toBeNull();
    expect(addOfficeTime(office, instant('2026-11-30T15:00:00.000Z'), 0)).toBeNull();
  });

  test('when every opening for 60 weeks is a holiday, then the result is null, as for nextOpening', () => {
    // Arrange: Fridays only, and every Friday for 60 weeks a holiday
    const fridays = Array.from({ length: 60 }, (_, week) =>
      new Date(Date.UTC(2026, 10, 27 + 7 * week)).toISOString().slice(0, 10),
    );
    const office = newYork('Fri 09:00-10:00', fridays.join(','));

    // Act / Assert
    expect(addOfficeTime(office, instant('2026-11-26T12:00:00.000Z'), MINUTE)).toBeNull();
  });

  test.each([[-1], [1.5], [Number.NaN], [Number.POSITIVE_INFINITY]])(
    'when the duration is %s, then it is refused with a RangeError',
    (duration) => {
      expect(() => addOfficeTime(newYork(), instant('2026-11-30T15:00:00.000Z'), duration)).toThrow(RangeError);
    },
  );

  test('when the start is an invalid Date, then it is refused with a RangeError', () => {
    expect(() => addOfficeTime(newYork(), new Date(Number.NaN), MINUTE)).toThrow(RangeError);
  });
});

describe('officeTimeBetween', () => {
  test('when measuring from Friday 20:00 to Monday 10:00, then only the two open hours count', () => {
    // Arrange: Friday 2026-11-27 20:00 EST → Monday 2026-11-30 10:00 EST
    const from = instant('2026-11-28T01:00:00.000Z');
    const to = instant('2026-11-30T15:00:00.000Z');

    // Act
    const between = officeTimeBetween(newYork(), from, to);

    // Assert
    expect(between).toBe(2 * HOUR);
  });

  test('when the end is not after the start, then it is 0', () => {
    const at = instant('2026-11-30T15:00:00.000Z');
    expect(officeTimeBetween(newYork(), at, at)).toBe(0);
    expect(officeTimeBetween(newYork(), at, instant('2026-11-30T14:00:00.000Z'))).toBe(0);
  });

  test('when the span is a whole year, then it is the sum of the open days', () => {
    // Arrange: 2026 in New York, 261 weekdays, Labor Day a holiday
    const office = newYork('Mon-Fri 09:00-21:00', '2026-09-07');

    // Act
    const between = officeTimeBetween(office, instant('2026-01-01T05:00:00.000Z'), instant('2027-01-01T05:00:00.000Z'));

    // Assert
    expect(between).toBe(260 * 12 * HOUR);
  });

  test('when the office never opens, then nothing counts however long the span', () => {
    const office: OfficeHours = { timezone: 'America/New_York', segments: [], holidays: [] };
    expect(officeTimeBetween(office, instant('2026-01-01T00:00:00.000Z'), instant('2028-01-01T00:00:00.000Z'))).toBe(0);
  });

  test('when an end is an invalid Date, then it is refused with a RangeError', () => {
    expect(() => officeTimeBetween(newYork(), instant('2026-11-30T15:00:00.000Z'), new Date(Number.NaN))).toThrow(
      RangeError,
    );
  });
});

describe('on the dates of the 2026 US DST changes (America/New_York)', () => {
  const aroundTheClock = newYork('Mon-Sun 00:00-24:00');

  test('when open around the clock on the date of the DST change in spring (Mar 8), then the day holds 23 hours of open time', () => {
    // Arrange: 00:00 EST to the next midnight, 00:00 EDT
    const midnight = instant('2026-03-08T05:00:00.000Z');
    const nextMidnight = instant('2026-03-09T04:00:00.000Z');

    // Act / Assert
    expect(officeTimeBetween(aroundTheClock, midnight, nextMidnight)).toBe(23 * HOUR);
    expect(iso(addOfficeTime(aroundTheClock, midnight, 23 * HOUR))).toBe(nextMidnight.toISOString());
  });

  test('when open around the clock on the date of the DST change in autumn (Nov 1), then the day holds 25 hours of open time', () => {
    // Arrange: 00:00 EDT to the next midnight, 00:00 EST
    const midnight = instant('2026-11-01T04:00:00.000Z');
    const nextMidnight = instant('2026-11-02T05:00:00.000Z');

    // Act / Assert
    expect(officeTimeBetween(aroundTheClock, midnight, nextMidnight)).toBe(25 * HOUR);
    expect(iso(addOfficeTime(aroundTheClock, midnight, 25 * HOUR))).toBe(nextMidnight.toISOString());
  });

  test('when a Sunday segment 01:00-04:00 spans the spring-forward jump on the date of the DST change, then it is 2 hours long', () => {
    // Arrange: 01:00 EST (06:00Z) to 04:00 EDT (08:00Z)
    const office = newYork('Sun 01:00-04:00');

    // Act / Assert: 90 minutes from the opening is 03:30 EDT
    expect(officeTimeBetween(office, instant('2026-03-08T00:00:00.000Z'), instant('2026-03-09T00:00:00.000Z'))).toBe(
      2 * HOUR,
    );
    expect(iso(addOfficeTime(office, instant('2026-03-08T05:00:00.000Z'), 90 * MINUTE))).toBe(
      '2026-03-08T07:30:00.000Z',
    );
  });

  test('when a Sunday segment 01:00-04:00 spans the fall-back repeat on the date of the DST change, then it is 4 hours long', () => {
    // Arrange: 01:00 EDT (05:00Z) to 04:00 EST (09:00Z)
    const office = newYork('Sun 01:00-04:00');

    // Act / Assert: 3 hours from the opening is 03:00 EST, after the repeated hour
    expect(officeTimeBetween(office, instant('2026-11-01T00:00:00.000Z'), instant('2026-11-02T00:00:00.000Z'))).toBe(
      4 * HOUR,
    );
    expect(iso(addOfficeTime(office, instant('2026-11-01T04:00:00.000Z'), 3 * HOUR))).toBe(
      '2026-11-01T08:00:00.000Z',
    );
  });

  test('when the opening falls into the spring-forward gap on the date of the DST change, then it opens at 03:30 EDT as isOpen says', () => {
    // Arrange: 02:30 does not exist on Mar 8; read as 03:30 EDT, closing 05:00 EDT
    const office = newYork('Sun 02:30-05:00');

    // Act / Assert
    expect(officeTimeBetween(office, instant('2026-03-08T00:00:00.000Z'), instant('2026-03-09T00:00:00.000Z'))).toBe(
      90 * MINUTE,
    );
    expect(iso(addOfficeTime(office, instant('2026-03-08T05:00:00.000Z'), 0))).toBe('2026-03-08T07:30:00.000Z');
  });

  test('when an opening in the spring-forward gap is read after a later opening on the date of the DST change, then the time both cover counts once', () => {
    // Arrange: 02:30-02:50 is 03:30-03:50 EDT (07:30Z-07:50Z), inside 03:10-05:00 EDT (07:10Z-09:00Z)
    const office = newYork('Sun 02:30-02:50; Sun 03:10-05:00');

    // Act / Assert: open from 03:10 EDT, as isOpen says
    expect(officeTimeBetween(office, instant('2026-03-08T00:00:00.000Z'), instant('2026-03-09T00:00:00.000Z'))).toBe(
      110 * MINUTE,
    );
    expect(iso(addOfficeTime(office, instant('2026-03-08T05:00:00.000Z'), 0))).toBe('2026-03-08T07:10:00.000Z');
    expect(isOpen(office, instant('2026-03-08T07:10:00.000Z'))).toBe(true);
  });

  test('when the closing time happens twice on the date of the DST change, then counting stops at its first occurrence', () => {
    // Arrange: 00:00-01:30 on Nov 1 closes at 01:30 EDT
    const office = newYork('Sun 00:00-01:30');

    // Act / Assert
    expect(officeTimeBetween(office, instant('2026-11-01T00:00:00.000Z'), instant('2026-11-02T00:00:00.000Z'))).toBe(
      90 * MINUTE,
    );
  });

  test('when a Friday 20:55 lead crosses the spring-forward weekend, then it is due Monday 09:10 EDT', () => {
    // Arrange: Friday 2026-03-06 20:55 EST
    const due = addOfficeTime(newYork(), instant('2026-03-07T01:55:00.000Z'), 15 * MINUTE);

    // Assert: Monday 2026-03-09 09:10 EDT
    expect(iso(due)).toBe('2026-03-09T13:10:00.000Z');
  });

  test('when a Friday 20:55 lead crosses the fall-back weekend, then it is due Monday 09:10 EST', () => {
    // Arrange: Friday 2026-10-30 20:55 EDT
    const due = addOfficeTime(newYork(), instant('2026-10-31T00:55:00.000Z'), 15 * MINUTE);

    // Assert: Monday 2026-11-02 09:10 EST
    expect(iso(due)).toBe('2026-11-02T14:10:00.000Z');
  });
});

describe('in a zone whose DST change skips midnight (America/Santiago, 2026-09-06)', () => {
  test('when a segment opens at 00:00 on the date of the DST change, then it counts from 01:00, the first local instant', () => {
    // Arrange: 00:00-08:00 is 01:00-08:00 that day
    const office = createOfficeHours({ timezone: 'America/Santiago', hours: 'Sun 00:00-08:00' });

    // Act / Assert
    expect(officeTimeBetween(office, instant('2026-09-06T00:00:00.000Z'), instant('2026-09-07T00:00:00.000Z'))).toBe(
      7 * HOUR,
    );
  });
});

describe('properties', () => {
  /** Realistic schedules in zones with DST; one has a weekend segment and holidays on the DST Sundays. */
  const schedules = {
    weekdays: newYork(
      'Mon-Fri 09:00-21:00',
      '2025-12-25,2026-01-01,2026-05-25,2026-09-07,2026-11-26,2026-12-25,2027-01-01',
    ),
    splitWithSaturday: createOfficeHours({
      timezone: 'Europe/London',
      hours: 'Mon-Fri 08:00-12:00; Mon-Fri 13:00-18:00; Sat 10:00-14:00',
      holidays: '2025-12-25,2025-12-26,2026-04-03,2026-04-06,2026-08-31,2026-12-25,2026-12-28,2027-03-26',
    }),
    lateNightsAcrossDst: newYork(
      'Mon-Fri 09:00-24:00; Tue-Sat 00:00-03:00; Sat 10:00-16:00; Sun 01:30-04:00',
      '2026-03-08,2026-07-04,2026-11-01,2026-11-02',
    ),
  } satisfies Record<string, OfficeHours>;
  const office = fc.constantFrom(...Object.values(schedules));

  // 2025-09-01 to 2027-09-01, with extra weight on the days around the US and UK DST changes
  const dstChanges = [
    '2025-10-26T01:00:00Z',
    '2025-11-02T06:00:00Z',
    '2026-03-08T07:00:00Z',
    '2026-03-29T01:00:00Z',
    '2026-10-25T01:00:00Z',
    '2026-11-01T06:00:00Z',
    '2027-03-14T07:00:00Z',
    '2027-03-28T01:00:00Z',
  ].map(Date.parse);
  const epoch = fc.oneof(
    fc.integer({ min: Date.parse('2025-09-01T00:00:00Z'), max: Date.parse('2027-09-01T00:00:00Z') }),
    fc
      .tuple(fc.constantFrom(...dstChanges), fc.integer({ min: -3 * 24 * HOUR, max: 3 * 24 * HOUR }))
      .map(([change, shift]) => change + shift),
    // whole minutes land on openings and closings
    fc
      .integer({ min: Date.parse('2025-09-01T00:00:00Z') / MINUTE, max: Date.parse('2027-09-01T00:00:00Z') / MINUTE })
      .map((minutes) => minutes * MINUTE),
  );
  const at = epoch.map((ms) => new Date(ms));
  const duration = fc.oneof(
    fc.constantFrom(0, 1, 15 * MINUTE, HOUR, 12 * HOUR),
    fc.integer({ min: 0, max: 3 * 24 * HOUR }),
  );
  const runs = { numRuns: 200 };

  test('when a duration is added and then measured, then the measure is the duration', () => {
    fc.assert(
      fc.property(office, at, duration, (hours, from, durationMs) => {
        const due = addOfficeTime(hours, from, durationMs);
        expect(due).not.toBeNull();
        expect(officeTimeBetween(hours, from, due as Date)).toBe(durationMs);
      }),
      runs,
    );
  });

  test('when a span is split in two, then its measure is the sum of the two parts', () => {
    const gap = fc.integer({ min: 0, max: 10 * 24 * HOUR });
    fc.assert(
      fc.property(office, epoch, gap, gap, (hours, first, toMiddle, toLast) => {
        const a = new Date(first);
        const b = new Date(first + toMiddle);
        const c = new Date(first + toMiddle + toLast);
        expect(officeTimeBetween(hours, a, c)).toBe(officeTimeBetween(hours, a, b) + officeTimeBetween(hours, b, c));
      }),
      runs,
    );
  });

  test('when the day is a holiday, then none of it counts', () => {
    const date = epoch.map((ms) => new Date(ms).toISOString().slice(0, 10));
    fc.assert(
      fc.property(office, date, (hours, holiday) => {
        const withHoliday: OfficeHours = { ...hours, holidays: [...hours.holidays, holiday].sort() };
        const start = DateTime.fromISO(holiday, { zone: hours.timezone });
        const end = start.plus({ days: 1 });
        expect(officeTimeBetween(withHoliday, start.toJSDate(), end.toJSDate())).toBe(0);
      }),
      runs,
    );
  });

  test('when a positive duration is added, then the result is open or exactly a closing instant', () => {
    fc.assert(
      fc.property(office, at, duration.filter((ms) => ms > 0), (hours, from, durationMs) => {
        const due = addOfficeTime(hours, from, durationMs);
        if (due === null) throw new Error('these schedules always open again');
        // open at `due`, or else the millisecond before it was open: `due` is a closing
        expect(isOpen(hours, due) || isOpen(hours, new Date(due.getTime() - 1))).toBe(true);
      }),
      runs,
    );
  });

  test('when the duration is 0, then the result is earliestOpenAt', () => {
    fc.assert(
      fc.property(office, at, (hours, from) => {
        expect(iso(addOfficeTime(hours, from, 0))).toBe(iso(earliestOpenAt(hours, from)));
      }),
      runs,
    );
  });

  test('when measuring a single millisecond, then it counts exactly when the schedule says open, as isOpen does, in zones with unusual DST changes too', () => {
    const newYorkChanges = ['2025-11-02T06:00:00Z', '2026-03-08T07:00:00Z', '2026-11-01T06:00:00Z'].map(Date.parse);
    const unusual = (timezone: string, hours: string) => createOfficeHours({ timezone, hours });
    const weekendNights = 'Sat 20:00-24:00; Sun 00:00-08:00; Mon-Fri 09:00-18:00';
    // Each schedule with the DST changes of its zone, near which the wall clock misbehaves.
    const cases: [OfficeHours, number[]][] = [
      [schedules.weekdays, newYorkChanges],
      [schedules.lateNightsAcrossDst, newYorkChanges],
      [schedules.splitWithSaturday, ['2025-10-26T01:00:00Z', '2026-03-29T01:00:00Z'].map(Date.parse)],
      [
        unusual('America/Santiago', weekendNights),
        // 00:00 → 23:00 the day before; 00:00 → 01:00
        ['2026-04-05T03:00:00Z', '2026-09-06T04:00:00Z'].map(Date.parse),
      ],
      [
        unusual('Asia/Beirut', weekendNights),
        // 00:00 → 01:00; 00:00 → 23:00 the day before
        ['2026-03-28T22:00:00Z', '2026-10-24T21:00:00Z'].map(Date.parse),
      ],
      [
        // 01:45 happens twice in April; 02:15 does not exist in October
        unusual('Australia/Lord_Howe', 'Sun 01:00-01:45; Sun 02:15-03:00; Mon-Fri 09:00-17:00'),
        // 02:00 → 01:30; 02:00 → 02:30
        ['2026-04-04T15:00:00Z', '2026-10-03T15:30:00Z'].map(Date.parse),
      ],
      [
        // 02:30 falls into the gap on 2026-03-08 and is read as 03:30 EDT, after 03:10 EDT
        newYork('Sun 02:30-02:50; Sun 03:10-05:00; Mon-Fri 09:00-17:00'),
        newYorkChanges,
      ],
    ];
    const sample = fc.constantFrom(...cases).chain(([hours, changes]) => {
      // whole minutes hit openings and closings, and the millisecond before them
      const near = fc
        .tuple(fc.constantFrom(...changes), fc.integer({ min: -3 * 60, max: 3 * 60 }), fc.constantFrom(0, -1))
        .map(([change, minutes, ms]) => new Date(change + minutes * MINUTE + ms));
      return fc.tuple(fc.constant(hours), fc.oneof({ arbitrary: near, weight: 3 }, { arbitrary: at, weight: 1 }));
    });
    fc.assert(
      fc.property(sample, ([hours, t]) => {
        const open = openBySchedule(hours, t);
        expect(officeTimeBetween(hours, t, new Date(t.getTime() + 1))).toBe(open ? 1 : 0);
        expect(isOpen(hours, t)).toBe(open);
      }),
      { numRuns: 500 },
    );
  });
});

/**
 * The reference for the property above, independent of src/office-hours:
 * open when some segment of the local date of `at`, or of a date either
 * side, holds `at`, with each wall time resolved by the SPEC rule (the
 * first instant showing it; in a DST gap, the reading with the offset
 * before the gap). No walking, merging or horizon.
 */
function openBySchedule(office: OfficeHours, at: Date): boolean {
  const t = at.getTime();
  const today = DateTime.fromMillis(t, { zone: office.timezone }).startOf('day');
  return [-1, 0, 1].some((shift) => {
    const date = today.plus({ days: shift });
    const isoDate = date.toISODate() ?? '';
    if (office.holidays.includes(isoDate)) return false;
    const weekday = date.toFormat('ccc');
    return office.segments.some(
      (segment) =>
        segment.days.some((day) => day === weekday) &&
        wallClockToInstant(office.timezone, isoDate, segment.open) <= t &&
        t < wallClockToInstant(office.timezone, isoDate, segment.close),
    );
  });
}

/** The instant of a local "HH:MM" (24:00: the next midnight) on an ISO date in `timezone`. */
function wallClockToInstant(timezone: string, isoDate: string, time: string): number {
  const zone = IANAZone.create(timezone);
  const [hour = 0, minute = 0] = time.split(':').map(Number);
  const wall = Date.parse(`${isoDate}T00:00:00Z`) + (hour * 60 + minute) * MINUTE; // the reading, written as UTC
  // Every offset the zone uses within a day and a half of the reading (each lasts far longer than 6 hours).
  const offsets = new Set<number>();
  for (let probe = wall - 36 * HOUR; probe <= wall + 36 * HOUR; probe += 6 * HOUR) offsets.add(zone.offset(probe) * MINUTE);
  const readings = [...offsets].map((offset) => wall - offset).filter((instant) => instant + zone.offset(instant) * MINUTE === wall);
  // In a gap no instant shows the reading; clocks jumped forward, so the offset before it is the smaller one.
  return readings.length > 0 ? Math.min(...readings) : wall - Math.min(...offsets);
}
