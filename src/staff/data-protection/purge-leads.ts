import type { LeadRepository, LeadStatusName } from '../../leads';
import type { AuditActor, AuditLog } from '../../audit';

/**
 * Retention (`leads:purge --before DATE [--status S]`): deletes leads that
 * arrived before `before`, optionally only those with one status. Consent
 * records and notifications go with their leads (cascade); the audit record
 * says how many went, under which rule.
 */
export async function purgeLeads(
  deps: { leads: LeadRepository; audit: AuditLog },
  options: { before: Date; beforeText: string; status?: LeadStatusName; dryRun?: boolean },
  actor: AuditActor,
): Promise<{ leads: number }> {
  const leads = await deps.leads.purge(options);
  if (!options.dryRun) {
    await deps.audit.record({ actor, action: 'leads.purged', details: { before: options.beforeText, ...(options.status ? { status: options.status } : {}), leads } });
  }
  return { leads };
}
