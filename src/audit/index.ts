/** The audit trail (SPEC §8): written by the staff workspace and by the dispatcher; read on /admin/audit. */
export {
  AUDIT_ACTION_LABELS, CLI_ACTOR, createAuditLog, DISPATCHER_ACTOR,
  type AuditAction, type AuditActor, type AuditEventView, type AuditLog, type AuditRecord,
} from './audit-log';
