import { z } from 'zod';

/** Date, time and an explicit offset: without one, "an instant" would depend on the server's zone. */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}(:?\d{2})?)$/i;

/** The query of GET /api/office-hours; parseInstant reads `at` with it (an unencoded + arrives as a space, hence the trim first). */
export const officeHoursQuerySchema = z.object({
  at: z.string().regex(INSTANT).optional().meta({
    description: 'Evaluate at this instant instead of now: ISO 8601 with a time zone offset, e.g. 2026-11-29T15:30:00Z.',
  }),
});

const instant = z.iso.datetime({ offset: false });
const weekday = z.enum(['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']);

/** The 200 answer of GET /api/office-hours (office-hours/office-status.ts builds it). */
export const officeStatusSchema = z.object({
  open: z.boolean(),
  at: instant.meta({ description: 'The instant evaluated (UTC, milliseconds).' }),
  timezone: z.string().meta({ description: 'OFFICE_TIMEZONE, an IANA zone.' }),
  opensAt: instant.nullable().meta({ description: 'The next opening when closed; null when open.' }),
  closesAt: instant.nullable().meta({ description: 'The end of the current open period when open; null when closed.' }),
  hours: z.string().meta({ description: 'The posted hours, e.g. "Mon–Fri 9am–9pm ET".' }),
  schedule: z.array(z.object({ days: z.array(weekday), open: z.string(), close: z.string() })),
  holidays: z.array(z.string().meta({ description: 'A closed local date, YYYY-MM-DD.' })),
});
