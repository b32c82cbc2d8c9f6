import { v7 as uuidv7 } from 'uuid';
import type { AdvisorAssignment } from '../advisors';
import type { LeadAssignment } from '../leads';
import { addOfficeTime, type OfficeHours } from '../office-hours';
import { OUTBOX_CHANNEL, type OutboxRepository } from '../outbox';
import type { Clock } from '../platform/clock';
import type { SqlTransaction } from '../platform/database';

/** A lead moved to another advisor by an escalation. */
export interface Reassignment {
  leadId: string;
  from: string | null;
  to: string;
}

export interface RoutingDeps {
  leads: LeadAssignment;
  advisors: AdvisorAssignment;
  outbox: Pick<OutboxRepository, 'queue'>;
  /** One SQL transaction on the pool (the lead repository's). */
  transaction: <T>(work: (tx: SqlTransaction) => Promise<T>) => Promise<T>;
  clock: Clock;
  officeHours: OfficeHours;
  routing: 'round-robin' | 'off';
  escalation: 'notify' | 'reassign' | 'off';
  responseTargetMs: number;
  /**
   * Runs in the transaction that moves a lead to another advisor: the audit
   * event and the `lead.assigned` webhook. (A first assignment queues its
   * webhook in the statement that routes it.)
   */
  onReassigned?: (tx: SqlTransaction, change: Reassignment, at: Date) => Promise<void>;
}

/**
 * Routing when a lead's admissions mail becomes due (SPEC §10): the lead gets
 * its advisor, its due time and `respondBy`, and its escalation is queued —
 * in one statement that holds the routing lock (`frontdesk_route_leads`), so
 * however many dispatchers run each lead is routed once and picks never
 * interleave, and routing costs the email one round trip to the database.
 * A lead nobody is assigned to (no eligible advisor, or ROUTING=off) gets
 * its clock too, so the team's speed can be measured, but no escalation:
 * such an office works exactly as §7, and escalations are about an advisor.
 */
export function createLeadRouting(deps: RoutingDeps) {
  const { leads, advisors, clock } = deps;
  const respondByFrom = (from: Date) => addOfficeTime(deps.officeHours, from, deps.responseTargetMs);
  const roundRobin = deps.routing === 'round-robin';
  // Only an assigned lead escalates, and with ROUTING=off none is.
  const escalates = roundRobin && deps.escalation !== 'off';

  return {
    /** Routes the leads whose admissions mail is due, each due at its own instant. */
    async routeDue(due: Array<{ leadId: string; dueAt: Date }>): Promise<void> {
      await leads.route(
        due.map(({ leadId, dueAt }) => ({ id: leadId, dueAt, respondBy: respondByFrom(dueAt), escalationId: escalates ? uuidv7() : null })),
        { at: clock.now(), roundRobin, outboxChannel: OUTBOX_CHANNEL },
      );
    },

    /**
     * ESCALATION=reassign: moves an overdue lead to the next eligible advisor
     * (never the current one) with a new `respondBy` and a new escalation.
     * `respondBy` is the deadline the escalation was queued for: a lead whose
     * deadline moved on since (this escalation already moved it) or that has
     * been answered stays where it is. Null when nothing moved.
     */
    async reassign(leadId: string, respondBy: Date): Promise<Reassignment | null> {
      if (!roundRobin || deps.escalation !== 'reassign') return null;
      return deps.transaction(async (tx) => {
        await advisors.lockRouting(tx);
        const lead = await leads.lockState(tx, leadId);
        if (!lead || lead.firstResponseAt || lead.respondBy?.getTime() !== respondBy.getTime()) return null;
        const now = clock.now();
        const next = await advisors.pick(tx, { programCode: lead.programCode, repeatOfAdvisorId: null, exclude: lead.assignedToId }, now);
        if (!next) return null;
        const newRespondBy = respondByFrom(now);
        await leads.reassign(tx, leadId, { to: next, at: now, respondBy: newRespondBy });
        if (newRespondBy) await deps.outbox.queue(tx, [{ leadId, kind: 'escalation', dueAt: newRespondBy, digest: false }]);
        const change = { leadId, from: lead.assignedToId, to: next };
        await deps.onReassigned?.(tx, change, now);
        return change;
      });
    },
  };
}

export type LeadRouting = ReturnType<typeof createLeadRouting>;
