import fc from 'fast-check';
import { ARTICLE, openForm, validInquiry } from '../../support/inquiries';
import type { TestApp } from '../../support/test-app';
import { addStaff, createStaffTestApp, csrfFrom, insertLead, signIn } from '../staff/staff-helpers';

/**
 * Control characters (NUL above all) in every path segment, query parameter
 * and form or JSON field of every route, public, staff and API: never a 5xx.
 * PostgreSQL refuses NUL in text, so any that reached SQL would be a 500.
 */
type Agent = Awaited<ReturnType<typeof signIn>>;

interface Route {
  method: 'GET' | 'POST';
  /** Segments; `:lead` is a real lead's id. */
  path: string[];
  query?: Record<string, string>;
  /** Form fields (POST), sent urlencoded unless `json`. */
  fields?: () => Promise<Record<string, unknown>>;
  json?: boolean;
}

const CONTROL = fc.constantFrom('\u0000', '\u0001', '\u0007', '\b', '\t', '\n', '\r', '\u001b', '\u001f', '\u007f');

/** `text` with a control character put in at some position (NUL weighted). */
const poisoned = (text: string) =>
  fc.tuple(fc.oneof({ weight: 3, arbitrary: fc.constant('\u0000') }, { weight: 2, arbitrary: CONTROL }), fc.nat({ max: text.length })).map(
    ([control, at]) => `${text.slice(0, at)}${control}${text.slice(at)}`,
  );

describe('Control characters in any part of a request', () => {
  let t: TestApp;
  let admin: Agent;
  let leadId: string;
  let csrf: string;
  const logLines: string[] = [];

  beforeAll(async () => {
    t = await createStaffTestApp({ logLines });
    admin = await signIn(t, await addStaff(t, { role: 'admin' }));
    leadId = (await insertLead(t)).id;
    csrf = csrfFrom((await admin.get(`/admin/leads/${leadId}`).set('Accept', 'text/html').expect(200)).text);
  });
  afterAll(() => t.close());

  const filters = { from: '2026-11-01', to: '2026-11-30', status: 'new', program: 'HCA-BS', article: ARTICLE, q: 'ada', after: '0193a0a0-0000-7000-8000-000000000000' };
  const routes: Route[] = [
    { method: 'GET', path: [''], query: { category: 'Admissions', page: '2' } },
    { method: 'GET', path: ['articles', ARTICLE], query: { utm_source: 'news', utm_campaign: 'fall' } },
    { method: 'GET', path: ['inquiries', 'thanks'] },
    { method: 'GET', path: ['api', 'office-hours'], query: { at: '2026-11-29T15:30:00Z' } },
    { method: 'GET', path: ['healthz'] },
    { method: 'GET', path: ['readyz'] },
    { method: 'GET', path: ['metrics'] },
    { method: 'GET', path: ['static', 'site.css'], query: { v: 'abc' } },
    { method: 'POST', path: ['inquiries'], fields: async () => ({ ...validInquiry(), ...(await openForm(t)) }) },
    { method: 'POST', path: ['api', 'inquiries'], json: true, fields: async () => ({ ...validInquiry(), consent: true }) },
    { method: 'GET', path: ['admin'] },
    { method: 'GET', path: ['admin', 'login'], query: { next: '/admin/leads' } },
    { method: 'GET', path: ['admin', 'leads'], query: filters },
    { method: 'GET', path: ['admin', 'leads', ':lead'] },
    { method: 'GET', path: ['admin', 'leads', ':lead', 'consent'] },
    { method: 'GET', path: ['admin', 'leads', 'export.csv'], query: { ...filters, since: filters.after, bom: '1' } },
    { method: 'GET', path: ['admin', 'leads', 'export.ndjson'], query: filters },
    { method: 'GET', path: ['admin', 'audit'], query: { action: 'leads.exported', before: filters.after } },
    { method: 'POST', path: ['admin', 'leads', ':lead', 'status'], fields: async () => ({ _csrf: csrf, status: 'contacted' }) },
    { method: 'POST', path: ['admin', 'login'], fields: async () => ({ _csrf: csrf, email: 'nobody@college.test', password: 'not the password at all' }) },
  ];

  function send(route: Route, segments: string[], query: Record<string, string>, fields: Record<string, unknown> | undefined) {
    const path = `/${segments.map((segment) => encodeURIComponent(segment === ':lead' ? leadId : segment)).join('/')}`;
    const search = new URLSearchParams(query).toString();
    const url = search ? `${path}?${search}` : path;
    const request = route.method === 'GET' ? admin.get(url) : admin.post(url);
    request.set('Accept', 'text/html').set('X-Forwarded-For', '198.19.0.1');
    if (route.method === 'POST' && fields) {
      if (route.json) request.set('Content-Type', 'application/json').send(JSON.stringify(fields));
      else request.type('form').send(fields);
    }
    return request;
  }

  for (const route of routes) {
    test(`when ${route.method} /${route.path.join('/')} carries control characters anywhere, then it never answers 5xx`, async () => {
      const places = [
        ...route.path.map((_, index) => ({ kind: 'segment' as const, index })),
        ...Object.keys(route.query ?? {}).map((name) => ({ kind: 'query' as const, name })),
        { kind: 'new-query' as const },
        ...(route.fields ? Object.keys(await route.fields()).filter((name) => name !== '_csrf').map((name) => ({ kind: 'field' as const, name })) : []),
      ];
      const failures: string[] = [];
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...places), fc.string({ maxLength: 12 }), fc.nat(), async (place, extra, pick) => {
          const segments = [...route.path];
          const query = { ...route.query };
          const fields = route.fields ? await route.fields() : undefined;
          const sample = (text: string) => fc.sample(poisoned(text), { numRuns: 1, seed: pick })[0]!;
          if (place.kind === 'segment') segments[place.index] = sample(segments[place.index] === ':lead' ? leadId : segments[place.index]!);
          if (place.kind === 'query') query[place.name] = sample(query[place.name]!);
          if (place.kind === 'new-query') query[sample(`x${extra}`)] = sample(extra);
          if (place.kind === 'field' && fields) fields[place.name] = sample(String(fields[place.name]));
          const response = await send(route, segments, query, fields);
          if (response.status >= 500) failures.push(`${response.status} for ${JSON.stringify({ place, segments, query, fields })}: ${response.text.slice(0, 200)}`);
          return response.status < 500;
        }),
        { numRuns: 25, seed: 20261202 },
      );
      expect(failures).toEqual([]);
    });
  }

  test('when a query parameter or a path segment holds NUL, then the answer is 400 or 404 and nothing is logged as an error', async () => {
    logLines.length = 0;
    await admin.get('/?category=%00').set('Accept', 'text/html').expect(400);
    await admin.get('/articles/x%00').set('Accept', 'text/html').expect(404);
    await admin.get(`/admin/leads?q=%00`).set('Accept', 'application/json').expect(400);
    const body = (await admin.get('/api/office-hours?at=%00').expect(400)).body as { error: string };
    expect(body.error).toBe('bad_request');
    const errorsLogged = logLines.map((line) => JSON.parse(line) as { level: number; event?: string }).filter((entry) => entry.level >= 50);
    expect(errorsLogged).toEqual([]);
  });
});
