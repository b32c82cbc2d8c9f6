import { leadConditions, literalBinder, parameterBinder, whereClause, type Bind, type LeadFilters } from './lead-conditions';

/**
 * What an export contains (its columns, in order) and the SQL that produces it. The
 * database does the per-row work: it formats timestamps, applies the
 * formula-injection guard and, for CSV, the RFC 4180 quoting (COPY's csv
 * format), so Node only moves bytes.
 */
export type ExportFormat = 'csv' | 'ndjson';

export interface ExportRequest {
  format: ExportFormat;
  filters: LeadFilters;
  /** Only leads after this id (ids are UUIDv7, so: newer than that lead). */
  since?: string;
  /** Start with a UTF-8 byte order mark, for Excel. */
  bom: boolean;
}

/**
 * `id` and `duplicateOf` are UUIDs, `timestamp`s are ISO 8601 UTC, `phone`
 * is E.164 (its leading + is never prefixed), `status` is one of six known
 * words: none of them can start a formula. Everything else is text a person
 * typed or a link carried, and gets the guard (the assignee's address too:
 * staff accounts are made by people). `number`s are integers.
 */
type ColumnKind = 'id' | 'timestamp' | 'phone' | 'status' | 'text' | 'number';

export const EXPORT_COLUMNS: ReadonlyArray<readonly [key: string, sql: string, kind: ColumnKind]> = [
  ['id', 'l.id', 'id'],
  ['createdAt', 'l.created_at', 'timestamp'],
  ['firstName', 'l.first_name', 'text'],
  ['lastName', 'l.last_name', 'text'],
  ['email', 'l.email', 'text'],
  ['phone', 'l.phone', 'phone'],
  ['postalCode', 'l.postal_code', 'text'],
  ['program', 'l.program_code', 'text'],
  ['educationLevel', 'l.education_level', 'text'],
  ['message', 'l.message', 'text'],
  ['status', 'l.status', 'status'],
  ['article', 'l.article_slug', 'text'],
  ['utmSource', 'l.utm_source', 'text'],
  ['utmMedium', 'l.utm_medium', 'text'],
  ['utmCampaign', 'l.utm_campaign', 'text'],
  ['referrer', 'l.referrer', 'text'],
  ['consentAt', 'c.consented_at', 'timestamp'],
  ['duplicateOf', 'l.duplicate_of_id', 'id'],
  // When admissions was emailed about the lead (alone or in a digest); empty while queued or failed.
  ['notifiedAt', `(SELECT n.sent_at FROM notifications n WHERE n.lead_id = l.id AND n.kind = 'admissions' AND n.status = 'sent' ORDER BY n.sent_at LIMIT 1)`, 'timestamp'],
  // The response clock (SPEC §10): the advisor's address, the target, and the first response with its office time.
  ['assignee', 's.email', 'text'],
  ['respondBy', 'l.respond_by', 'timestamp'],
  ['firstResponseAt', 'l.first_response_at', 'timestamp'],
  ['responseSeconds', 'l.response_seconds', 'number'],
  // The lead's booked call (SPEC §11): when it is; empty without one or once cancelled.
  ['callbackAt', `(SELECT cb.scheduled_for FROM callbacks cb WHERE cb.lead_id = l.id AND cb.status = 'booked')`, 'timestamp'],
];

export const EXPORT_KEYS = EXPORT_COLUMNS.map(([key]) => key);

const isoUtc = (sql: string) => `to_char(${sql} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * A spreadsheet runs a cell that starts with = + - @ (or tab or CR, which
 * some strip first) as a formula; a leading ' makes it text. OWASP's rule.
 * The first character is compared by code (tab 9, CR 13, + 43, - 45, = 61,
 * @ 64): ascii() reads it in place, where left() would copy a string for
 * every cell of a million-row export. The same codes guard the CSV files
 * made in memory (staff/export/export-encoders.ts, csvFile).
 */
export const FORMULA_START_CODES: readonly number[] = [9, 13, 43, 45, 61, 64];
const formulaGuard = (sql: string) => `CASE WHEN ascii(${sql}) IN (${FORMULA_START_CODES.join(', ')}) THEN '''' || ${sql} ELSE ${sql} END`;

function csvExpression(sql: string, kind: ColumnKind): string {
  switch (kind) {
    case 'timestamp':
      return isoUtc(sql);
    case 'phone':
      // Stored phones are E.164 (validated on the way in), so a leading + is
      // the number's own; any other formula start still gets the guard.
      return `CASE WHEN ascii(${sql}) IN (9, 13, 45, 61, 64) THEN '''' || ${sql} ELSE ${sql} END`;
    case 'text':
      return formulaGuard(sql);
    case 'id':
    case 'status':
    case 'number':
      return sql;
  }
}

const EXPORT_FROM = 'FROM leads l LEFT JOIN consent_records c ON c.lead_id = l.id LEFT JOIN staff_users s ON s.id = l.assigned_to_id';

function fromWhere(request: ExportRequest, bind: Bind): string {
  const conditions = leadConditions(request.filters, bind);
  if (request.since) conditions.push(`l.id > ${bind(request.since, 'uuid')}`);
  return `${EXPORT_FROM} ${whereClause(conditions)} ORDER BY l.id`;
}

/** A lead as one JSON object with the export's keys and values, as NDJSON has it (and webhooks send). */
const jsonObject = () => `json_build_object(${EXPORT_COLUMNS.map(([key, sql, kind]) => `'${key}', ${kind === 'timestamp' ? isoUtc(sql) : sql}`).join(', ')})`;

/** `COPY (SELECT …) TO STDOUT` in csv format with a header row. COPY takes no parameters, hence escaped literals. */
export function csvCopyStatement(request: ExportRequest): string {
  const columns = EXPORT_COLUMNS.map(([key, sql, kind]) => `${csvExpression(sql, kind)} AS "${key}"`).join(', ');
  return `COPY (SELECT ${columns} ${fromWhere(request, literalBinder)}) TO STDOUT WITH (FORMAT csv, HEADER true)`;
}

/**
 * One JSON object per row, built by PostgreSQL (key order as the CSV's
 * columns). Values are the stored data as they are: the formula guard is a
 * spreadsheet concern and would corrupt data for the scripts NDJSON is for.
 */
export function ndjsonQuery(request: ExportRequest): { text: string; values: string[] } {
  const { bind, values } = parameterBinder();
  return { text: `SELECT ${jsonObject()}::text AS line ${fromWhere(request, bind)}`, values };
}

/** The leads with these ids as export objects (`$1` is the uuid[] of ids); each row is `{ id, record }`. */
export function exportRecordsQuery(): string {
  return `SELECT l.id::text AS id, ${jsonObject()} AS record ${EXPORT_FROM} WHERE l.id = ANY($1::uuid[])`;
}
