import { locate } from './office-clock';
import { hoursLabel } from './office-labels';
import type { OfficeHours, Weekday } from './schedule';

/** The body of GET /api/office-hours (docs/http-api.md); instants are UTC ISO-8601 with milliseconds. */
export interface OfficeStatus {
  open: boolean;
  at: string;
  timezone: string;
  opensAt: string | null;
  closesAt: string | null;
  hours: string;
  schedule: { days: Weekday[]; open: string; close: string }[];
  holidays: string[];
}

export function officeStatus(office: OfficeHours, at: Date): OfficeStatus {
  const situation = locate(office, at);
  const iso = (epochMs: number | null) => (epochMs === null ? null : new Date(epochMs).toISOString());
  return {
    open: situation.open,
    at: at.toISOString(),
    timezone: office.timezone,
    opensAt: situation.open ? null : iso(situation.opensAt),
    closesAt: situation.open ? iso(situation.closesAt) : null,
    hours: hoursLabel(office),
    schedule: office.segments.map((segment) => ({ days: [...segment.days], open: segment.open, close: segment.close })),
    holidays: [...office.holidays],
  };
}
