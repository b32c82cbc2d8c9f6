import type { Database } from '../platform/database';
import type { LeadBasics, LeadWithContext } from './lead';
import { leadConditions, parameterBinder, whereClause, type LeadFilters } from './lead-conditions';
import { exportRecordsQuery } from './lead-export-sql';
import { fromPrismaStatus, type LeadStatusName } from './lead-status';

/**
 * Reading leads: the staff list and its counts, one lead with its history,
 * and leads with their program and article names for email. The list is
 * keyset-paginated on the lead id (UUIDv7, so id order is arrival order): a
 * page costs an index range scan however deep into a million leads it is,
 * where OFFSET would read and throw away every row before it.
 */
export const PAGE_SIZE = 50;

/** A row of the staff list. */
export interface LeadSummary extends LeadBasics {
  programCode: string;
  status: LeadStatusName;
}

export interface LeadPage {
  leads: LeadSummary[];
  /** Cursor for the newer page (`before=`), when there is one. */
  newer?: string;
  /** Cursor for the older page (`after=`), when there is one. */
  older?: string;
}

/** A lead in an advisor's queue: assigned to them, still `new`, with no first response. */
export interface AwaitingLead {
  id: string;
  createdAt: Date;
  firstName: string;
  lastName: string;
  phone: string;
  email: string;
  programName: string;
  programLevel: string;
  respondBy: Date | null;
}

/** `after`: leads older than this id (the next page down); `before`: newer ones (back up). */
export interface PageCursor {
  after?: string;
  before?: string;
}

interface SummaryRow {
  id: string; created_at: Date; first_name: string; last_name: string; email: string; phone: string;
  program_code: string; status: LeadStatusName; article_slug: string | null; duplicate_of_id: string | null;
}

export function createLeadQueries(db: Database) {
  return {
    /**
     * These leads as the export has them (its keys and values, as NDJSON):
     * what webhooks send as `data`. Erased leads are missing from the map.
     */
    async exportRecords(ids: string[]): Promise<Map<string, Record<string, unknown>>> {
      if (ids.length === 0) return new Map();
      const { rows } = await db.pool.query<{ id: string; record: Record<string, unknown> }>({ name: 'frontdesk-lead-export-records', text: exportRecordsQuery(), values: [ids] });
      return new Map(rows.map((row) => [row.id, row.record]));
    },

    async list(filters: LeadFilters, cursor: PageCursor, pageSize = PAGE_SIZE): Promise<LeadPage> {
      const { bind, values } = parameterBinder();
      const conditions = leadConditions(filters, bind);
      const upwards = Boolean(cursor.before);
      if (cursor.after) conditions.push(`l.id < ${bind(cursor.after, 'uuid')}`);
      else if (cursor.before) conditions.push(`l.id > ${bind(cursor.before, 'uuid')}`);
      const rows = await db.$queryRawUnsafe<SummaryRow[]>(
        `SELECT l.id::text AS id, l.created_at, l.first_name, l.last_name, l.email, l.phone, l.program_code, l.status::text AS status,
                l.article_slug, l.duplicate_of_id::text AS duplicate_of_id
           FROM leads l ${whereClause(conditions)}
          ORDER BY l.id ${upwards ? 'ASC' : 'DESC'} LIMIT ${pageSize + 1}`,
        ...values,
      );
      const more = rows.length > pageSize;
      const page = rows.slice(0, pageSize);
      if (upwards) page.reverse();
      const leads = page.map((row) => ({
        id: row.id, createdAt: row.created_at, firstName: row.first_name, lastName: row.last_name, email: row.email, phone: row.phone,
        programCode: row.program_code, status: row.status, articleSlug: row.article_slug, duplicateOfId: row.duplicate_of_id,
      }));
      const first = leads[0]?.id;
      const last = leads.at(-1)?.id;
      // Coming back up (before=) there is always an older page: the one we came from.
      const hasNewer = upwards ? more : Boolean(cursor.after);
      const hasOlder = upwards ? true : more;
      // An empty page past either end still links back to where it came from.
      return {
        leads,
        newer: hasNewer ? (first ?? cursor.after) : undefined,
        older: hasOlder ? (last ?? cursor.before) : undefined,
      };
    },

    /** Leads per status under the same filters, the status filter aside (so the counts can offer to switch). */
    async countByStatus(filters: LeadFilters): Promise<Partial<Record<LeadStatusName, number>>> {
      const { bind, values } = parameterBinder();
      const rows = await db.$queryRawUnsafe<Array<{ status: LeadStatusName; count: number }>>(
        `SELECT l.status::text AS status, count(*)::int AS count FROM leads l ${whereClause(leadConditions(filters, bind, { status: false }))} GROUP BY l.status`,
        ...values,
      );
      return Object.fromEntries(rows.map((row) => [row.status, row.count]));
    },

    /** Per advisor (staff user id), their leads still waiting for a first response. */
    async countAwaitingByAssignee(): Promise<Map<string, number>> {
      const rows = await db.$queryRaw<Array<{ staffUserId: string; count: number }>>`
        SELECT assigned_to_id::text AS "staffUserId", count(*)::int AS count FROM leads
         WHERE assigned_to_id IS NOT NULL AND first_response_at IS NULL AND status = 'new'
         GROUP BY assigned_to_id`;
      return new Map(rows.map((row) => [row.staffUserId, row.count]));
    },

    /** One lead with its consent, program, notification history and the later inquiries that repeat it. */
    async find(id: string) {
      const lead = await db.lead.findUnique({
        where: { id },
        include: {
          consent: true,
          program: { select: { name: true, level: true } },
          assignedTo: { select: { name: true, email: true } },
          notifications: {
            orderBy: [{ kind: 'asc' }, { createdAt: 'asc' }],
            select: { kind: true, status: true, digest: true, attempts: true, scheduledAt: true, nextAttemptAt: true, sentAt: true, lastError: true },
          },
        },
      });
      if (!lead) return null;
      const laterInquiries = await db.lead.findMany({
        where: { duplicateOfId: id },
        orderBy: { id: 'asc' },
        select: { id: true, createdAt: true, status: true },
        take: 50,
      });
      return {
        ...lead,
        status: fromPrismaStatus(lead.status),
        laterInquiries: laterInquiries.map((other) => ({ ...other, status: fromPrismaStatus(other.status) })),
      };
    },

    /**
     * An advisor's leads awaiting a first response, by respondBy (so the
     * overdue ones, whose respondBy has passed, come first), leads without
     * one last. leads_assigned_to_id_respond_by_idx serves the order.
     */
    async awaitingResponse(staffUserId: string, limit = 200): Promise<AwaitingLead[]> {
      return db.$queryRaw<AwaitingLead[]>`
        SELECT l.id::text AS id, l.created_at AS "createdAt", l.first_name AS "firstName", l.last_name AS "lastName",
               l.phone, l.email, p.name AS "programName", p.level AS "programLevel", l.respond_by AS "respondBy"
          FROM leads l JOIN programs p ON p.code = l.program_code
         WHERE l.assigned_to_id = ${staffUserId}::uuid AND l.first_response_at IS NULL AND l.status = 'new'
         ORDER BY l.respond_by ASC NULLS LAST, l.id
         LIMIT ${limit}`;
    },

    /**
     * Routed leads awaiting a first response (those with a respondBy), split
     * by whether it has passed at `now`: one statement for the metrics gauge,
     * an index-only count on the partial leads_awaiting_response_idx however
     * many leads the table holds.
     */
    async countAwaiting(now: Date): Promise<{ overdue: number; onTime: number }> {
      const rows = await db.$queryRaw<Array<{ overdue: number; on_time: number }>>`
        SELECT count(*) FILTER (WHERE respond_by < ${now})::int AS overdue, count(*) FILTER (WHERE respond_by >= ${now})::int AS on_time
          FROM leads WHERE respond_by IS NOT NULL AND first_response_at IS NULL AND status = 'new'`;
      return { overdue: rows[0]?.overdue ?? 0, onTime: rows[0]?.on_time ?? 0 };
    },

    async consent(id: string) {
      return db.consentRecord.findUnique({ where: { leadId: id } });
    },

    /** Leads by id (in id order) with their program's and article's names, for the emails about them. */
    async withContext(ids: string[]): Promise<LeadWithContext[]> {
      if (ids.length === 0) return [];
      return db.$queryRaw<LeadWithContext[]>`
        SELECT l.id::text AS id, l.created_at AS "createdAt", l.first_name AS "firstName", l.last_name AS "lastName",
               l.email, l.phone, l.postal_code AS "postalCode", p.name AS "programName", p.level AS "programLevel",
               l.education_level AS "educationLevel", l.message, l.article_slug AS "articleSlug", a.title AS "articleTitle",
               l.utm_source AS "utmSource", l.utm_medium AS "utmMedium", l.utm_campaign AS "utmCampaign",
               l.utm_term AS "utmTerm", l.utm_content AS "utmContent", l.referrer, l.duplicate_of_id::text AS "duplicateOfId"
          FROM leads l
          JOIN programs p ON p.code = l.program_code
          LEFT JOIN articles a ON a.slug = l.article_slug
         WHERE l.id = ANY(${ids}::uuid[])
         ORDER BY l.id`;
    },
  };
}
