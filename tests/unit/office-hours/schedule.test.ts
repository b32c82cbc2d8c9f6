import { createOfficeHours, parseHolidays, parseSchedule, ScheduleError } from '../../../src/office-hours';

describe('parseSchedule', () => {
  test('when given the default schedule, then it is one weekday segment', () => {
    // Act
    const segments = parseSchedule('Mon-Fri 09:00-21:00');

    // Assert
    expect(segments).toEqual([{ days: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'], open: '09:00', close: '21:00' }]);
  });

  test('when given several segments with loose spacing, then each is parsed and normalised', () => {
    // Act
    const segments = parseSchedule('  mon - wed , Fri 9:00 - 17:30 ;Sat,Sun 10:00-14:00;  Thu 12:00-24:00 ; ');

    // Assert
    expect(segments).toEqual([
      { days: ['Mon', 'Tue', 'Wed', 'Fri'], open: '09:00', close: '17:30' },
      { days: ['Sat', 'Sun'], open: '10:00', close: '14:00' },
      { days: ['Thu'], open: '12:00', close: '24:00' },
    ]);
  });

  test('when a range wraps past Sunday, then it covers the days in between, listed in week order', () => {
    // Act
    const segments = parseSchedule('Fri-Mon 10:00-16:00');

    // Assert
    expect(segments[0]?.days).toEqual(['Mon', 'Fri', 'Sat', 'Sun']);
  });

  test('when segments only touch on the same day, then both are accepted', () => {
    // Act
    const segments = parseSchedule('Mon 09:00-12:00; Mon 12:00-17:00');

    // Assert
    expect(segments).toHaveLength(2);
  });

  test.each([
    ['', 'office hours are empty: give at least one segment, e.g. "Mon-Fri 09:00-17:00"'],
    [' ; ', 'office hours are empty: give at least one segment, e.g. "Mon-Fri 09:00-17:00"'],
    [
      'Mon-Fri 09:00-21:00; Sat 10:00-25:00',
      'segment 2 "Sat 10:00-25:00": "25:00" is not a time (use HH:MM, 00:00–24:00)',
    ],
    ['Mon 9am-5pm', 'segment 1 "Mon 9am-5pm": "9am" is not a time (use HH:MM, 00:00–24:00)'],
    ['Mon 09:60-10:00', 'segment 1 "Mon 09:60-10:00": "09:60" is not a time (use HH:MM, 00:00–24:00)'],
    ['Mon 09:00-24:30', 'segment 1 "Mon 09:00-24:30": "24:30" is not a time (use HH:MM, 00:00–24:00)'],
    ['Funday 09:00-17:00', 'segment 1 "Funday 09:00-17:00": "Funday" is not a day (use Mon, Tue, Wed, Thu, Fri, Sat or Sun)'],
    ['Monday 09:00-17:00', 'segment 1 "Monday 09:00-17:00": "Monday" is not a day (use Mon, Tue, Wed, Thu, Fri, Sat or Sun)'],
    [
      'Mon Tue 09:00-17:00',
      'segment 1 "Mon Tue 09:00-17:00": "Mon Tue" is not a list of days (use Mon, a range Mon-Fri or a list Sat,Sun)',
    ],
    ['Mon-Fri', 'segment 1 "Mon-Fri": missing the time range, e.g. "Mon-Fri 09:00-17:00"'],
    ['09:00-17:00', 'segment 1 "09:00-17:00": missing the days before the time range, e.g. "Mon-Fri 09:00-17:00"'],
    ['Mon 09:00', 'segment 1 "Mon 09:00": "09:00" is not a time range: give opening and closing times, e.g. 09:00-17:00'],
    ['Mon 09:00-', 'segment 1 "Mon 09:00-": missing the closing time, e.g. 09:00-17:00'],
    [
      'Mon 17:00-09:00',
      'segment 1 "Mon 17:00-09:00": opening 17:00 is not before closing 09:00 (a segment cannot cross midnight: split it, e.g. "Fri 22:00-24:00; Sat 00:00-02:00")',
    ],
    [
      'Mon 09:00-09:00',
      'segment 1 "Mon 09:00-09:00": opening 09:00 is not before closing 09:00 (a segment cannot cross midnight: split it, e.g. "Fri 22:00-24:00; Sat 00:00-02:00")',
    ],
    [
      'Mon-Fri 09:00-21:00 Sat 10:00-14:00',
      'segment 1 "Mon-Fri 09:00-21:00 Sat 10:00-14:00": unexpected "Sat 10:00-14:00" after the time range (separate segments with ";")',
    ],
    ['Mon-Tue-Wed 09:00-17:00', 'segment 1 "Mon-Tue-Wed 09:00-17:00": "Mon-Tue-Wed" is not a day range (use e.g. Mon-Fri)'],
    ['Mon-Mon 09:00-17:00', 'segment 1 "Mon-Mon 09:00-17:00": "Mon-Mon" starts and ends on the same day; write "Mon" for one day'],
    ['Mon-Wed,Tue 09:00-17:00', 'segment 1 "Mon-Wed,Tue 09:00-17:00": Tue is listed twice'],
    [
      'Mon-Fri 09:00-17:00; Fri 12:00-20:00',
      'segment 2 "Fri 12:00-20:00": overlaps segment 1 "Mon-Fri 09:00-17:00" on Fri',
    ],
    ['Sat 10:00-14:00; Sat 10:00-14:00', 'segment 2 "Sat 10:00-14:00": overlaps segment 1 "Sat 10:00-14:00" on Sat'],
  ])('when the schedule is %j, then it is rejected with a message naming the bad part', (text, message) => {
    // Act
    const parse = () => parseSchedule(text);

    // Assert
    expect(parse).toThrow(new ScheduleError(message, 'hours'));
    expect(parse).toThrow(expect.objectContaining({ setting: 'hours' }));
  });
});

describe('parseHolidays', () => {
  test('when empty, then there are no holidays', () => {
    expect(parseHolidays('')).toEqual([]);
    expect(parseHolidays('  ')).toEqual([]);
  });

  test('when given dates with spaces, repeats and a trailing comma, then they come back sorted and unique', () => {
    // Act
    const holidays = parseHolidays(' 2026-12-25, 2026-11-26 ,2026-12-25, ');

    // Assert
    expect(holidays).toEqual(['2026-11-26', '2026-12-25']);
  });

  test.each([
    ['2026-12-25,12/31/2026', 'holiday 2 "12/31/2026" is not a date (use YYYY-MM-DD)'],
    ['2026-1-5', 'holiday 1 "2026-1-5" is not a date (use YYYY-MM-DD)'],
    ['2026-02-29', 'holiday 1 "2026-02-29" is not a real calendar date'],
    ['2026-12-25, 2026-13-01', 'holiday 2 "2026-13-01" is not a real calendar date'],
  ])('when the holidays are %j, then the bad item is named', (text, message) => {
    // Act
    const parse = () => parseHolidays(text);

    // Assert
    expect(parse).toThrow(new ScheduleError(message, 'holidays'));
    expect(parse).toThrow(expect.objectContaining({ setting: 'holidays' }));
  });

  test('when the date is a leap day of a leap year, then it is accepted', () => {
    expect(parseHolidays('2028-02-29')).toEqual(['2028-02-29']);
  });
});

describe('createOfficeHours', () => {
  test('when the schedule is bad, then the error says the hours are at fault', () => {
    // Act
    const create = () => createOfficeHours({ timezone: 'America/New_York', hours: 'Mon 10:00-09:00' });

    // Assert
    expect(create).toThrow(expect.objectContaining({ setting: 'hours' }));
  });

  test('when every part is valid, then it returns the parsed office hours', () => {
    // Act
    const office = createOfficeHours({
      timezone: 'America/New_York',
      hours: 'Mon-Fri 09:00-21:00',
      holidays: '2026-12-25',
    });

    // Assert
    expect(office).toEqual({
      timezone: 'America/New_York',
      segments: [{ days: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'], open: '09:00', close: '21:00' }],
      holidays: ['2026-12-25'],
    });
  });

  test('when the zone is spelled in the wrong case, then its canonical spelling is kept', () => {
    // Act
    const office = createOfficeHours({ timezone: 'america/chicago', hours: 'Mon 09:00-17:00' });

    // Assert
    expect(office.timezone).toBe('America/Chicago');
  });

  test('when the zone is current but Intl knows an older name, then the configured name is kept', () => {
    expect(createOfficeHours({ timezone: 'Asia/Kolkata', hours: 'Mon 09:00-17:00' }).timezone).toBe('Asia/Kolkata');
  });

  test.each(['Mars/Olympus_Mons', 'EST+5', ''])('when the zone is %j, then it is rejected naming the zone', (zone) => {
    // Act
    const create = () => createOfficeHours({ timezone: zone, hours: 'Mon-Fri 09:00-21:00' });

    // Assert
    expect(create).toThrow(
      new ScheduleError(`time zone "${zone}" is not an IANA time zone name (e.g. America/New_York)`, 'timezone'),
    );
    expect(create).toThrow(expect.objectContaining({ setting: 'timezone', name: 'ScheduleError' }));
  });
});
