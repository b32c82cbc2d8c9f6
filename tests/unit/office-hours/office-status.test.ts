import { createOfficeHours, officeStatus } from '../../../src/office-hours';
import { SUNDAY_STATUS_EXAMPLE } from '../../support/office-status';

describe('officeStatus', () => {
  test('when it is Sunday 2026-11-29 15:30Z with the default schedule, then it matches the SPEC §5 example', () => {
    // Arrange
    const office = createOfficeHours({ timezone: 'America/New_York', hours: 'Mon-Fri 09:00-21:00', holidays: '' });

    // Act
    const status = officeStatus(office, new Date('2026-11-29T15:30:00.000Z'));

    // Assert: key order too, as the JSON is read by people
    expect(JSON.stringify(status)).toBe(JSON.stringify(SUNDAY_STATUS_EXAMPLE));
  });

  test('when open, then closesAt is set and opensAt is null', () => {
    // Arrange
    const office = createOfficeHours({
      timezone: 'America/New_York',
      hours: 'Mon-Fri 09:00-21:00; Sat 10:00-14:00',
      holidays: '2026-12-25',
    });

    // Act: Saturday 2026-11-28 11:00 EST
    const status = officeStatus(office, new Date('2026-11-28T16:00:00.000Z'));

    // Assert
    expect(status).toEqual({
      open: true,
      at: '2026-11-28T16:00:00.000Z',
      timezone: 'America/New_York',
      opensAt: null,
      closesAt: '2026-11-28T19:00:00.000Z',
      hours: 'Mon–Fri 9am–9pm, Sat 10am–2pm ET',
      schedule: [
        { days: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'], open: '09:00', close: '21:00' },
        { days: ['Sat'], open: '10:00', close: '14:00' },
      ],
      holidays: ['2026-12-25'],
    });
  });
});
