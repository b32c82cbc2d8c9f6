/** The staff workspace's commands for `npm run cli`. Routes: ./http.ts. */
export { createStaffCommands } from './cli/staff-commands';
