import type { Database, SqlTransaction } from '../platform/database';

/** A lead whose admissions mail became due and that has not been routed yet. */
export interface UnroutedLead {
  id: string;
  programCode: string;
  /** The advisor of the lead this one repeats, if any. */
  repeatOfAdvisorId: string | null;
}

/** The outcome of routing one lead: its advisor (or none) and its response clock. */
export interface Routed {
  id: string;
  advisorId: string | null;
  dueAt: Date;
  respondBy: Date | null;
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
 * admissions mail becomes due, and every write here is guarded on it, so a
 * second dispatcher (or a retry) finds nothing left to route.
 */
export function createLeadAssignment(db: Database) {
  return {
    /** Locks those of `ids` not routed yet (never spam), oldest first, for the caller's transaction. */
    async lockUnrouted(tx: SqlTransaction, ids: string[]): Promise<UnroutedLead[]> {
      if (ids.length === 0) return [];
      const { rows } = await tx.query<UnroutedLead>({
        name: 'frontdesk-lock-unrouted-leads',
        text: `SELECT l.id::text AS id, l.program_code AS "programCode", d.assigned_to_id::text AS "repeatOfAdvisorId"
                 FROM leads l
                 LEFT JOIN leads d ON d.id = l.duplicate_of_id
                WHERE l.id = ANY($1::uuid[]) AND l.due_at IS NULL AND l.assigned_to_id IS NULL AND l.status <> 'spam'
                ORDER BY l.created_at, l.id
                  FOR UPDATE OF l`,
        values: [ids],
      });
      return rows;
    },

    /** Stores each lead's advisor and clock; returns the ids it routed (none that were routed meanwhile). */
    async route(tx: SqlTransaction, routed: Routed[], at: Date): Promise<string[]> {
      if (routed.length === 0) return [];
      const { rows } = await tx.query<{ id: string }>({
        name: 'frontdesk-route-leads',
        text: `UPDATE leads l
                  SET assigned_to_id = t.advisor_id,
                      assigned_at = CASE WHEN t.advisor_id IS NULL THEN NULL ELSE $5::timestamptz END,
                      due_at = t.due_at, respond_by = t.respond_by
                 FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[], $4::timestamptz[]) AS t(id, advisor_id, due_at, respond_by)
                WHERE l.id = t.id AND l.due_at IS NULL AND l.assigned_to_id IS NULL
            RETURNING l.id::text AS id`,
        values: [routed.map((lead) => lead.id), routed.map((lead) => lead.advisorId), routed.map((lead) => lead.dueAt), routed.map((lead) => lead.respondBy), at],
      });
      return rows.map((row) => row.id);
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
