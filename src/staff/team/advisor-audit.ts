import { describePrograms, type AdvisorUpdate } from '../../advisors';
import type { AuditActor, AuditLog } from '../../audit';

type Writer = Parameters<AuditLog['record']>[1];

/**
 * One audit record per field that changed. Details name the account by id
 * and programs by code: nothing personal.
 */
export async function recordAdvisorUpdate(audit: AuditLog, actor: AuditActor, update: AdvisorUpdate, tx?: Writer): Promise<void> {
  const staffUserId = update.after.id;
  if (update.changed.includes('available')) {
    await audit.record({ actor, action: 'advisor.availability_changed', details: { staffUserId, available: update.after.available } }, tx);
  }
  if (update.changed.includes('programs')) {
    await audit.record({
      actor,
      action: 'advisor.programs_changed',
      details: { staffUserId, from: describePrograms(update.before.programs), to: describePrograms(update.after.programs) },
    }, tx);
  }
}
