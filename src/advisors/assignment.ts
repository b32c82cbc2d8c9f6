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
}

type Queryable = Pick<SqlTransaction, 'query'>;

/**
 * The `staff_users` side of routing. Every routing transaction (first
 * assignment and reassignment) starts with `lockRouting`, so picks never
 * interleave: whatever the number of dispatchers, each pick sees the
 * `last_assigned_at` the previous one wrote, which is what keeps the counts
 * within one of each other.
 */
export function createAdvisorAssignment() {
  return {
    /** Serialises routing for the rest of the caller's transaction. */
    async lockRouting(tx: SqlTransaction): Promise<void> {
      await tx.query({ name: 'frontdesk-lock-routing', text: "SELECT pg_advisory_xact_lock(hashtextextended('frontdesk-routing', 0))" });
    },

    /**
     * Enabled, available advisors, locked until the caller commits: an
     * advisor going away meanwhile waits for this pick, and the next pick
     * no longer sees them. NO KEY UPDATE, as the update of last_assigned_at
     * takes anyway: rows that merely point at an advisor (audit events,
     * contacts) are still written meanwhile.
     */
    async candidates(tx: SqlTransaction): Promise<AdvisorCandidate[]> {
      const { rows } = await tx.query<AdvisorCandidate>({
        name: 'frontdesk-routing-candidates',
        text: `SELECT id::text AS id, programs, last_assigned_at AS "lastAssignedAt", created_at AS "createdAt"
                 FROM staff_users
                WHERE disabled_at IS NULL AND available
                ORDER BY id
                  FOR NO KEY UPDATE`,
      });
      return rows;
    },

    /** Records when each advisor was last given a lead. */
    async markAssigned(tx: SqlTransaction, stamps: Map<string, Date>): Promise<void> {
      if (stamps.size === 0) return;
      await tx.query({
        name: 'frontdesk-routing-mark-assigned',
        text: `UPDATE staff_users s SET last_assigned_at = t.at
                 FROM unnest($1::uuid[], $2::timestamptz[]) AS t(id, at)
                WHERE s.id = t.id`,
        values: [[...stamps.keys()], [...stamps.values()]],
      });
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

const advises = (advisor: AdvisorCandidate, programCode: string) => advisor.programs.length === 0 || advisor.programs.includes(programCode);

/**
 * Round-robin over the candidates locked in one transaction. A repeat
 * inquiry stays with the advisor of the lead it repeats when they are
 * eligible; otherwise the eligible advisor assigned least recently gets it
 * (never assigned first; ties: oldest account, then id).
 *
 * Each pick stamps its advisor strictly after every earlier stamp, even when
 * the clock reads the same instant for a whole batch (it does in tests, and
 * may for a fast batch): the order of assignments, not the clock's
 * resolution, is what the next pick goes by.
 */
export function createRoundRobin(candidates: AdvisorCandidate[], now: Date) {
  const last = new Map(candidates.map((advisor) => [advisor.id, advisor.lastAssignedAt?.getTime() ?? null]));
  const stamps = new Map<string, Date>();
  let latest = Math.max(-Infinity, ...candidates.flatMap((advisor) => (advisor.lastAssignedAt ? [advisor.lastAssignedAt.getTime()] : [])));

  function order(a: AdvisorCandidate, b: AdvisorCandidate): number {
    const lastA = last.get(a.id) ?? null;
    const lastB = last.get(b.id) ?? null;
    if (lastA !== lastB) {
      if (lastA === null) return -1;
      if (lastB === null) return 1;
      return lastA - lastB;
    }
    return a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  }

  return {
    /** The advisor for this lead, or null when nobody eligible (other than `exclude`) is available. */
    pick(lead: LeadToRoute, exclude: string | null = null): AdvisorCandidate | null {
      const eligible = candidates.filter((advisor) => advisor.id !== exclude && advises(advisor, lead.programCode));
      const chosen = eligible.find((advisor) => advisor.id === lead.repeatOfAdvisorId) ?? eligible.sort(order)[0] ?? null;
      if (!chosen) return null;
      latest = Math.max(now.getTime(), latest + 1);
      last.set(chosen.id, latest);
      stamps.set(chosen.id, new Date(latest));
      return chosen;
    },
    /** The `last_assigned_at` to write for each advisor picked. */
    stamps,
  };
}
