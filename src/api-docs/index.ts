/**
 * The API document: GET /api/openapi.json (routes: ./http.ts), an OpenAPI
 * 3.1 description generated from the zod schemas the routes validate with,
 * and the error catalogue. Adding a route is one entry in API_ROUTES.
 */
export { API_ROUTES, type ApiRoute, type CatalogueEntry } from './api-routes';
export { buildOpenApiDocument } from './openapi-document';
