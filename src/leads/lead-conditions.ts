import { escapeLiteral } from 'pg';
import type { LeadStatusName } from './lead-status';

/**
 * Which leads a list, a count or an export covers, and the SQL that selects
 * them: one builder, so the list a person sees and the file they export can
 * never disagree. Values arrive parsed (staff/leads/lead-filters.ts).
 */
export interface LeadFilters {
  from?: Date;
  /** Exclusive upper bound. */
  until?: Date;
  statuses?: LeadStatusName[];
  program?: string;
  article?: string;
  q?: string;
  /** Leads assigned to this staff account. */
  assigneeId?: string;
  /** Leads assigned to nobody. */
  unassigned?: boolean;
  /** Leads still waiting for a first response. */
  awaiting?: boolean;
  /** Leads waiting for a first response whose respondBy is before this instant. */
  overdueAt?: Date;
}

export type SqlType = 'text' | 'uuid' | 'timestamptz' | 'lead_status';

/** Puts a value into SQL: as a numbered parameter, or (for COPY, which takes none) as an escaped literal. */
export type Bind = (value: string, type: SqlType) => string;

export function parameterBinder(): { bind: Bind; values: string[] } {
  const values: string[] = [];
  return {
    values,
    bind: (value, type) => {
      values.push(value);
      return `$${values.length}::${type}`;
    },
  };
}

/** Only for values that were parsed above; pg's escapeLiteral handles quotes and backslashes. */
export const literalBinder: Bind = (value, type) => `${escapeLiteral(value)}::${type}`;

/**
 * WHERE conditions over `leads l`. `status: false` leaves the status out
 * entirely (for the counts per status, which include spam).
 */
export function leadConditions(filters: LeadFilters, bind: Bind, options: { status: boolean } = { status: true }): string[] {
  const conditions: string[] = [];
  if (filters.from) conditions.push(`l.created_at >= ${bind(filters.from.toISOString(), 'timestamptz')}`);
  if (filters.until) conditions.push(`l.created_at < ${bind(filters.until.toISOString(), 'timestamptz')}`);
  if (options.status) {
    if (filters.statuses && filters.statuses.length > 0) {
      conditions.push(`l.status IN (${filters.statuses.map((status) => bind(status, 'lead_status')).join(', ')})`);
    } else {
      conditions.push(`l.status <> 'spam'`);
    }
  }
  if (filters.program) conditions.push(`l.program_code = ${bind(filters.program, 'text')}`);
  if (filters.article) conditions.push(`l.article_slug = ${bind(filters.article, 'text')}`);
  if (filters.assigneeId) conditions.push(`l.assigned_to_id = ${bind(filters.assigneeId, 'uuid')}`);
  if (filters.unassigned) conditions.push('l.assigned_to_id IS NULL');
  // Awaiting: no first response and still `new` (a lead moved on from `new`
  // was answered, even one moved before the response clock existed; spam is
  // never awaiting).
  if (filters.awaiting || filters.overdueAt) conditions.push(`l.first_response_at IS NULL AND l.status = 'new'`);
  if (filters.overdueAt) conditions.push(`l.respond_by < ${bind(filters.overdueAt.toISOString(), 'timestamptz')}`);
  if (filters.q) {
    const pattern = bind(`%${escapeLike(filters.q.toLowerCase())}%`, 'text');
    const alternatives = [`lower(l.first_name || ' ' || l.last_name) LIKE ${pattern}`, `l.email LIKE ${pattern}`];
    const digits = filters.q.replace(/\D/g, '');
    if (digits.length >= 3 && /^[\d\s()+.-]+$/.test(filters.q)) alternatives.push(`l.phone LIKE ${bind(`%${digits}%`, 'text')}`);
    conditions.push(`(${alternatives.join(' OR ')})`);
  }
  return conditions;
}

export function whereClause(conditions: string[]): string {
  return conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
}

/** LIKE treats % and _ as wildcards and \ as the escape: a search for "50%" means the characters. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}
