import type { Database } from '../../platform/database';
import type { LeadRepository } from '../../leads';
import { normaliseEmail } from '../accounts/staff-users';
import type { AuditActor, AuditLog } from '../../audit';

/**
 * A person's request to be forgotten (`leads:erase --email E`): every lead
 * with that email address goes, in one transaction, and with it everything
 * that hangs off a lead by a cascading foreign key: its consent record and
 * its queued or sent notifications. The audit record says that an erasure
 * happened and how many leads it removed, never whose; export records whose
 * search term was this person's email or full name lose that term.
 */
export async function erasePerson(
  deps: { db: Database; leads: LeadRepository; audit: AuditLog },
  email: string,
  actor: AuditActor,
): Promise<{ leads: number }> {
  const address = normaliseEmail(email);
  return deps.db.$transaction(async (tx) => {
    const erased = await deps.leads.eraseByEmail(tx, address);
    if (erased.leads > 0) await deps.audit.forgetSearchTerms([address, ...erased.names], tx);
    await deps.audit.record({ actor, action: 'leads.erased', details: { leads: erased.leads } }, tx);
    return { leads: erased.leads };
  });
}
