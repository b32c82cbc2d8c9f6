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
