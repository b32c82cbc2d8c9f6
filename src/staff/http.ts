/** The staff workspace (/admin), for app.ts. */
export { staffWorkspace } from './staff-workspace';
export type { AdminPage, AdminPageKit } from './admin-page-kit';
