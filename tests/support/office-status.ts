/**
 * SPEC §5's example of the office status: Sunday 2026-11-29 15:30Z with the
 * default schedule (Mon–Fri 09:00–21:00, America/New_York, no holidays).
 * Key order matters too: the JSON is read by people.
 */
export const SUNDAY_STATUS_EXAMPLE = {
  open: false,
  at: '2026-11-29T15:30:00.000Z',
  timezone: 'America/New_York',
  opensAt: '2026-11-30T14:00:00.000Z',
  closesAt: null,
  hours: 'Mon–Fri 9am–9pm ET',
  schedule: [{ days: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'], open: '09:00', close: '21:00' }],
  holidays: [],
};
