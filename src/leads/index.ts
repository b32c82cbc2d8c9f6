/**
 * The lead's home: its type and every query on `leads`, its consent record
 * and its attribution. Inquiries store leads, notifications read them for
 * email, staff list, change, export and erase them — all through here; no
 * other module touches these tables. Reads may join the tables a lead points
 * at (its program, its article) for their names.
 */
import type { Database } from '../platform/database';
import { createLeadContacts } from './lead-contacts';
import { createLeadQueries } from './lead-queries';
import { createLeadWrites } from './lead-repository';

export function createLeadRepository(db: Database) {
  return { ...createLeadWrites(db), ...createLeadQueries(db), ...createLeadContacts(db) };
}

export type LeadRepository = ReturnType<typeof createLeadRepository>;

export * from './lead';
export { LEAD_STATUSES, STATUS_LABELS, isLeadStatus, toPrismaStatus, fromPrismaStatus, type LeadStatusName } from './lead-status';
export { leadConditions, parameterBinder, literalBinder, whereClause, type LeadFilters, type Bind, type SqlType } from './lead-conditions';
export { EXPORT_COLUMNS, EXPORT_KEYS, FORMULA_START_CODES, csvCopyStatement, ndjsonQuery, type ExportFormat, type ExportRequest } from './lead-export-sql';
export { PAGE_SIZE, type AwaitingLead, type LeadPage, type LeadSummary, type PageCursor } from './lead-queries';
export type { LeadTransaction, PrismaTransaction, StatusChange } from './lead-repository';
export { createLeadAssignment, type LeadAssignment, type LeadAssignmentState, type DueLead, type RoutedLead } from './lead-assignment';
export { createLeadStatistics, type LeadStatistics, type SpeedReport, type SpeedFigures, type AdvisorFigures, type ProgramFigures, type ArrivalBucket, type StatisticsRange, type CallFigures } from './lead-statistics';
export { CONTACT_CHANNELS, CONTACT_OUTCOMES, CONTACT_NOTE_MAX, type ContactChannel, type ContactOutcome, type NewContact, type FirstResponse, type LoggedContact, type LeadContactEntry } from './lead-contacts';
export { createLeadCallees, type LeadCallee, type LeadCallees } from './lead-callee';
export { leadFunnelSql, programFunnelSql, weeklyArticleInquiriesSql, type FunnelDimension, type FunnelRange } from './lead-funnel';
