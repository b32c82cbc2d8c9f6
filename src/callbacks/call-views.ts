import { formatOfficeTime, genericZoneName, officeClockTime, officeDate, officeDayLabel, type OfficeHours } from '../office-hours';
import type { CallOffer, OfferedSlot } from './callback-booking';
import type { CallOfferBody } from './call-schemas';

/** The slot choice as the pages show it: grouped by office-local day, each time with its zone (EST/EDT). */
export interface OfferView {
  leadToken: string;
  callNow: boolean;
  /** `open`: shown unfolded (the first day, or the day of the chosen slot). */
  days: Array<{ id: string; label: string; open: boolean; slots: Array<{ value: string; label: string; id: string; remaining: number }> }>;
  /** The slot to show as chosen (the person's last choice, when the form comes back). */
  selected: string | null;
  /** The heading's wording: booking a call, or moving one. */
  moving: boolean;
  /** "ET": the zone the times are in, and its IANA name (for site.js). */
  zone: string;
  timezone: string;
  slotMinutes: number;
}

export function offerView(office: OfficeHours, now: Date, offer: CallOffer, leadToken: string, options: { selected?: string | null; moving?: boolean } = {}): OfferView {
  const days = new Map<string, OfferView['days'][number]>();
  for (const slot of offer.slots) {
    const date = officeDate(office, slot.start);
    let day = days.get(date);
    if (!day) {
      day = { id: `day-${date}`, label: officeDayLabel(office, slot.start, now), open: false, slots: [] };
      days.set(date, day);
    }
    day.slots.push(slotView(office, slot));
  }
  const first = offer.slots[0];
  const list = [...days.values()];
  const chosenDay = options.selected ? list.find((day) => day.slots.some((slot) => slot.value === options.selected)) : undefined;
  const openDay = chosenDay ?? list[0];
  if (openDay) openDay.open = true;
  return {
    leadToken,
    callNow: offer.callNow,
    days: list,
    selected: options.selected ?? null,
    moving: options.moving ?? false,
    zone: genericZoneName(office.timezone),
    timezone: office.timezone,
    slotMinutes: first ? Math.round((first.end.getTime() - first.start.getTime()) / 60_000) : 0,
  };
}

function slotView(office: OfficeHours, slot: OfferedSlot) {
  const value = slot.start.toISOString();
  return { value, label: officeClockTime(office, slot.start), id: `slot-${value.replace(/[^0-9]/g, '').slice(0, 12)}`, remaining: slot.remaining };
}

/** The JSON form of the offer: instants in UTC. */
export function offerJson(office: OfficeHours, offer: CallOffer): CallOfferBody {
  return {
    timezone: office.timezone,
    callNow: offer.callNow,
    slots: offer.slots.map((slot) => ({ start: slot.start.toISOString(), end: slot.end.toISOString(), remaining: slot.remaining })),
  };
}

export const callTimeLabel = (office: OfficeHours, at: Date) => formatOfficeTime(office, at);
