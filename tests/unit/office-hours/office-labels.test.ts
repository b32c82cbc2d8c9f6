import {
  bannerHoursLabel,
  bannerStatus,
  createOfficeHours,
  formatOfficeTime,
  hoursLabel,
  replyExpectation,
  zoneAbbreviation,
  type OfficeHours,
} from '../../../src/office-hours';

const office = (hours: string, timezone = 'America/New_York', holidays = ''): OfficeHours =>
  createOfficeHours({ timezone, hours, holidays });
const defaultOffice = office('Mon-Fri 09:00-21:00');
const instant = (iso: string) => new Date(iso);

describe('hoursLabel', () => {
  test.each([
    ['Mon-Fri 09:00-21:00', 'America/New_York', 'Mon–Fri 9am–9pm ET'],
    ['Mon-Fri 09:00-21:00; Sat 10:00-14:00', 'America/New_York', 'Mon–Fri 9am–9pm, Sat 10am–2pm ET'],
    ['Sat,Sun 09:30-12:00', 'America/Chicago', 'Sat, Sun 9:30am–12pm CT'],
    ['Mon-Wed,Fri 00:00-12:45', 'America/Denver', 'Mon–Wed, Fri 12am–12:45pm MT'],
    ['Fri-Mon 10:00-16:00', 'America/Los_Angeles', 'Fri–Mon 10am–4pm PT'],
    ['Mon,Wed 18:00-24:00', 'America/Detroit', 'Mon, Wed 6pm–12am ET'],
    ['Mon-Sun 00:00-24:00', 'America/New_York', 'Mon–Sun all day ET'],
    ['Mon-Fri 08:00-17:00', 'America/Indiana/Indianapolis', 'Mon–Fri 8am–5pm ET'],
    ['Mon-Fri 08:00-17:00', 'America/Anchorage', 'Mon–Fri 8am–5pm AKT'],
    ['Mon-Fri 08:00-17:00', 'America/Phoenix', 'Mon–Fri 8am–5pm MST'],
    ['Mon-Fri 09:00-17:30', 'Europe/London', 'Mon–Fri 9am–5:30pm GMT/BST'],
    ['Mon-Fri 09:00-17:00', 'Europe/Berlin', 'Mon–Fri 9am–5pm CET/CEST'],
    ['Mon-Fri 09:00-17:00', 'Asia/Tokyo', 'Mon–Fri 9am–5pm GMT+9'],
    ['Mon-Fri 09:00-17:00', 'Australia/Sydney', 'Mon–Fri 9am–5pm Australia/Sydney'],
    ['Mon-Fri 09:00-17:00', 'UTC', 'Mon–Fri 9am–5pm UTC'],
  ])('when the schedule is %j in %s, then the label is %j', (hours, timezone, label) => {
    expect(hoursLabel(office(hours, timezone))).toBe(label);
  });
});

describe('zoneAbbreviation and formatOfficeTime', () => {
  test.each([
    ['America/New_York', '2026-01-15T17:00:00.000Z', 'EST'],
    ['America/New_York', '2026-07-15T17:00:00.000Z', 'EDT'],
    ['America/Chicago', '2026-07-15T17:00:00.000Z', 'CDT'],
    ['Europe/London', '2026-01-15T17:00:00.000Z', 'GMT'],
    ['Europe/London', '2026-07-15T17:00:00.000Z', 'BST'],
    ['Asia/Tokyo', '2026-07-15T17:00:00.000Z', 'GMT+9'],
  ])('when the zone is %s at %s, then its abbreviation is %s', (timezone, at, abbreviation) => {
    expect(zoneAbbreviation(office('Mon 09:00-17:00', timezone), instant(at))).toBe(abbreviation);
  });

  test('when the date is in winter, then the time names EST', () => {
    expect(formatOfficeTime(defaultOffice, instant('2026-11-30T14:00:00.000Z'))).toBe('Mon, Nov 30, 2026, 9:00 AM EST');
  });

  test('when the date is in summer, then the time names EDT', () => {
    expect(formatOfficeTime(defaultOffice, instant('2026-07-06T19:45:00.000Z'))).toBe('Mon, Jul 6, 2026, 3:45 PM EDT');
  });
});

describe('bannerStatus', () => {
  test('when open, then it says an advisor will reply today', () => {
    expect(bannerStatus(defaultOffice, instant('2026-11-30T15:00:00.000Z'))).toEqual({
      open: true,
      text: 'Open now — an advisor will reply today',
    });
  });

  test('when closed before opening on a weekday, then it says today', () => {
    // Monday 2026-11-30 07:00 EST
    expect(bannerStatus(defaultOffice, instant('2026-11-30T12:00:00.000Z')).text).toBe(
      "Closed — we'll reply today after 9:00 AM EST",
    );
  });

  test('when closed on Sunday, then it says tomorrow', () => {
    expect(bannerStatus(defaultOffice, instant('2026-11-29T15:30:00.000Z'))).toEqual({
      open: false,
      text: "Closed — we'll reply tomorrow after 9:00 AM EST",
    });
  });

  test('when closed on Friday night, then it names Monday', () => {
    // Friday 2026-11-27 22:00 EST
    expect(bannerStatus(defaultOffice, instant('2026-11-28T03:00:00.000Z')).text).toBe(
      "Closed — we'll reply Monday after 9:00 AM EST",
    );
  });

  test('when closed on a summer Friday night, then the time names EDT', () => {
    // Friday 2026-07-10 22:00 EDT
    expect(bannerStatus(defaultOffice, instant('2026-07-11T02:00:00.000Z')).text).toBe(
      "Closed — we'll reply Monday after 9:00 AM EDT",
    );
  });

  test('when the next opening is more than six days away, then it gives the date', () => {
    // Arrange: Friday 2026-12-18 22:00 EST; the whole next week off
    const holidayWeek = office('Mon-Fri 09:00-21:00', 'America/New_York', '2026-12-21,2026-12-22,2026-12-23,2026-12-24,2026-12-25');

    // Act / Assert
    expect(bannerStatus(holidayWeek, instant('2026-12-19T03:00:00.000Z')).text).toBe(
      "Closed — we'll reply on Mon, Dec 28 after 9:00 AM EST",
    );
  });

  test('when the office never opens again, then it says as soon as it reopens', () => {
    const closedForGood = office('Fri 09:00-10:00', 'America/New_York', fridays(60).join(','));
    expect(bannerStatus(closedForGood, instant('2026-11-26T12:00:00.000Z'))).toEqual({
      open: false,
      text: "Closed — we'll reply as soon as the office reopens",
    });
  });
});

describe('replyExpectation', () => {
  test('when open, then the advisor replies today before the closing time', () => {
    expect(replyExpectation(defaultOffice, instant('2026-11-30T15:00:00.000Z'))).toBe(
      'An admissions advisor will reply today, before 9:00 PM EST.',
    );
  });

  test('when open in a period that ends after midnight, then it names the closing day', () => {
    // Monday 2026-11-30 23:00 EST; the period runs to Tuesday 02:00
    const lateOffice = office('Mon-Fri 09:00-24:00; Tue-Sat 00:00-02:00');
    expect(replyExpectation(lateOffice, instant('2026-12-01T04:00:00.000Z'))).toBe(
      'An admissions advisor will reply before 2:00 AM EST on Tuesday, December 1.',
    );
  });

  test('when closed on Sunday, then it names the day and date of the opening', () => {
    expect(replyExpectation(defaultOffice, instant('2026-11-29T15:30:00.000Z'))).toBe(
      'Our office is closed now. An advisor will reply Monday, November 30 after 9:00 AM EST.',
    );
  });

  test('when closed before opening the same day, then it says today', () => {
    expect(replyExpectation(defaultOffice, instant('2026-11-30T12:00:00.000Z'))).toBe(
      'Our office is closed now. An advisor will reply today after 9:00 AM EST.',
    );
  });

  test('when the opening is in the next year, then the year is given', () => {
    // Thursday 2026-12-31 22:00 EST, New Year's Day a holiday
    const newYear = office('Mon-Fri 09:00-21:00', 'America/New_York', '2027-01-01');
    expect(replyExpectation(newYear, instant('2027-01-01T03:00:00.000Z'))).toBe(
      'Our office is closed now. An advisor will reply Monday, January 4, 2027 after 9:00 AM EST.',
    );
  });

  test('when the office never opens again, then it says as soon as it reopens', () => {
    const closedForGood = office('Fri 09:00-10:00', 'America/New_York', fridays(60).join(','));
    expect(replyExpectation(closedForGood, instant('2026-11-26T12:00:00.000Z'))).toBe(
      'Our office is closed now. An advisor will reply as soon as the office reopens.',
    );
  });
});

/** Every Friday from 2026-11-27, as YYYY-MM-DD. */
function fridays(count: number): string[] {
  return Array.from({ length: count }, (_, week) =>
    new Date(Date.UTC(2026, 10, 27 + 7 * week)).toISOString().slice(0, 10),
  );
}

describe('bannerHoursLabel', () => {
  test('when the schedule has one segment, then the banner reads times, zone, then days', () => {
    const office = createOfficeHours({ timezone: 'America/New_York', hours: 'Mon-Fri 09:00-21:00' });
    expect(bannerHoursLabel(office)).toBe('9am–9pm ET Mon–Fri');
  });

  test('when the schedule has several segments, then the banner lists them days first', () => {
    const office = createOfficeHours({ timezone: 'America/Chicago', hours: 'Mon-Fri 09:00-17:00; Sat 10:00-14:00' });
    expect(bannerHoursLabel(office)).toBe('Mon–Fri 9am–5pm, Sat 10am–2pm CT');
  });
});
