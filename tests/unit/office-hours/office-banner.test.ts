import { bannerStatus, createOfficeBanner, createOfficeHours } from '../../../src/office-hours';

const office = createOfficeHours({ timezone: 'America/New_York', hours: 'Mon-Fri 09:00-21:00' });

describe('createOfficeBanner', () => {
  test('when asked through a closed weekend and into Monday, then every answer is the one bannerStatus gives', () => {
    const bannerAt = createOfficeBanner(office);
    const instants = [
      '2026-11-27T23:00:00.000Z', // Friday 18:00: open
      '2026-11-28T02:00:00.000Z', // Friday 21:00: closed, "Monday"
      '2026-11-29T04:59:59.999Z', // Saturday 23:59:59
      '2026-11-29T05:00:00.000Z', // Sunday 00:00: "tomorrow"
      '2026-11-30T04:59:59.999Z', // Sunday 23:59:59
      '2026-11-30T05:00:00.000Z', // Monday 00:00: "today"
      '2026-11-30T14:00:00.000Z', // Monday 09:00: open
    ];
    for (const instant of instants) expect(bannerAt(new Date(instant))).toEqual(bannerStatus(office, new Date(instant)));
  });

  test('when the day turns while the office stays closed, then the words follow the day', () => {
    const bannerAt = createOfficeBanner(office);
    expect(bannerAt(new Date('2026-11-29T04:00:00.000Z')).text).toMatch(/reply Monday after/);
    expect(bannerAt(new Date('2026-11-29T06:00:00.000Z')).text).toMatch(/reply tomorrow after/);
  });
});
