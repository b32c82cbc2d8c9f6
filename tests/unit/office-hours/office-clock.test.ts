import {
  createOfficeHours,
  currentClosing,
  earliestOpenAt,
  isOpen,
  nextOpening,
  type OfficeHours,
} from '../../../src/office-hours';

const newYork = (hours = 'Mon-Fri 09:00-21:00', holidays = ''): OfficeHours =>
  createOfficeHours({ timezone: 'America/New_York', hours, holidays });

const instant = (iso: string) => new Date(iso);
const iso = (date: Date | null) => date?.toISOString() ?? null;

describe('isOpen', () => {
  test.each([
    ['2026-01-05T13:59:59.999Z', false, 'a winter Monday, just before 9:00 EST'],
    ['2026-01-05T14:00:00.000Z', true, 'a winter Monday, exactly 9:00 EST'],
    ['2026-07-06T12:59:59.999Z', false, 'a summer Monday, just before 9:00 EDT'],
    ['2026-07-06T13:00:00.000Z', true, 'a summer Monday, exactly 9:00 EDT'],
    ['2026-12-01T01:59:59.999Z', true, 'a winter Monday, a moment before 21:00 EST'],
    ['2026-12-01T02:00:00.000Z', false, 'a winter Monday, exactly 21:00 EST'],
    ['2026-11-29T15:30:00.000Z', false, 'a Sunday morning'],
  ])('when it is %s (%s), then open is %s', (at, expected) => {
    expect(isOpen(newYork(), instant(at))).toBe(expected);
  });

  test('when the local date is a holiday, then the office is closed all day', () => {
    // Arrange: Friday 2026-12-25, 10:00 EST
    const office = newYork('Mon-Fri 09:00-21:00', '2026-12-25');

    // Act / Assert
    expect(isOpen(office, instant('2026-12-25T15:00:00.000Z'))).toBe(false);
    expect(isOpen(office, instant('2026-12-24T15:00:00.000Z'))).toBe(true);
  });

  test('when the holiday is a date in the office zone, then it follows local midnight, not UTC', () => {
    // Arrange: Thursday 2026-12-24 20:30 EST is already 2026-12-25 in UTC
    const office = newYork('Mon-Fri 09:00-21:00', '2026-12-25');

    // Act / Assert
    expect(isOpen(office, instant('2026-12-25T01:30:00.000Z'))).toBe(true);
  });

  test('when another zone is configured, then its own wall clock counts (London, BST in summer)', () => {
    // Arrange
    const office = createOfficeHours({ timezone: 'Europe/London', hours: 'Mon-Fri 09:00-17:00' });

    // Act / Assert: 09:00 BST is 08:00Z, 09:00 GMT is 09:00Z
    expect(isOpen(office, instant('2026-07-06T08:00:00.000Z'))).toBe(true);
    expect(isOpen(office, instant('2026-01-05T08:00:00.000Z'))).toBe(false);
    expect(isOpen(office, instant('2026-01-05T09:00:00.000Z'))).toBe(true);
  });
});

describe('nextOpening and currentClosing', () => {
  test('when it is Friday night, then the next opening is Monday 9:00 and there is no closing', () => {
    // Arrange: Friday 2026-11-27 22:00 EST
    const at = instant('2026-11-28T03:00:00.000Z');

    // Act / Assert
    expect(iso(nextOpening(newYork(), at))).toBe('2026-11-30T14:00:00.000Z');
    expect(currentClosing(newYork(), at)).toBeNull();
  });

  test('when it is open, then currentClosing is today 21:00 and nextOpening is the following opening', () => {
    // Arrange: Monday 2026-11-30 10:00 EST
    const at = instant('2026-11-30T15:00:00.000Z');

    // Act / Assert
    expect(iso(currentClosing(newYork(), at))).toBe('2026-12-01T02:00:00.000Z');
    expect(iso(nextOpening(newYork(), at))).toBe('2026-12-01T14:00:00.000Z');
  });

  test('when it is exactly the opening instant, then it is open and closes at 21:00', () => {
    const at = instant('2026-11-30T14:00:00.000Z');
    expect(iso(currentClosing(newYork(), at))).toBe('2026-12-01T02:00:00.000Z');
  });

  test('when it is exactly the closing instant, then it is closed and opens next morning', () => {
    const at = instant('2026-12-01T02:00:00.000Z');
    expect(currentClosing(newYork(), at)).toBeNull();
    expect(iso(nextOpening(newYork(), at))).toBe('2026-12-01T14:00:00.000Z');
  });

  test('when it is before opening on a weekday, then the office opens later the same day', () => {
    // Arrange: Monday 2026-11-30 07:00 EST
    expect(iso(nextOpening(newYork(), instant('2026-11-30T12:00:00.000Z')))).toBe('2026-11-30T14:00:00.000Z');
  });

  test('when a holiday falls on Friday, then Thursday night waits until Monday', () => {
    // Arrange: Thursday 2026-12-24 22:00 EST, Friday a holiday
    const office = newYork('Mon-Fri 09:00-21:00', '2026-12-25');

    // Act / Assert
    expect(iso(nextOpening(office, instant('2026-12-25T03:00:00.000Z')))).toBe('2026-12-28T14:00:00.000Z');
  });

  test('when there are several segments, then Saturday morning opens after Friday night', () => {
    // Arrange: Friday 2026-11-27 22:00 EST
    const office = newYork('Mon-Fri 09:00-21:00; Sat 10:00-14:00');

    // Act / Assert
    expect(iso(nextOpening(office, instant('2026-11-28T03:00:00.000Z')))).toBe('2026-11-28T15:00:00.000Z');
    expect(iso(currentClosing(office, instant('2026-11-28T17:00:00.000Z')))).toBe('2026-11-28T19:00:00.000Z');
  });

  test('when a day has a lunch break, then the morning closes at noon and the afternoon opens after it', () => {
    // Arrange: Monday 2026-11-30 11:00 EST
    const office = newYork('Mon 09:00-12:00; Mon 13:00-17:00');
    const at = instant('2026-11-30T16:00:00.000Z');

    // Act / Assert
    expect(iso(currentClosing(office, at))).toBe('2026-11-30T17:00:00.000Z');
    expect(iso(nextOpening(office, at))).toBe('2026-11-30T18:00:00.000Z');
  });

  test('when segments touch on the same day, then they are one period', () => {
    // Arrange: Monday 2026-11-30 10:00 EST
    const office = newYork('Mon 09:00-12:00; Mon 12:00-17:00');

    // Act / Assert
    expect(iso(currentClosing(office, instant('2026-11-30T15:00:00.000Z')))).toBe('2026-11-30T22:00:00.000Z');
  });

  test('when periods meet at midnight, then closesAt is the end of the joined period the next day', () => {
    // Arrange: Monday 2026-11-30 20:00 EST
    const office = newYork('Mon-Fri 09:00-24:00; Tue-Sat 00:00-02:00');

    // Act / Assert: Tuesday 02:00 EST
    expect(iso(currentClosing(office, instant('2026-12-01T01:00:00.000Z')))).toBe('2026-12-01T07:00:00.000Z');
  });

  test('when it is after midnight in a joined period, then it closes at 02:00 and reopens at 09:00', () => {
    // Arrange: Tuesday 2026-12-01 01:00 EST
    const office = newYork('Mon-Fri 09:00-24:00; Tue-Sat 00:00-02:00');
    const at = instant('2026-12-01T06:00:00.000Z');

    // Act / Assert
    expect(isOpen(office, at)).toBe(true);
    expect(iso(currentClosing(office, at))).toBe('2026-12-01T07:00:00.000Z');
    expect(iso(nextOpening(office, at))).toBe('2026-12-01T14:00:00.000Z');
  });

  test('when the next day is a holiday, then a joined period breaks at local midnight', () => {
    // Arrange: Monday 2026-11-30 20:00 EST, Tuesday a holiday
    const office = newYork('Mon-Fri 09:00-24:00; Tue-Sat 00:00-02:00', '2026-12-01');

    // Act / Assert
    expect(iso(currentClosing(office, instant('2026-12-01T01:00:00.000Z')))).toBe('2026-12-01T05:00:00.000Z');
  });

  test('when a segment ends at 24:00, then it is open until local midnight and closed at it', () => {
    // Arrange: Friday 2026-11-27
    const office = newYork('Fri 18:00-24:00');

    // Act / Assert
    expect(isOpen(office, instant('2026-11-28T04:59:59.999Z'))).toBe(true);
    expect(isOpen(office, instant('2026-11-28T05:00:00.000Z'))).toBe(false);
    expect(iso(currentClosing(office, instant('2026-11-28T01:00:00.000Z')))).toBe('2026-11-28T05:00:00.000Z');
  });

  test('when open around the clock, then it is open with no closing and no next opening', () => {
    // Arrange
    const office = newYork('Mon-Sun 00:00-24:00');
    const at = instant('2026-11-29T15:30:00.000Z');

    // Act / Assert
    expect(isOpen(office, at)).toBe(true);
    expect(currentClosing(office, at)).toBeNull();
    expect(nextOpening(office, at)).toBeNull();
  });

  test('when every opening within the horizon is a holiday, then there is no next opening', () => {
    // Arrange: Fridays only, and every Friday for 60 weeks a holiday
    const fridays = Array.from({ length: 60 }, (_, week) =>
      new Date(Date.UTC(2026, 10, 27 + 7 * week)).toISOString().slice(0, 10),
    );
    const office = newYork('Fri 09:00-10:00', fridays.join(','));

    // Act / Assert
    expect(nextOpening(office, instant('2026-11-26T12:00:00.000Z'))).toBeNull();
    expect(isOpen(office, instant('2026-11-27T14:30:00.000Z'))).toBe(false);
  });
});

describe('earliestOpenAt', () => {
  test('when open, then it is the instant itself', () => {
    expect(iso(earliestOpenAt(newYork(), instant('2026-11-30T15:00:00.000Z')))).toBe('2026-11-30T15:00:00.000Z');
  });

  test('when closed, then it is the next opening', () => {
    expect(iso(earliestOpenAt(newYork(), instant('2026-11-29T15:30:00.000Z')))).toBe('2026-11-30T14:00:00.000Z');
  });
});

describe('on the dates of the 2026 US DST changes (America/New_York)', () => {
  test('when Friday closes before spring forward (Mar 8), then Monday opens at 9:00 EDT, 13:00Z', () => {
    // Arrange: Friday 2026-03-06 22:00 EST
    const at = instant('2026-03-07T03:00:00.000Z');

    // Act / Assert
    expect(iso(nextOpening(newYork(), at))).toBe('2026-03-09T13:00:00.000Z');
  });

  test('when Friday closes before fall back (Nov 1), then Monday opens at 9:00 EST, 14:00Z', () => {
    // Arrange: Friday 2026-10-30 22:00 EDT
    const at = instant('2026-10-31T02:00:00.000Z');

    // Act / Assert
    expect(iso(nextOpening(newYork(), at))).toBe('2026-11-02T14:00:00.000Z');
  });

  test('when open on Friday before fall back, then it closes at 21:00 EDT, 01:00Z', () => {
    expect(iso(currentClosing(newYork(), instant('2026-10-30T16:00:00.000Z')))).toBe('2026-10-31T01:00:00.000Z');
  });

  test('when a period spans the spring-forward night, then it is one hour shorter in UTC', () => {
    // Arrange: Sunday 2026-03-08 00:30 EST
    const office = newYork('Sat 20:00-24:00; Sun 00:00-06:00');

    // Act / Assert: 06:00 EDT
    expect(iso(currentClosing(office, instant('2026-03-08T05:30:00.000Z')))).toBe('2026-03-08T10:00:00.000Z');
  });

  test('when the opening time does not exist (02:30 on Mar 8), then it is read with the offset before the gap: 03:30 EDT', () => {
    // Arrange
    const office = newYork('Sun 02:30-05:00');

    // Act / Assert
    expect(iso(nextOpening(office, instant('2026-03-08T06:00:00.000Z')))).toBe('2026-03-08T07:30:00.000Z');
    expect(isOpen(office, instant('2026-03-08T07:15:00.000Z'))).toBe(false); // 03:15 EDT
    expect(isOpen(office, instant('2026-03-08T07:30:00.000Z'))).toBe(true);
    expect(iso(currentClosing(office, instant('2026-03-08T08:00:00.000Z')))).toBe('2026-03-08T09:00:00.000Z');
  });

  test('when a whole segment falls into the gap and resolves to nothing, then that day has no opening', () => {
    // Arrange: 02:30 → 03:30 EDT, 03:15 stays 03:15 EDT
    const office = newYork('Sun 02:30-03:15');

    // Act / Assert: the next Sunday, 02:30 EDT
    expect(iso(nextOpening(office, instant('2026-03-08T05:00:00.000Z')))).toBe('2026-03-15T06:30:00.000Z');
  });

  test('when the opening time happens twice (01:30 on Nov 1), then the first occurrence counts: 01:30 EDT', () => {
    // Arrange
    const office = newYork('Sun 01:30-03:00');

    // Act / Assert
    expect(iso(nextOpening(office, instant('2026-11-01T04:00:00.000Z')))).toBe('2026-11-01T05:30:00.000Z');
    // 01:10 EST, the repeated hour: still inside the one period, which ends at 03:00 EST
    expect(isOpen(office, instant('2026-11-01T06:10:00.000Z'))).toBe(true);
    expect(iso(currentClosing(office, instant('2026-11-01T06:10:00.000Z')))).toBe('2026-11-01T08:00:00.000Z');
  });

  test('when the closing time happens twice, then the office closes at its first occurrence and stays closed', () => {
    // Arrange
    const office = newYork('Sun 00:00-01:30');

    // Act / Assert
    expect(iso(currentClosing(office, instant('2026-11-01T05:00:00.000Z')))).toBe('2026-11-01T05:30:00.000Z');
    expect(isOpen(office, instant('2026-11-01T06:15:00.000Z'))).toBe(false); // 01:15 EST
  });
});

describe('in a zone whose DST change skips midnight (America/Santiago, 2026-09-06)', () => {
  test('when a segment opens at 00:00 that day, then it opens at the first local instant, 01:00', () => {
    // Arrange
    const office = createOfficeHours({ timezone: 'America/Santiago', hours: 'Sun 00:00-08:00' });

    // Act / Assert: 01:00 -03:00
    expect(iso(nextOpening(office, instant('2026-09-06T00:00:00.000Z')))).toBe('2026-09-06T04:00:00.000Z');
  });
});
