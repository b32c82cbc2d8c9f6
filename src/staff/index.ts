/** The staff workspace's commands for `npm run cli`, and its audit log for other commands' records. Routes: ./http.ts. */
export { createStaffCommands } from './cli/staff-commands';
export { createAuditLog, CLI_ACTOR, type AuditLog, type AuditAction } from './audit/audit-log';
