import type { SqlTransaction } from '../platform/database';

/** An advisor who may take leads now: enabled and available. */
export interface AdvisorCandidate {
  id: string;
  /** Program codes advised on; empty means every program. */
  programs: string[];
  lastAssignedAt: Date | null;
  createdAt: Date;
}

/** Who an email goes to. */
export interface AdvisorContact {
  id: string;
  name: string;
  email: string;
}

/** What the pick needs to know about a lead. */
export interface LeadToRoute {
  programCode: string;
  /** The advisor of the lead this one repeats, if any. */
  repeatOfAdvisorId: string | null;
  /** An advisor who may not get it (the one it is moving away from), if any. */
  exclude: string | null;
}

type Queryable = Pick<SqlTransaction, 'query'>;

/**
 * The `staff_users` side of routing. The round-robin pick itself is SQL
 * (`frontdesk_pick_advisors`, migration 20261203140000_route_leads), so that
 * routing a lead is one statement; first assignments call it from
 * `frontdesk_route_leads`, reassignments through `pick` here. Every routing
 * transaction takes the routing lock before any lead's, so picks never
 * interleave: whatever the number of dispatchers, each pick sees the
 * `last_assigned_at` the previous one wrote, which is what keeps the counts
 * within one of each other.
 */
export function createAdvisorAssignment() {
  return {
    /** Serialises routing for the rest of the caller's transaction (the pick takes it too; take it first when a lead is locked after it). */
    async lockRouting(tx: SqlTransaction): Promise<void> {
      await tx.query({ name: 'frontdesk-lock-routing', text: "SELECT pg_advisory_xact_lock(hashtextextended('frontdesk-routing', 0))" });
    },

    /**
     * The advisor for this lead, stamped as assigned at `at` in the caller's
     * transaction (the advisors taking leads stay locked until it ends), or
     * null when nobody eligible is taking leads. A repeat inquiry stays with
     * its advisor when eligible; otherwise the eligible advisor assigned
     * least recently gets it (never assigned first; ties: oldest account,
     * then id).
     */
    async pick(tx: SqlTransaction, lead: LeadToRoute, at: Date): Promise<string | null> {
      const { rows } = await tx.query<{ advisorId: string | null }>({
        name: 'frontdesk-pick-advisor',
        text: 'SELECT (frontdesk_pick_advisors($1::json, $2::timestamptz))[1]::text AS "advisorId"',
        values: [JSON.stringify([{ programCode: lead.programCode, repeatOf: lead.repeatOfAdvisorId, exclude: lead.exclude }]), at],
      });
      return rows[0]?.advisorId ?? null;
    },

    /**
     * Advisors eligible for a program now (enabled, available, advising it),
     * in round-robin order: least recently assigned first, then oldest account.
     * Calls (SPEC §11) read this to know how many places a slot holds and who calls.
     */
    async eligibleFor(db: Queryable, programCode: string): Promise<AdvisorCandidate[]> {
      const { rows } = await db.query<AdvisorCandidate>({
        name: 'frontdesk-advisors-eligible-for',
        text: `SELECT id::text AS id, programs, last_assigned_at AS "lastAssignedAt", created_at AS "createdAt"
                 FROM staff_users
                WHERE disabled_at IS NULL AND available AND (cardinality(programs) = 0 OR $1 = ANY(programs))
                ORDER BY last_assigned_at NULLS FIRST, created_at, id`,
        values: [programCode],
      });
      return rows;
    },

    /** Names and addresses of these advisors (disabled ones included: their leads still name them). */
    async contacts(db: Queryable, ids: string[]): Promise<Map<string, AdvisorContact>> {
      const unique = [...new Set(ids)];
      if (unique.length === 0) return new Map();
      const { rows } = await db.query<AdvisorContact>({
        name: 'frontdesk-advisor-contacts',
        text: 'SELECT id::text AS id, name, email FROM staff_users WHERE id = ANY($1::uuid[])',
        values: [unique],
      });
      return new Map(rows.map((row) => [row.id, row]));
    },
  };
}

export type AdvisorAssignment = ReturnType<typeof createAdvisorAssignment>;
