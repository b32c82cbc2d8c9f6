import { DateTime } from 'luxon';
import { callSlots, createOfficeHours, findCallSlot, type CallSlot } from '../../../src/office-hours';

const weekdays = createOfficeHours({ timezone: 'America/New_York', hours: 'Mon-Fri 09:00-21:00' });
const rules = { slotMs: 15 * 60_000, days: 5, noticeMs: 30 * 60_000 };
const iso = (slot: CallSlot) => slot.start.toISOString();
const localDays = (slots: CallSlot[]) => [...new Set(slots.map((slot) => DateTime.fromJSDate(slot.start, { zone: 'America/New_York' }).toISODate()))];

describe('callSlots', () => {
  test('when it is Monday 10:00 EST, then slots run from 10:30 on the 15-minute grid through Friday 20:45, five open days', () => {
    const slots = callSlots(weekdays, new Date('2026-11-30T15:00:00.000Z'), rules);
    expect(iso(slots[0]!)).toBe('2026-11-30T15:30:00.000Z');
    expect(slots.at(-1)!.start.toISOString()).toBe('2026-12-05T01:45:00.000Z');
    expect(slots.at(-1)!.end.toISOString()).toBe('2026-12-05T02:00:00.000Z');
    expect(localDays(slots)).toEqual(['2026-11-30', '2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04']);
    expect(slots).toHaveLength(42 + 4 * 48);
    for (const slot of slots) expect(slot.start.getUTCMinutes() % 15).toBe(0);
  });

  test('when it is 10:07, then the first slot is the first grid time at least 30 minutes away (10:45), not 10:37', () => {
    const slots = callSlots(weekdays, new Date('2026-11-30T15:07:00.000Z'), rules);
    expect(iso(slots[0]!)).toBe('2026-11-30T15:45:00.000Z');
  });

  test('when it is Friday 20:40, then nothing is left on Friday and the first slot is Monday 9:00 EST', () => {
    const slots = callSlots(weekdays, new Date('2026-11-28T01:40:00.000Z'), rules);
    expect(iso(slots[0]!)).toBe('2026-11-30T14:00:00.000Z');
    expect(localDays(slots)).toEqual(['2026-11-30', '2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04']);
  });

  test('when Friday is the last day of EDT, then Friday slots are at 13:00Z and Monday (after the DST Sunday) at 14:00Z', () => {
    const slots = callSlots(weekdays, new Date('2026-10-30T12:00:00.000Z'), rules); // Fri 8:00 EDT
    expect(iso(slots[0]!)).toBe('2026-10-30T13:00:00.000Z');
    const monday = slots.filter((slot) => slot.start.toISOString().startsWith('2026-11-02'));
    expect(iso(monday[0]!)).toBe('2026-11-02T14:00:00.000Z');
    expect(localDays(slots)).toEqual(['2026-10-30', '2026-11-02', '2026-11-03', '2026-11-04', '2026-11-05']);
  });

  test('when a Sunday open all day falls back from EDT to EST, then no slot straddles the jump and each part has its own grid', () => {
    const sundays = createOfficeHours({ timezone: 'America/New_York', hours: 'Sun 00:00-24:00' });
    const slots = callSlots(sundays, new Date('2026-10-31T12:00:00.000Z'), { slotMs: 45 * 60_000, days: 1, noticeMs: 0 });
    const jump = Date.parse('2026-11-01T06:00:00.000Z'); // 2:00 EDT becomes 1:00 EST
    for (const slot of slots) expect(slot.start.getTime() < jump && slot.end.getTime() > jump).toBe(false);
    expect(slots.slice(0, 3).map(iso)).toEqual(['2026-11-01T04:00:00.000Z', '2026-11-01T04:45:00.000Z', '2026-11-01T06:00:00.000Z']);
    expect(slots.at(-1)!.end.getTime()).toBeLessThanOrEqual(Date.parse('2026-11-02T05:00:00.000Z'));
  });

  test('when a Sunday open all day springs forward, then the 23-hour day is cut at the jump', () => {
    const sundays = createOfficeHours({ timezone: 'America/New_York', hours: 'Sun 00:00-24:00' });
    const slots = callSlots(sundays, new Date('2026-03-07T12:00:00.000Z'), { slotMs: 45 * 60_000, days: 1, noticeMs: 0 });
    const jump = Date.parse('2026-03-08T07:00:00.000Z'); // 2:00 EST becomes 3:00 EDT
    for (const slot of slots) expect(slot.start.getTime() < jump && slot.end.getTime() > jump).toBe(false);
    expect(slots.map(iso)).toContain('2026-03-08T07:00:00.000Z');
    expect(slots.at(-1)!.end.getTime()).toBeLessThanOrEqual(Date.parse('2026-03-09T04:00:00.000Z'));
  });

  test('when Tuesday is a holiday, then it has no slots and the fifth open day is the next Monday', () => {
    const office = createOfficeHours({ timezone: 'America/New_York', hours: 'Mon-Fri 09:00-21:00', holidays: '2026-12-01' });
    const slots = callSlots(office, new Date('2026-11-30T15:00:00.000Z'), rules);
    expect(localDays(slots)).toEqual(['2026-11-30', '2026-12-02', '2026-12-03', '2026-12-04', '2026-12-07']);
  });

  test('when a slot would run past the closing, then it is not offered', () => {
    const office = createOfficeHours({ timezone: 'America/New_York', hours: 'Mon-Fri 09:00-09:40' });
    const slots = callSlots(office, new Date('2026-11-30T05:00:00.000Z'), { ...rules, days: 1 });
    expect(slots.map(iso)).toEqual(['2026-11-30T14:00:00.000Z', '2026-11-30T14:15:00.000Z']);
  });

  test('when asked for one start, then only a start on the grid, after the notice, inside the hours is found', () => {
    const at = new Date('2026-11-30T15:00:00.000Z');
    expect(findCallSlot(weekdays, at, rules, new Date('2026-11-30T15:30:00.000Z'))).not.toBeNull();
    expect(findCallSlot(weekdays, at, rules, new Date('2026-11-30T15:15:00.000Z'))).toBeNull(); // too soon
    expect(findCallSlot(weekdays, at, rules, new Date('2026-11-30T15:40:00.000Z'))).toBeNull(); // off the grid
    expect(findCallSlot(weekdays, at, rules, new Date('2026-12-01T03:00:00.000Z'))).toBeNull(); // closed
    expect(findCallSlot(weekdays, at, rules, new Date('2026-11-30T14:00:00.000Z'))).toBeNull(); // past
  });
});
