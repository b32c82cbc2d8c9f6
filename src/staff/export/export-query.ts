import { z } from 'zod';
import type { FilterField } from '../leads/lead-filters';

const parameter = (description: string) => z.string().optional().meta({ description });

/**
 * Each filter of the list and the export, described. Typed over FilterField,
 * so a filter added to lead-filters.ts does not compile until it is
 * described here too.
 */
const FILTER_PARAMETERS: Record<FilterField, ReturnType<typeof parameter>> = {
  from: parameter('Leads that arrived from this date (YYYY-MM-DD, a whole day in the office zone) or instant (ISO 8601 with Z or an offset).'),
  to: parameter('Leads that arrived up to this date (inclusive) or instant.'),
  status: parameter('A status or a comma-separated list (new, contacted, qualified, enrolled, not-interested, spam). Without it, spam is left out.'),
  program: parameter('A program code, e.g. HCA-BS.'),
  article: parameter('An article slug.'),
  q: parameter('Part of the name, email address or phone number.'),
  assignee: parameter('me, none (unassigned) or a staff email address.'),
  awaiting: parameter('1: only leads without a first response yet.'),
  overdue: parameter('1: only leads awaiting a first response past their respondBy.'),
};

/**
 * The query of GET /admin/leads/export.csv and .ndjson, for the API document
 * (api-docs/). lead-filters.ts and parseExportOptions (export-routes.ts) read
 * these parameters and answer 400 invalid_filter naming a bad one.
 */
export const exportQuerySchema = z.object({
  ...FILTER_PARAMETERS,
  since: z.uuid().optional().meta({ description: 'Only leads after this lead id (the last id of the previous export): incremental export.' }),
  bom: z.enum(['0', '1', 'true', 'false']).optional().meta({ description: '1: start with a UTF-8 byte order mark, for Excel.' }),
});
