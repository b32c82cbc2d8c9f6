import type { Database, SqlTransaction } from '../platform/database';
import type { LeadStatusName } from './lead-status';

/** What a call needs to know about its lead: who to call, on which number, for which program, and their advisor. */
export interface LeadCallee {
  id: string;
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  programCode: string;
  programName: string;
  status: LeadStatusName;
  assignedToId: string | null;
}

type Queryable = Pick<SqlTransaction, 'query'>;

const CALLEE_SQL = `SELECT l.id::text AS id, l.first_name AS "firstName", l.last_name AS "lastName", l.email, l.phone,
                           l.program_code AS "programCode", p.name AS "programName", l.status::text AS status,
                           l.assigned_to_id::text AS "assignedToId"
                      FROM leads l JOIN programs p ON p.code = l.program_code
                     WHERE l.id = ANY($1::uuid[])`;

/** Reads for the callbacks capability: a lead as the person to call. */
export function createLeadCallees(db: Database) {
  async function find(ids: string[], on: Queryable = db.pool): Promise<Map<string, LeadCallee>> {
    if (ids.length === 0) return new Map();
    const { rows } = await on.query<LeadCallee>({ name: 'frontdesk-lead-callees', text: CALLEE_SQL, values: [ids] });
    // The database spells statuses as the API does (`not-interested`).
    return new Map(rows.map((row) => [row.id, row]));
  }
  return { find };
}

export type LeadCallees = ReturnType<typeof createLeadCallees>;
