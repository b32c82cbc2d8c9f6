/**
 * Calls from an advisor (SPEC §11): bookable slots for a lead, booking,
 * moving and cancelling a call, and the mail about it. Routes: ./http.ts.
 */
export { createCallTokens, LEAD_TOKEN_MAX_AGE_MS, type CallTokens, type LeadTokenCheck } from './call-tokens';
export { callEventData, createCallbackBooking, type CallbackBooking, type CallbackBookingDeps, type CallOffer, type OfferedSlot, type SlotChoice, type BookingOutcome, type CancelOutcome, type CallChange } from './callback-booking';
export { createCallMail, callCalendar, type CallMail, type CallMailDeps } from './call-mail';
export { callbackSlotsQuerySchema, callbackRequestSchema, slotSchema, leadTokenSchema, callOfferSchema, callBookedSchema, type CallbackRequest } from './call-schemas';
export type { Call, CallKind, CallStatus } from './callback-repository';
export { createCallbackReads, type CallbackReads, type CallForStaff } from './callback-reads';
