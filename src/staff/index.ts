/** The staff workspace's commands for `npm run cli`. Routes: ./http.ts. */
export { createStaffCommands } from './cli/staff-commands';
/** The export's query parameters, for the API document (api-docs/). */
export { exportQuerySchema } from './export/export-query';
