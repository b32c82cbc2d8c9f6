import type { Database } from '../../platform/database';
import { normaliseEmail } from '../accounts/staff-users';
import type { AuditActor, AuditLog } from '../audit/audit-log';

/**
 * A person's request to be forgotten (`leads:erase --email E`): every lead
 * with that email address goes, in one transaction, and with it everything
 * that hangs off a lead by a cascading foreign key: its consent record and
 * its queued or sent notifications. The audit record says that an erasure
 * happened and how many leads it removed, never whose; export records whose
 * search term was this person's email or full name lose that term.
 */
export async function erasePerson(deps: { db: Database; audit: AuditLog }, email: string, actor: AuditActor): Promise<{ leads: number }> {
  const address = normaliseEmail(email);
  return deps.db.$transaction(async (tx) => {
    const leads = await tx.lead.findMany({ where: { email: address }, select: { id: true, firstName: true, lastName: true } });
    if (leads.length > 0) {
      await tx.lead.deleteMany({ where: { id: { in: leads.map((lead) => lead.id) } } });
      const terms = [...new Set([address, ...leads.map((lead) => `${lead.firstName} ${lead.lastName}`.toLowerCase())])];
      await tx.$executeRaw`
        UPDATE audit_events SET details = jsonb_set(details, '{filters,q}', '"[erased]"')
         WHERE action = 'leads.exported' AND lower(details #>> '{filters,q}') = ANY(${terms}::text[])`;
    }
    await deps.audit.record({ actor, action: 'leads.erased', details: { leads: leads.length } }, tx);
    return { leads: leads.length };
  });
}
