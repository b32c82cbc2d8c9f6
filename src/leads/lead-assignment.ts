import type { Database, SqlTransaction } from '../platform/database';

/** A lead whose admissions mail became due, with the clock it gets if it is routed now. */
export interface DueLead {
  id: string;
  dueAt: Date;
  respondBy: Date | null;
  /** The id of its escalation, queued at `respondBy` if it gets an advisor; null for none (ESCALATION=off). */
  escalationId: string | null;
}

/** A lead routed: its advisor, or null when nobody eligible is taking leads (or ROUTING=off). */
export interface RoutedLead {
  leadId: string;
  advisorId: string | null;
}

/** Where a lead stands for its mail and its escalation. */
export interface LeadAssignmentState {
  id: string;
  programCode: string;
  assignedToId: string | null;
  dueAt: Date | null;
  respondBy: Date | null;
  firstResponseAt: Date | null;
}

const STATE_COLUMNS = `id::text AS id, program_code AS "programCode", assigned_to_id::text AS "assignedToId", due_at AS "dueAt",
                       respond_by AS "respondBy", first_response_at AS "firstResponseAt"`;

/**
 * The lead's side of routing: who it is assigned to and its response clock
 * (`due_at`, `respond_by`). A lead is routed once: `due_at` is set when its
 * admissions mail becomes due, and routing only takes leads without it, so a
 * second dispatcher (or a retry) finds nothing left to route.
 */
export function createLeadAssignment(db: Database) {
  return {
    /**
     * Routes those of `due` not routed yet (never spam), oldest first, in one
     * statement (`frontdesk_route_leads`, migration 20261203140000_route_leads):
     * with `roundRobin` each gets its advisor, its escalation and a
     * `lead.assigned` webhook; without, its clock only. A lead another
     * dispatcher routed meanwhile is left out of the answer.
     */
    async route(due: DueLead[], options: { at: Date; roundRobin: boolean; outboxChannel: string }): Promise<RoutedLead[]> {
      if (due.length === 0) return [];
      const { rows } = await db.pool.query<RoutedLead>({
        name: 'frontdesk-route-leads',
        text: 'SELECT lead_id::text AS "leadId", advisor_id::text AS "advisorId" FROM frontdesk_route_leads($1::json, $2::timestamptz, $3::boolean, $4::text)',
        values: [JSON.stringify(due), options.at, options.roundRobin, options.outboxChannel],
      });
      return rows;
    },

    /** Locks one lead for a reassignment. */
    async lockState(tx: SqlTransaction, id: string): Promise<LeadAssignmentState | null> {
      const { rows } = await tx.query<LeadAssignmentState>({
        name: 'frontdesk-lock-lead-assignment',
        text: `SELECT ${STATE_COLUMNS} FROM leads WHERE id = $1::uuid FOR UPDATE`,
        values: [id],
      });
      return rows[0] ?? null;
    },

    /** Moves a lead to another advisor with a new `respond_by`. */
    async reassign(tx: SqlTransaction, id: string, change: { to: string; at: Date; respondBy: Date | null }): Promise<void> {
      await tx.query({
        name: 'frontdesk-reassign-lead',
        text: 'UPDATE leads SET assigned_to_id = $2::uuid, assigned_at = $3, respond_by = $4 WHERE id = $1::uuid',
        values: [id, change.to, change.at, change.respondBy],
      });
    },

    /** Where these leads stand (erased ones are missing). */
    async states(ids: string[]): Promise<Map<string, LeadAssignmentState>> {
      if (ids.length === 0) return new Map();
      const { rows } = await db.pool.query<LeadAssignmentState>({
        name: 'frontdesk-lead-assignment-states',
        text: `SELECT ${STATE_COLUMNS} FROM leads WHERE id = ANY($1::uuid[])`,
        values: [ids],
      });
      return new Map(rows.map((row) => [row.id, row]));
    },
  };
}

export type LeadAssignment = ReturnType<typeof createLeadAssignment>;
