import { z } from 'zod';
import { errorBodySchema } from '../platform/errors';
import type { ApiRoute, CatalogueEntry } from './api-routes';

type JsonSchema = Record<string, unknown>;

/** A zod schema as JSON Schema 2020-12 (OpenAPI 3.1's dialect): the request's input side, or the response's output side. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, target: 'draft-2020-12', unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad request', 401: 'Not signed in', 403: 'Forbidden', 404: 'Not found', 409: 'Conflict', 413: 'Body too large',
  415: 'Unsupported media type', 422: 'Not valid', 429: 'Too many requests', 503: 'Service unavailable',
};

/** One response per status, its `error` limited to the codes the route can give with that status. */
function errorResponses(entries: readonly CatalogueEntry[], fields: ApiRoute['errorFields'] = {}): Record<string, unknown> {
  const byStatus = new Map<number, string[]>();
  for (const entry of entries) byStatus.set(entry.status, [...(byStatus.get(entry.status) ?? []), entry.code]);
  const responses: Record<string, unknown> = {};
  for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
    const unique = [...new Set(codes)];
    const schema = errorBodySchema.extend({ error: z.enum(unique as [string, ...string[]]), ...fields[status] });
    const retryAfter = status === 429 || status === 503;
    responses[String(status)] = {
      description: `${STATUS_TEXT[status] ?? 'Error'}: ${unique.join(', ')}`,
      ...(retryAfter ? { headers: { 'Retry-After': { description: 'Seconds to wait before trying again.', schema: { type: 'integer' } } } } : {}),
      content: { 'application/json': { schema: jsonSchema(schema, 'output') } },
    };
  }
  return responses;
}

function parameters(route: ApiRoute): unknown[] {
  const query = route.query
    ? Object.entries(route.query.shape).map(([name, field]) => {
        const { description, ...schema } = jsonSchema(field as z.ZodType, 'input');
        return { name, in: 'query', required: !(field as z.ZodType).safeParse(undefined).success, ...(description ? { description } : {}), schema };
      })
    : [];
  const headers = (route.headers ?? []).map((header) => ({ name: header.name, in: 'header', required: false, description: header.description, schema: jsonSchema(header.schema, 'input') }));
  return [...headers, ...query];
}

function operation(route: ApiRoute): Record<string, unknown> {
  const success = route.success;
  const content = Object.fromEntries(
    Object.entries(success.content).map(([type, schema]) => [type, { schema: 'text' in schema ? { type: 'string', description: schema.text } : jsonSchema(schema as z.ZodType, 'output') }]),
  );
  const params = parameters(route);
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: [route.tag],
    ...(route.staff ? { security: [{ apiToken: [] }, { staffSession: [] }] } : {}),
    ...(params.length > 0 ? { parameters: params } : {}),
    ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.body, 'input') } } } } : {}),
    responses: {
      [String(success.status)]: {
        description: success.description,
        ...(success.headers ? { headers: Object.fromEntries(Object.entries(success.headers).map(([name, description]) => [name, { description, schema: { type: 'string' } }])) } : {}),
        content,
      },
      ...errorResponses(route.errors, route.errorFields),
    },
  };
}

/** The OpenAPI 3.1 document of `routes`, built from their zod schemas. */
export function buildOpenApiDocument(routes: readonly ApiRoute[], info: { title: string; version: string; serverUrl: string }): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) (paths[route.path] ??= {})[route.method] = operation(route);
  return {
    openapi: '3.1.0',
    info: {
      title: info.title,
      version: info.version,
      description: 'The JSON API and the lead exports. Every JSON error answer is { error, message, issues? }; error codes are listed in docs/http-api.md.',
    },
    servers: [{ url: info.serverUrl }],
    tags: [...new Set(routes.map((route) => route.tag))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        apiToken: { type: 'http', scheme: 'bearer', description: 'A token from `npm run cli -- staff:token`.' },
        staffSession: { type: 'apiKey', in: 'cookie', name: 'frontdesk.sid', description: 'The session cookie of a signed-in staff member.' },
      },
    },
  };
}
