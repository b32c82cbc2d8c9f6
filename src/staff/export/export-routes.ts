import express from 'express';
import { DateTime } from 'luxon';
import type { OfficeHours } from '../../office-hours';
import type { Clock } from '../../platform/clock';
import { errors, type ErrorIssue } from '../../platform/errors';
import type { Logger } from '../../platform/logger';
import { clientIp, requireStaff, signedInStaff } from '../auth/authentication';
import type { AuditLog } from '../../audit';
import { resolveLeadFilters, singleValue, UUID_PATTERN } from '../leads/lead-filters';
import type { ExportFormat } from '../../leads';
import type { LeadExporter } from './lead-export';

const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8; header=present',
  ndjson: 'application/x-ndjson; charset=utf-8',
};

/** `since` and `bom`, the export's own parameters beside the list's filters. */
export function parseExportOptions(query: Record<string, unknown>): { since?: string; bom: boolean } {
  const issues: ErrorIssue[] = [];
  const since = singleValue(query, 'since', issues);
  if (since !== undefined && !UUID_PATTERN.test(since)) issues.push({ path: 'since', message: 'since must be a lead id (the last id of the previous export).' });
  const bom = singleValue(query, 'bom', issues);
  if (bom !== undefined && !['0', '1', 'true', 'false'].includes(bom)) issues.push({ path: 'bom', message: 'bom must be 1 or 0.' });
  if (issues.length > 0) throw errors.invalidFilter(issues);
  return { since: since?.toLowerCase(), bom: bom === '1' || bom === 'true' };
}

/** `leads-2026-11-30.csv`: the export's date in the office's zone. */
export function exportFileName(format: ExportFormat, at: Date, timezone: string): string {
  return `leads-${DateTime.fromJSDate(at, { zone: timezone }).toISODate()}.${format}`;
}

/**
 * GET /admin/leads/export.csv and .ndjson (docs/http-api.md), for a session or an API
 * token. The response streams for as long as the export runs; the audit
 * record is written at the end with the rows sent and whether it completed.
 */
export function exportRouter(deps: {
  exporter: LeadExporter;
  audit: AuditLog;
  officeHours: OfficeHours;
  clock: Clock;
  logger: Logger;
  /** A staff account's id by email address, for the `assignee` filter. */
  staffIdByEmail(email: string): Promise<string | null>;
}): express.Router {
  const router = express.Router();

  router.get(['/admin/leads/export.csv', '/admin/leads/export.ndjson'], requireStaff, async (req, res) => {
    const format: ExportFormat = req.path.endsWith('.csv') ? 'csv' : 'ndjson';
    const query = req.query as Record<string, unknown>;
    const staff = signedInStaff(res);
    const { filters, echo } = await resolveLeadFilters(query, { timezone: deps.officeHours.timezone, now: deps.clock.now(), me: staff.id, staffIdByEmail: deps.staffIdByEmail });
    const { since, bom } = parseExportOptions(query);

    const started = await deps.exporter.start({ format, filters, since, bom });
    res.status(200).set({
      'Content-Type': CONTENT_TYPES[format],
      'Content-Disposition': `attachment; filename="${exportFileName(format, deps.clock.now(), deps.officeHours.timezone)}"`,
      'Cache-Control': 'no-store',
    });
    if (req.method === 'HEAD') {
      started.cancel();
      res.end();
      return;
    }

    const began = process.hrtime.bigint();
    const outcome = await started.pipeTo(res, { end: false });
    const ms = Number((process.hrtime.bigint() - began) / 1_000_000n);
    await deps.audit.record({
      actor: { staffUserId: staff.id, via: staff.via, ip: clientIp(req) },
      action: 'leads.exported',
      details: {
        format,
        filters: { ...echo, ...(since ? { since } : {}) },
        rows: outcome.rows,
        completed: outcome.completed,
        ...(bom ? { bom: true } : {}),
        ...(staff.tokenId ? { tokenId: staff.tokenId } : {}),
      },
    });
    // Ended only now, so a client that has its whole file also has its audit record.
    res.end();
    if (outcome.error) {
      deps.logger.error({ event: 'leads.export_failed', format, rows: outcome.rows, err: outcome.error });
    } else {
      deps.logger.info({ event: outcome.completed ? 'leads.exported' : 'leads.export_aborted', format, rows: outcome.rows, ms, staffUserId: staff.id });
    }
  });

  return router;
}
