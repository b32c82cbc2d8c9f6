import { createRoundRobin, type AdvisorAssignment } from '../advisors';
import type { LeadAssignment, Routed } from '../leads';
import { addOfficeTime, type OfficeHours } from '../office-hours';
import type { OutboxRepository } from '../outbox';
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
  /** Records a reassignment inside its transaction (the audit event). */
  onReassigned?: (tx: SqlTransaction, change: Reassignment) => Promise<void>;
  /** Runs in the transaction that assigns these leads to an advisor, first time or again (the `lead.assigned` webhook). */
  onAssigned?: (tx: SqlTransaction, leadIds: string[], at: Date) => Promise<void>;
}

/**
 * Routing when a lead's admissions mail becomes due (SPEC §10): the lead gets
 * its advisor, its due time and `respondBy`, and its escalation is queued —
 * all in one transaction that holds the routing lock, so however many
 * dispatchers run each lead is routed once and picks never interleave.
 * A lead nobody is assigned to (no eligible advisor, or ROUTING=off) gets
 * its clock too, so the team's speed can be measured, but no escalation:
 * such an office works exactly as §7, and escalations are about an advisor.
 */
export function createLeadRouting(deps: RoutingDeps) {
  const { leads, advisors, clock } = deps;
  const respondByFrom = (from: Date) => addOfficeTime(deps.officeHours, from, deps.responseTargetMs);
  const escalationRows = (rows: Array<{ leadId: string; respondBy: Date | null }>) =>
    deps.escalation === 'off' ? [] : rows.flatMap(({ leadId, respondBy }) => (respondBy ? [{ leadId, kind: 'escalation' as const, dueAt: respondBy, digest: false }] : []));
  const assigned = (lead: Routed) => lead.advisorId !== null;

  return {
    /** Routes the leads whose admissions mail is due, each due at its own instant. */
    async routeDue(due: Array<{ leadId: string; dueAt: Date }>): Promise<void> {
      if (due.length === 0) return;
      const dueAt = new Map(due.map((row) => [row.leadId, row.dueAt]));
      await deps.transaction(async (tx) => {
        if (deps.routing === 'round-robin') await advisors.lockRouting(tx);
        const unrouted = await leads.lockUnrouted(tx, [...dueAt.keys()]);
        if (unrouted.length === 0) return;
        const now = clock.now();
        const roundRobin = createRoundRobin(deps.routing === 'round-robin' ? await advisors.candidates(tx) : [], now);
        const routed: Routed[] = unrouted.map((lead) => {
          const at = dueAt.get(lead.id)!;
          return { id: lead.id, advisorId: roundRobin.pick(lead)?.id ?? null, dueAt: at, respondBy: respondByFrom(at) };
        });
        const stored = new Set(await leads.route(tx, routed, now));
        await advisors.markAssigned(tx, roundRobin.stamps);
        const newlyAssigned = routed.filter((lead) => stored.has(lead.id) && assigned(lead));
        await deps.outbox.queue(tx, escalationRows(newlyAssigned.map((lead) => ({ leadId: lead.id, respondBy: lead.respondBy }))));
        if (newlyAssigned.length > 0) await deps.onAssigned?.(tx, newlyAssigned.map((lead) => lead.id), now);
      });
    },

    /**
     * ESCALATION=reassign: moves an overdue lead to the next eligible advisor
     * (never the current one) with a new `respondBy` and a new escalation.
     * `respondBy` is the deadline the escalation was queued for: a lead whose
     * deadline moved on since (this escalation already moved it) or that has
     * been answered stays where it is. Null when nothing moved.
     */
    async reassign(leadId: string, respondBy: Date): Promise<Reassignment | null> {
      if (deps.routing !== 'round-robin' || deps.escalation !== 'reassign') return null;
      return deps.transaction(async (tx) => {
        await advisors.lockRouting(tx);
        const lead = await leads.lockState(tx, leadId);
        if (!lead || lead.firstResponseAt || lead.respondBy?.getTime() !== respondBy.getTime()) return null;
        const now = clock.now();
        const roundRobin = createRoundRobin(await advisors.candidates(tx), now);
        const next = roundRobin.pick({ programCode: lead.programCode, repeatOfAdvisorId: null }, lead.assignedToId);
        if (!next) return null;
        const newRespondBy = respondByFrom(now);
        await leads.reassign(tx, leadId, { to: next.id, at: now, respondBy: newRespondBy });
        await advisors.markAssigned(tx, roundRobin.stamps);
        await deps.outbox.queue(tx, escalationRows([{ leadId, respondBy: newRespondBy }]));
        const change = { leadId, from: lead.assignedToId, to: next.id };
        await deps.onReassigned?.(tx, change);
        await deps.onAssigned?.(tx, [leadId], now);
        return change;
      });
    },
  };
}

export type LeadRouting = ReturnType<typeof createLeadRouting>;
