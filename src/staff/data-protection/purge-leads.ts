import type { Database } from '../../platform/database';
import type { AuditActor, AuditLog } from '../audit/audit-log';
import type { LeadStatusName } from '../leads/lead-statuses';

const BATCH = 5_000;

/**
 * Retention (`leads:purge --before DATE [--status S]`): deletes leads that
 * arrived before `before`, optionally only those with one status, in
 * batches so a large purge never holds one long lock on the table. Consent
 * records and notifications go with their leads (cascade).
 */
export async function purgeLeads(
  deps: { db: Database; audit: AuditLog },
  options: { before: Date; beforeText: string; status?: LeadStatusName; dryRun?: boolean },
  actor: AuditActor,
): Promise<{ leads: number }> {
  const { db } = deps;
  const status = options.status ?? null;
  if (options.dryRun) {
    const rows = await db.$queryRaw<Array<{ count: number }>>`
      SELECT count(*)::int AS count FROM leads WHERE created_at < ${options.before} AND (${status}::text IS NULL OR status::text = ${status}::text)`;
    return { leads: rows[0]?.count ?? 0 };
  }
  let total = 0;
  for (;;) {
    const deleted = await db.$executeRaw`
      DELETE FROM leads WHERE id IN (
        SELECT id FROM leads WHERE created_at < ${options.before} AND (${status}::text IS NULL OR status::text = ${status}::text) LIMIT ${BATCH})`;
    total += deleted;
    if (deleted < BATCH) break;
  }
  await deps.audit.record({ actor, action: 'leads.purged', details: { before: options.beforeText, ...(status ? { status } : {}), leads: total } });
  return { leads: total };
}
