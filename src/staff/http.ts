/** The staff workspace (/admin), for app.ts. */
export { staffWorkspace } from './staff-workspace';
