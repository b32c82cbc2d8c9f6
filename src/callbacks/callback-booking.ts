import { v7 as uuidv7 } from 'uuid';
import type { AdvisorAssignment, AdvisorCandidate } from '../advisors';
import type { LeadCallee, LeadCallees } from '../leads';
import { callSlots, findCallSlot, isOpen, type CallSlot, type OfficeHours, type SlotRules } from '../office-hours';
import type { CallNotificationKind, OutboxRepository } from '../outbox';
import type { Clock } from '../platform/clock';
import { withTransaction, type Database, type SqlTransaction } from '../platform/database';
import type { Logger } from '../platform/logger';
import { callbackRepository as calls, type Call } from './callback-repository';

/** A slot as offered: its start and end, and how many more calls it takes. */
export interface OfferedSlot extends CallSlot {
  remaining: number;
}

export interface CallOffer {
  /** "Call me now" is offered: the office is open. */
  callNow: boolean;
  /** Slots with a place left, in time order. */
  slots: OfferedSlot[];
}

/** What a booking asks for: a slot's start, or now. */
export type SlotChoice = { kind: 'now' } | { kind: 'scheduled'; start: Date };

export type BookingOutcome =
  | { outcome: 'booked'; call: Call; callee: LeadCallee; moved: boolean }
  /** The lead does not exist (erased) or is spam: nobody to call. */
  | { outcome: 'unknown_lead' }
  /** Not one of the offered slots, or "now" while closed; the offer as it stands. */
  | { outcome: 'not_offered'; reason: string; offer: CallOffer }
  /** Every place in the slot is taken; the offer as it stands. */
  | { outcome: 'full'; offer: CallOffer };

export type CancelOutcome = { outcome: 'cancelled'; call: Call } | { outcome: 'not_found' } | { outcome: 'already_cancelled'; call: Call } | { outcome: 'over'; call: Call };

/** A change to a call, in the transaction that made it: where an integration event (callback.booked / callback.cancelled) is queued. */
export interface CallChange {
  type: 'callback.booked' | 'callback.cancelled';
  call: Call;
}

/** The call as integration events carry it (SPEC §13: `data.call`), with UTC instants; the lead travels beside it. */
export function callEventData(call: Call): Record<string, unknown> {
  return {
    id: call.id,
    kind: call.kind,
    status: call.status,
    scheduledFor: call.scheduledFor.toISOString(),
    endsAt: call.endsAt.toISOString(),
    sequence: call.sequence,
    bookedAt: call.bookedAt.toISOString(),
    cancelledAt: call.cancelledAt?.toISOString() ?? null,
  };
}

export interface CallbackBookingDeps {
  db: Database;
  clock: Clock;
  logger: Logger;
  officeHours: OfficeHours;
  rules: SlotRules & { reminderMs: number };
  callees: LeadCallees;
  advisors: Pick<AdvisorAssignment, 'eligibleFor'>;
  outbox: Pick<OutboxRepository, 'queueForCall' | 'cancelForCall'>;
  /** Runs inside the booking's or cancellation's transaction, after the call is written. */
  onChange?: (tx: SqlTransaction, change: CallChange) => Promise<void>;
}

type Busy = Array<{ advisorId: string | null; scheduledFor: Date; endsAt: Date }>;

const overlaps = (call: { scheduledFor: Date; endsAt: Date }, start: number, end: number) => call.scheduledFor.getTime() < end && call.endsAt.getTime() > start;

/**
 * Who takes a call in [start, end): each eligible advisor takes one call at a
 * time; with nobody eligible, the team (ADMISSIONS_EMAIL) takes one. The
 * lead's own advisor first, then the others in round-robin order.
 * Returns the places left and the pick (undefined: none left; null: the team).
 */
function placesIn(eligible: AdvisorCandidate[], busy: Busy, start: number, end: number, ownAdvisorId: string | null) {
  const taken = busy.filter((call) => overlaps(call, start, end));
  if (eligible.length === 0) {
    const teamBusy = taken.some((call) => call.advisorId === null);
    return { remaining: teamBusy ? 0 : 1, pick: teamBusy ? undefined : null };
  }
  const takenBy = new Set(taken.map((call) => call.advisorId));
  const free = eligible.filter((advisor) => !takenBy.has(advisor.id));
  const pick = free.find((advisor) => advisor.id === ownAdvisorId) ?? free[0];
  return { remaining: free.length, pick: pick?.id };
}

/**
 * Calls from an advisor (SPEC §11): the offer for a lead, booking (a second
 * booking moves the call), and cancelling — each write one transaction with
 * the call's mail in the outbox.
 */
export function createCallbackBooking(deps: CallbackBookingDeps) {
  const { db, rules } = deps;
  const pool = db.pool;

  async function offerFor(on: Pick<SqlTransaction, 'query'>, callee: LeadCallee, now: Date): Promise<CallOffer> {
    const grid = callSlots(deps.officeHours, now, rules);
    const eligible = await deps.advisors.eligibleFor(on, callee.programCode);
    const busy = grid.length === 0 ? [] : await calls.bookedBetween(on, grid[0]!.start, grid.at(-1)!.end, callee.id);
    const slots = grid.flatMap((slot) => {
      const { remaining } = placesIn(eligible, busy, slot.start.getTime(), slot.end.getTime(), callee.assignedToId);
      return remaining > 0 ? [{ ...slot, remaining }] : [];
    });
    return { callNow: isOpen(deps.officeHours, now), slots };
  }

  async function calleeOf(leadId: string, on: Pick<SqlTransaction, 'query'> = pool): Promise<LeadCallee | null> {
    const callee = (await deps.callees.find([leadId], on)).get(leadId);
    return callee && callee.status !== 'spam' ? callee : null;
  }

  async function queueMail(tx: SqlTransaction, call: Call, rows: Array<{ kind: CallNotificationKind; dueAt: Date }>) {
    await deps.outbox.queueForCall(tx, rows.map((row) => ({ ...row, leadId: call.leadId, callbackId: call.id, callbackSequence: call.sequence })));
  }

  return {
    /** The offer for a lead now; null when there is nobody to call. */
    async offer(leadId: string): Promise<CallOffer | null> {
      const callee = await calleeOf(leadId);
      return callee ? offerFor(pool, callee, deps.clock.now()) : null;
    },

    /** The lead's call, if it has one (booked or cancelled). */
    async callOf(leadId: string): Promise<Call | null> {
      return calls.forLead(pool, leadId);
    },

    async find(callId: string): Promise<{ call: Call; callee: LeadCallee } | null> {
      const call = await calls.find(pool, callId);
      if (!call) return null;
      const callee = (await deps.callees.find([call.leadId])).get(call.leadId);
      return callee ? { call, callee } : null;
    },

    /**
     * Books the lead's call, or moves the one it has. Under the bookings
     * lock: check the choice against the offer, count the places, pick who
     * calls, write the call, queue its mail (and drop the mail of the
     * booking it replaces) — all or nothing.
     */
    async book(leadId: string, choice: SlotChoice): Promise<BookingOutcome> {
      const outcome = await withTransaction(pool, async (tx): Promise<BookingOutcome> => {
        await calls.lockBookings(tx);
        const now = deps.clock.now();
        const callee = await calleeOf(leadId, tx);
        if (!callee) return { outcome: 'unknown_lead' };

        let start: number;
        let end: number;
        if (choice.kind === 'now') {
          if (!isOpen(deps.officeHours, now)) {
            return { outcome: 'not_offered', reason: 'The office is closed now, so nobody can call you right away. Please choose a time.', offer: await offerFor(tx, callee, now) };
          }
          start = now.getTime();
          end = start + rules.slotMs;
        } else {
          const slot = findCallSlot(deps.officeHours, now, rules, choice.start);
          if (!slot) {
            return { outcome: 'not_offered', reason: 'That time is not one we offer. Please choose one of the times listed.', offer: await offerFor(tx, callee, now) };
          }
          start = slot.start.getTime();
          end = slot.end.getTime();
        }

        const eligible = await deps.advisors.eligibleFor(tx, callee.programCode);
        const busy = await calls.bookedBetween(tx, new Date(start), new Date(end), callee.id);
        const places = placesIn(eligible, busy, start, end, callee.assignedToId);
        // Someone asking to be called now is never turned away: with every advisor on a call, the team hears.
        const advisorId = places.pick === undefined ? (choice.kind === 'now' ? null : undefined) : places.pick;
        if (advisorId === undefined) return { outcome: 'full', offer: await offerFor(tx, callee, now) };

        const existing = await calls.forLead(tx, leadId, { lock: true });
        const change = { advisorId, kind: choice.kind, scheduledFor: new Date(start), endsAt: new Date(end), bookedAt: now };
        const call = existing ? await calls.rebook(tx, existing.id, change) : await calls.insert(tx, { id: uuidv7({ msecs: now.getTime() }), leadId, ...change });
        // The replaced booking's mail is never sent: its reminder, its "call now", its confirmation if still queued.
        if (existing) await deps.outbox.cancelForCall(tx, call.id, ['callback_confirmation', 'callback_now', 'callback_reminder']);
        await queueMail(tx, call, [
          { kind: 'callback_confirmation', dueAt: now },
          choice.kind === 'now'
            ? { kind: 'callback_now', dueAt: now }
            : { kind: 'callback_reminder', dueAt: new Date(Math.max(now.getTime(), start - rules.reminderMs)) },
        ]);
        await deps.onChange?.(tx, { type: 'callback.booked', call }); // its webhook event is queued here (app.ts wires onChange), in this transaction
        return { outcome: 'booked', call, callee, moved: existing !== null && existing.status === 'booked' };
      });
      if (outcome.outcome === 'booked') {
        deps.logger.info({ event: outcome.moved ? 'callback.moved' : 'callback.booked', callbackId: outcome.call.id, leadId, kind: outcome.call.kind, team: outcome.call.advisorId === null });
      }
      return outcome;
    },

    /** Cancels a booked call that has not ended; its advisor hears, and its reminder is never sent. */
    async cancel(callId: string): Promise<CancelOutcome> {
      const outcome = await withTransaction(pool, async (tx): Promise<CancelOutcome> => {
        const now = deps.clock.now();
        const call = await calls.find(tx, callId, { lock: 'update' });
        if (!call) return { outcome: 'not_found' };
        if (call.status === 'cancelled') return { outcome: 'already_cancelled', call };
        if (call.endsAt.getTime() <= now.getTime()) return { outcome: 'over', call };
        const cancelled = await calls.cancel(tx, callId, now);
        await deps.outbox.cancelForCall(tx, callId, ['callback_confirmation', 'callback_now', 'callback_reminder']);
        await queueMail(tx, cancelled, [{ kind: 'callback_cancelled', dueAt: now }]);
        await deps.onChange?.(tx, { type: 'callback.cancelled', call: cancelled }); // its webhook event is queued here (app.ts wires onChange), in this transaction
        return { outcome: 'cancelled', call: cancelled };
      });
      if (outcome.outcome === 'cancelled') deps.logger.info({ event: 'callback.cancelled', callbackId: callId });
      return outcome;
    },

    /** Booked calls starting in [from, to) for one advisor, or for the team (null). */
    bookedFor(advisorId: string | null, from: Date, to: Date): Promise<Call[]> {
      return calls.bookedFor(pool, advisorId, from, to);
    },

    /** Each lead's call, for staff pages. */
    callsOf(leadIds: string[]): Promise<Map<string, Call>> {
      return calls.forLeads(pool, leadIds);
    },
  };
}

export type CallbackBooking = ReturnType<typeof createCallbackBooking>;
