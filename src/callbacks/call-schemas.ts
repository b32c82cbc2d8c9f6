import { z } from 'zod';

/**
 * The requests of the calls API, as zod schemas: they validate
 * GET /api/callback-slots and POST /api/callbacks (and the form's POST
 * /callbacks), and can be documented from the same source.
 */
export const leadTokenSchema = z.string().min(1).max(200).describe('The signed lead token from the thanks page or the 201 of POST /api/inquiries (valid 7 days).');

/** `now`, or a slot's start as an ISO-8601 instant with an offset (as GET /api/callback-slots gives it). */
export const slotSchema = z
  .union([z.literal('now'), z.iso.datetime({ offset: true })])
  .describe('"now" (only while the office is open), or the start of an offered slot as an ISO-8601 instant.');

export const callbackSlotsQuerySchema = z.object({ lead: leadTokenSchema });

export const callbackRequestSchema = z.object({ lead: leadTokenSchema, slot: slotSchema });

export type CallbackRequest = z.infer<typeof callbackRequestSchema>;

/** The answers of the calls API, typed from these schemas so the documented shape is the one sent. */
export const offeredSlotSchema = z.object({
  start: z.iso.datetime().meta({ description: 'The slot\'s start (UTC); send it back as `slot` to book it.' }),
  end: z.iso.datetime(),
  remaining: z.int().min(1).meta({ description: 'Places left in the slot.' }),
});

export const callOfferSchema = z.object({
  timezone: z.string().meta({ description: 'The office\'s IANA time zone, in which the thanks page shows the times.' }),
  callNow: z.boolean().meta({ description: 'Whether "now" may be booked: the office is open.' }),
  slots: z.array(offeredSlotSchema),
});

export const callBookedSchema = z.object({
  id: z.uuid(),
  scheduledFor: z.iso.datetime().meta({ description: 'When the advisor will call (UTC); for "now", the moment it was asked for.' }),
  kind: z.enum(['now', 'scheduled']),
  manageUrl: z.url().meta({ description: 'The signed link to cancel or move the call.' }),
});

export type CallOfferBody = z.infer<typeof callOfferSchema>;
export type CallBookedBody = z.infer<typeof callBookedSchema>;
