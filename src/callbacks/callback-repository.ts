import type { SqlTransaction } from '../platform/database';

export type CallKind = 'now' | 'scheduled';
export type CallStatus = 'booked' | 'cancelled';

/** A call as stored: one row per lead, moved in place. */
export interface Call {
  id: string;
  leadId: string;
  advisorId: string | null;
  kind: CallKind;
  status: CallStatus;
  scheduledFor: Date;
  endsAt: Date;
  sequence: number;
  bookedAt: Date;
  cancelledAt: Date | null;
}

type Queryable = Pick<SqlTransaction, 'query'>;

const COLUMNS = `id::text AS id, lead_id::text AS "leadId", advisor_id::text AS "advisorId", kind::text AS kind, status::text AS status,
                 scheduled_for AS "scheduledFor", ends_at AS "endsAt", sequence, booked_at AS "bookedAt", cancelled_at AS "cancelledAt"`;

/**
 * The `callbacks` table. Booking and moving run under one transaction-level
 * advisory lock, so counting a slot's places and taking one are a single
 * step for every process sharing the database: of two requests for the last
 * place, the second sees the first's call.
 */
export const callbackRepository = {
  async lockBookings(tx: SqlTransaction): Promise<void> {
    await tx.query({ name: 'frontdesk-lock-callbacks', text: "SELECT pg_advisory_xact_lock(hashtextextended('frontdesk-callbacks', 0))" });
  },

  async find(db: Queryable, id: string, options: { lock?: 'update' | 'share' } = {}): Promise<Call | null> {
    const lock = options.lock === 'update' ? ' FOR UPDATE' : options.lock === 'share' ? ' FOR SHARE' : '';
    const { rows } = await db.query<Call>({ text: `SELECT ${COLUMNS} FROM callbacks WHERE id = $1${lock}`, values: [id] });
    return rows[0] ?? null;
  },

  async forLead(db: Queryable, leadId: string, options: { lock?: boolean } = {}): Promise<Call | null> {
    const { rows } = await db.query<Call>({ text: `SELECT ${COLUMNS} FROM callbacks WHERE lead_id = $1${options.lock ? ' FOR UPDATE' : ''}`, values: [leadId] });
    return rows[0] ?? null;
  },

  async forLeads(db: Queryable, leadIds: string[]): Promise<Map<string, Call>> {
    if (leadIds.length === 0) return new Map();
    const { rows } = await db.query<Call>({ name: 'frontdesk-calls-for-leads', text: `SELECT ${COLUMNS} FROM callbacks WHERE lead_id = ANY($1::uuid[])`, values: [leadIds] });
    return new Map(rows.map((row) => [row.leadId, row]));
  },

  /** Booked calls overlapping [from, to), other than `exceptLead`'s own: who is busy when. */
  async bookedBetween(db: Queryable, from: Date, to: Date, exceptLead: string | null = null): Promise<Array<Pick<Call, 'advisorId' | 'scheduledFor' | 'endsAt'>>> {
    const { rows } = await db.query<Pick<Call, 'advisorId' | 'scheduledFor' | 'endsAt'>>({
      name: 'frontdesk-calls-booked-between',
      text: `SELECT advisor_id::text AS "advisorId", scheduled_for AS "scheduledFor", ends_at AS "endsAt"
               FROM callbacks
              WHERE status = 'booked' AND scheduled_for < $2 AND ends_at > $1 AND ($3::uuid IS NULL OR lead_id <> $3::uuid)`,
      values: [from, to, exceptLead],
    });
    return rows;
  },

  /** Booked calls of one advisor (or, with null, of the team) starting in [from, to), in time order. */
  async bookedFor(db: Queryable, advisorId: string | null, from: Date, to: Date): Promise<Call[]> {
    const { rows } = await db.query<Call>({
      name: 'frontdesk-calls-booked-for',
      text: `SELECT ${COLUMNS} FROM callbacks
              WHERE status = 'booked' AND advisor_id IS NOT DISTINCT FROM $1::uuid AND scheduled_for >= $2 AND scheduled_for < $3
              ORDER BY scheduled_for, id`,
      values: [advisorId, from, to],
    });
    return rows;
  },

  async insert(tx: SqlTransaction, call: Omit<Call, 'status' | 'sequence' | 'cancelledAt'>): Promise<Call> {
    const { rows } = await tx.query<Call>({
      text: `INSERT INTO callbacks (id, lead_id, advisor_id, kind, scheduled_for, ends_at, booked_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
      values: [call.id, call.leadId, call.advisorId, call.kind, call.scheduledFor, call.endsAt, call.bookedAt],
    });
    return rows[0]!;
  },

  /** Books the lead's existing row again at a new time: the same call, one sequence on. */
  async rebook(tx: SqlTransaction, id: string, change: Pick<Call, 'advisorId' | 'kind' | 'scheduledFor' | 'endsAt' | 'bookedAt'>): Promise<Call> {
    const { rows } = await tx.query<Call>({
      text: `UPDATE callbacks SET advisor_id = $2, kind = $3, status = 'booked', scheduled_for = $4, ends_at = $5, booked_at = $6,
                                  cancelled_at = NULL, sequence = sequence + 1
              WHERE id = $1 RETURNING ${COLUMNS}`,
      values: [id, change.advisorId, change.kind, change.scheduledFor, change.endsAt, change.bookedAt],
    });
    return rows[0]!;
  },

  async cancel(tx: SqlTransaction, id: string, at: Date): Promise<Call> {
    const { rows } = await tx.query<Call>({
      text: `UPDATE callbacks SET status = 'cancelled', cancelled_at = $2, sequence = sequence + 1 WHERE id = $1 RETURNING ${COLUMNS}`,
      values: [id, at],
    });
    return rows[0]!;
  },
};
