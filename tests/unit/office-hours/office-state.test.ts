import { createOfficeHours, createOfficeState } from '../../../src/office-hours';

const office = createOfficeHours({ timezone: 'America/New_York', hours: 'Mon-Fri 09:00-21:00' });

describe('createOfficeState', () => {
  test('when asked across an opening and a closing, then it answers like the pure functions at every instant', () => {
    const stateAt = createOfficeState(office);
    expect(stateAt(new Date('2026-11-30T13:59:59.999Z'))).toEqual({ open: false, opensAt: new Date('2026-11-30T14:00:00.000Z'), closesAt: null });
    expect(stateAt(new Date('2026-11-30T14:00:00.000Z'))).toEqual({ open: true, opensAt: null, closesAt: new Date('2026-12-01T02:00:00.000Z') });
    expect(stateAt(new Date('2026-12-01T01:59:59.999Z')).open).toBe(true);
    expect(stateAt(new Date('2026-12-01T02:00:00.000Z'))).toEqual({ open: false, opensAt: new Date('2026-12-01T14:00:00.000Z'), closesAt: null });
  });

  test('when the clock goes backwards, then the remembered state is not reused', () => {
    const stateAt = createOfficeState(office);
    expect(stateAt(new Date('2026-11-30T15:00:00.000Z')).open).toBe(true);
    expect(stateAt(new Date('2026-11-29T15:00:00.000Z'))).toEqual({ open: false, opensAt: new Date('2026-11-30T14:00:00.000Z'), closesAt: null });
  });
});
