/** GET /api/openapi.json, for app.ts. */
export { apiDocsRouter } from './api-docs-routes';
