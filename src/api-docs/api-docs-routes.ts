import express from 'express';
import { API_ROUTES } from './api-routes';
import { buildOpenApiDocument } from './openapi-document';

/** GET /api/openapi.json: the OpenAPI 3.1 document, built once (the schemas never change while the process runs). */
export function apiDocsRouter(deps: { siteName: string; version: string; baseUrl: string }): express.Router {
  const router = express.Router();
  let body: string | undefined;
  router.get('/api/openapi.json', (_req, res) => {
    body ??= JSON.stringify(buildOpenApiDocument(API_ROUTES, { title: `${deps.siteName} API`, version: deps.version, serverUrl: deps.baseUrl }));
    res.set('Cache-Control', 'public, max-age=300').type('application/json').send(body);
  });
  return router;
}
