import { parse as parseCookies, serialize as serializeCookie } from 'cookie';
import express, { type Request, type RequestHandler, type Response } from 'express';
import type { AdvisorAssignment } from '../advisors';
import type { OfficeHours } from '../office-hours';
import type { Clock } from '../platform/clock';
import type { Database } from '../platform/database';
import { errors } from '../platform/errors';
import type { Logger } from '../platform/logger';
import type { RenderPage } from '../platform/pages';
import { callbackRequestSchema, callbackSlotsQuerySchema, slotSchema, type CallBookedBody } from './call-schemas';
import type { CallTokens } from './call-tokens';
import { callTimeLabel, offerJson, offerView } from './call-views';
import type { BookingOutcome, CallbackBooking, SlotChoice } from './callback-booking';

export interface CallbackRouteDeps {
  db: Database;
  baseUrl: string;
  officeHours: OfficeHours;
  clock: Clock;
  logger: Logger;
  booking: CallbackBooking;
  tokens: CallTokens;
  advisors: Pick<AdvisorAssignment, 'contacts'>;
  renderPage: RenderPage;
  /** The inquiry rate limit: bookings count in the same window as inquiries. */
  rateLimit: RequestHandler;
  /** Refuses form posts from other sites (403). */
  sameOrigin: RequestHandler;
}

const BODY_LIMIT = '16kb';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Carries the lead token from the inquiry's 303 to the thanks page, so its address stays /inquiries/thanks. */
export const CALL_COOKIE = 'frontdesk_call';

const parseChoice = (slot: string): SlotChoice => (slot === 'now' ? { kind: 'now' } : { kind: 'scheduled', start: new Date(slot) });

/**
 * The thanks page's part (SPEC §11): after an inquiry is stored, its lead
 * token goes into a cookie for the thanks page only; the page then offers
 * "Call me now" (while open) and the slot choice, as a form that carries
 * the token in a hidden field.
 */
export function callOfferForThanks(deps: Pick<CallbackRouteDeps, 'booking' | 'tokens' | 'clock' | 'officeHours' | 'baseUrl'>) {
  return {
    remember(res: Response, leadId: string): void {
      res.append('Set-Cookie', serializeCookie(CALL_COOKIE, deps.tokens.issueLeadToken(leadId, deps.clock.now()), {
        path: '/inquiries/thanks',
        httpOnly: true,
        sameSite: 'lax',
        secure: deps.baseUrl.startsWith('https:'),
        maxAge: 7 * 24 * 60 * 60,
      }));
    },

    async forThanksPage(req: Request): Promise<Record<string, unknown> | null> {
      const token = parseCookies(req.get('cookie') ?? '')[CALL_COOKIE];
      const now = deps.clock.now();
      const check = deps.tokens.checkLeadToken(token, now);
      if (!check.valid) return null;
      const offer = await deps.booking.offer(check.leadId);
      if (!offer) return null;
      return { ...offerView(deps.officeHours, now, offer, token!), existing: await existingCall(deps, check.leadId) };
    },
  };
}

async function existingCall(deps: Pick<CallbackRouteDeps, 'booking' | 'tokens' | 'officeHours'>, leadId: string) {
  const call = await deps.booking.callOf(leadId);
  if (!call || call.status !== 'booked') return null;
  return { when: callTimeLabel(deps.officeHours, call.scheduledFor), kind: call.kind, url: `/callbacks/${call.id}?token=${deps.tokens.callToken(call.id)}` };
}

export type CallOfferForThanks = ReturnType<typeof callOfferForThanks>;

/**
 * Booking, seeing and managing a call: POST /callbacks (form), the
 * confirmation and manage pages, and the JSON API. Nothing is stored for a
 * bad token (400), a time not offered (422) or a full slot (409).
 */
export function callbackRouter(deps: CallbackRouteDeps): express.Router {
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: BODY_LIMIT, parameterLimit: 20 });
  const json = express.json({ limit: BODY_LIMIT, strict: false });
  const noStore: RequestHandler = (_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  };
  const leadOf = (token: unknown) => {
    const check = deps.tokens.checkLeadToken(token, deps.clock.now());
    if (!check.valid) {
      deps.logger.info({ event: 'callback.bad_lead_token', reason: check.reason });
      throw errors.invalidLeadToken();
    }
    return check.leadId;
  };
  const callUrl = (id: string, page: '' | '/manage' = '') => `/callbacks/${id}${page}?token=${deps.tokens.callToken(id)}`;

  /** The call, when the token is its own; otherwise a 404 that says nothing about whether it exists. */
  async function callWithToken(req: Request, token: unknown) {
    const id = String(req.params.id);
    if (!UUID.test(id) || !deps.tokens.checkCallToken(id, token)) throw errors.notFound();
    const found = await deps.booking.find(id);
    if (!found) throw errors.notFound();
    return found;
  }

  function showChoiceAgain(res: Response, outcome: Extract<BookingOutcome, { outcome: 'full' | 'not_offered' }>, leadToken: string, selected: string | null) {
    const full = outcome.outcome === 'full';
    const now = deps.clock.now();
    deps.renderPage(res, 'callbacks/choose', {
      title: 'Choose a time for your call',
      notice: {
        title: full ? 'That time was just taken' : 'Please choose one of the times listed',
        text: full ? 'Someone booked the last place at that time a moment ago. Please choose another time.' : outcome.reason,
      },
      offer: offerView(deps.officeHours, now, outcome.offer, leadToken, { selected: full ? null : selected }),
    }, full ? 409 : 422);
  }

  // ---- the form and its pages

  router.post('/callbacks', noStore, deps.sameOrigin, deps.rateLimit, form, async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const leadToken = body.lead;
    const leadId = leadOf(leadToken);
    const slot = slotSchema.safeParse(body.slot);
    const choice = slot.success ? parseChoice(slot.data) : null;
    const outcome: BookingOutcome = choice
      ? await deps.booking.book(leadId, choice)
      : await notOffered(leadId, typeof body.slot === 'string' && body.slot !== '' ? 'That time is not one we offer. Please choose one of the times listed.' : 'Choose a time for the call, or "Call me now".');
    if (outcome.outcome === 'unknown_lead') throw errors.invalidLeadToken();
    if (outcome.outcome !== 'booked') return showChoiceAgain(res, outcome, String(leadToken), typeof body.slot === 'string' ? body.slot : null);
    res.redirect(303, callUrl(outcome.call.id));
  });

  async function notOffered(leadId: string, reason: string): Promise<BookingOutcome> {
    const offer = await deps.booking.offer(leadId);
    return offer ? { outcome: 'not_offered', reason, offer } : { outcome: 'unknown_lead' };
  }

  router.get('/callbacks/:id', noStore, async (req, res) => {
    const { call, callee } = await callWithToken(req, req.query.token);
    const advisor = call.advisorId ? (await deps.advisors.contacts(deps.db.pool, [call.advisorId])).get(call.advisorId) ?? null : null;
    deps.renderPage(res, 'callbacks/confirmation', {
      title: call.status === 'cancelled' ? 'Your call is cancelled' : 'Your call is booked',
      call,
      callee,
      advisorName: advisor?.name ?? null,
      when: callTimeLabel(deps.officeHours, call.scheduledFor),
      manageUrl: callUrl(call.id, '/manage'),
    });
  });

  router.get('/callbacks/:id/manage', noStore, async (req, res) => {
    const { call, callee } = await callWithToken(req, req.query.token);
    const now = deps.clock.now();
    const offer = await deps.booking.offer(callee.id);
    if (!offer) throw errors.notFound();
    deps.renderPage(res, 'callbacks/manage', {
      title: 'Change or cancel your call',
      call,
      callee,
      token: deps.tokens.callToken(call.id),
      when: callTimeLabel(deps.officeHours, call.scheduledFor),
      cancellable: call.status === 'booked' && call.endsAt.getTime() > now.getTime(),
      offer: offerView(deps.officeHours, now, offer, deps.tokens.issueLeadToken(callee.id, now), { moving: call.status === 'booked' }),
    });
  });

  router.post('/callbacks/:id/cancel', noStore, deps.sameOrigin, form, async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const { call } = await callWithToken(req, body.token);
    await deps.booking.cancel(call.id);
    res.redirect(303, callUrl(call.id));
  });

  // ---- JSON

  router.get('/api/callback-slots', noStore, async (req, res) => {
    const query = callbackSlotsQuerySchema.safeParse(req.query);
    if (!query.success) throw errors.invalidLeadToken();
    const leadId = leadOf(query.data.lead);
    const offer = await deps.booking.offer(leadId);
    if (!offer) throw errors.invalidLeadToken();
    res.json(offerJson(deps.officeHours, offer));
  });

  router.post('/api/callbacks', noStore, deps.rateLimit, (req, _res, next) => {
    if (!req.is('application/json')) throw errors.unsupportedMediaType('Send the booking as JSON with Content-Type: application/json.');
    next();
  }, json, async (req, res) => {
    const body = req.body as unknown;
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw errors.validationFailed([{ path: 'body', message: 'Send a JSON object with "lead" and "slot".' }]);
    const fields = body as Record<string, unknown>;
    const leadId = leadOf(fields.lead);
    const parsed = callbackRequestSchema.safeParse(fields);
    if (!parsed.success) {
      const offer = await deps.booking.offer(leadId);
      if (!offer) throw errors.invalidLeadToken();
      throw errors.slotNotOffered(offerJson(deps.officeHours, offer).slots, 'slot must be "now" or the start of an offered slot as an ISO-8601 instant.');
    }
    const outcome = await deps.booking.book(leadId, parseChoice(parsed.data.slot));
    switch (outcome.outcome) {
      case 'unknown_lead':
        throw errors.invalidLeadToken();
      case 'not_offered':
        throw errors.slotNotOffered(offerJson(deps.officeHours, outcome.offer).slots, outcome.reason);
      case 'full':
        throw errors.slotFull(offerJson(deps.officeHours, outcome.offer).slots);
      case 'booked':
        res.status(201).location(callUrl(outcome.call.id)).json({
          id: outcome.call.id,
          scheduledFor: outcome.call.scheduledFor.toISOString(),
          kind: outcome.call.kind,
          manageUrl: `${deps.baseUrl}${callUrl(outcome.call.id, '/manage')}`,
        } satisfies CallBookedBody);
    }
  });

  return router;
}
