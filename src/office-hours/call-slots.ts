import { IANAZone } from 'luxon';
import { openPeriods, epochMs, type Period } from './open-periods';
import type { OfficeHours } from './schedule';

/**
 * Bookable call slots (SPEC §11) as a pure function of the office hours and
 * the instant: the open periods of the next `days` open days, each cut into
 * slots of `slotMs` counted from its opening, none starting before
 * `at + noticeMs`. A slot lies wholly inside one open period, so it never
 * straddles a closing, and never a change of the zone's offset either: a
 * period that holds a DST jump is cut there and each part gets its own grid.
 * Holidays have no periods, so they have no slots.
 *
 * An "open day" is a local date with at least one slot; a day whose last
 * slots are already too close does not use up one of the `days`.
 */
export interface CallSlot {
  start: Date;
  end: Date;
}

export interface SlotRules {
  slotMs: number;
  /** Open days with slots to offer. */
  days: number;
  noticeMs: number;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
/** A period is at most one local day of 25 hours; starting the walk this far back keeps the current day's grid whole. */
const LOOK_BACK_MS = 26 * HOUR_MS;
/** Stop after this many local days in a row without an opening (a schedule of one holiday-ridden week stays bounded). */
const CLOSED_DAYS_LIMIT = 400;

export function callSlots(office: OfficeHours, at: Date, rules: SlotRules): CallSlot[] {
  const now = epochMs(at, 'at');
  const earliest = now + rules.noticeMs;
  const zone = IANAZone.create(office.timezone);
  const localDate = (instant: number) => new Date(instant + zone.offset(instant) * MINUTE_MS).toISOString().slice(0, 10);

  const slots: CallSlot[] = [];
  const daysWithSlots = new Set<string>();
  for (const period of openPeriods(office, now - LOOK_BACK_MS, { closedDays: CLOSED_DAYS_LIMIT })) {
    if (period.end <= earliest) continue;
    for (const part of splitAtOffsetChanges(period, zone)) {
      for (let start = part.start; start + rules.slotMs <= part.end; start += rules.slotMs) {
        if (start < earliest) continue;
        const day = localDate(start);
        if (!daysWithSlots.has(day)) {
          if (daysWithSlots.size === rules.days) return slots;
          daysWithSlots.add(day);
        }
        slots.push({ start: new Date(start), end: new Date(start + rules.slotMs) });
      }
    }
  }
  return slots;
}

/** Whether `start` begins one of the slots offered at `at`; returns that slot. */
export function findCallSlot(office: OfficeHours, at: Date, rules: SlotRules, start: Date): CallSlot | null {
  const wanted = start.getTime();
  return callSlots(office, at, rules).find((slot) => slot.start.getTime() === wanted) ?? null;
}

/**
 * The period in pieces at each instant the zone's offset changes inside it
 * (at most one a day in any zone, found by halving to the minute).
 */
function splitAtOffsetChanges(period: Period, zone: IANAZone): Period[] {
  const offsetAt = (instant: number) => zone.offset(instant);
  const parts: Period[] = [];
  let start = period.start;
  while (start < period.end && offsetAt(start) !== offsetAt(period.end - 1)) {
    let low = start;
    let high = period.end - 1;
    const first = offsetAt(start);
    while (high - low > MINUTE_MS) {
      const middle = low + Math.floor((high - low) / 2 / MINUTE_MS) * MINUTE_MS || low + MINUTE_MS;
      if (offsetAt(middle) === first) low = middle;
      else high = middle;
    }
    const change = Math.ceil(high / MINUTE_MS) * MINUTE_MS;
    parts.push({ start, end: change });
    start = change;
  }
  if (start < period.end) parts.push({ start, end: period.end });
  return parts;
}
