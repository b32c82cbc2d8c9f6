import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import request, { type Response } from 'supertest';
import { API_ROUTES } from '../../../src/api-docs';
import { json, validInquiry } from '../../support/inquiries';
import { createTestApp, type TestApp } from '../../support/test-app';
import { addStaff, createStaffTestApp, insertLead, issueToken, nextIp } from '../staff/staff-helpers';

const run = promisify(execFile);

type Document = { openapi: string; paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: object }> }> }>> };

const VALIDATOR_CLI = path.join(path.dirname(require.resolve('@seriousme/openapi-schema-validator/package.json')), 'bin/validate-api-cli.js');

/** @seriousme/openapi-schema-validator is an ES module, which jest here cannot load: its command-line tool runs it in a process of its own. */
async function validateWithCli(document: unknown): Promise<{ valid: boolean; errors?: unknown }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'frontdesk-openapi-'));
  try {
    const file = path.join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(document));
    const { stdout } = await run(process.execPath, [VALIDATOR_CLI, file]).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
    return JSON.parse(stdout) as { valid: boolean; errors?: unknown };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * GET /api/openapi.json: a valid OpenAPI 3.1 document (checked by
 * @seriousme/openapi-schema-validator), and every documented answer of every
 * documented route produced for real and checked against its schema.
 */
describe('API document (GET /api/openapi.json)', () => {
  let t: TestApp;
  let down: TestApp;
  let token: string;
  let document: Document;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  const checked = new Set<string>();

  /** Checks an answer against the document: its status must be documented for the route, and its body must match. */
  function expectDocumented(method: string, route: string, response: Response) {
    const operation = document.paths[route]?.[method];
    if (!operation) throw new Error(`${method.toUpperCase()} ${route} is not in the document`);
    const documented = operation.responses[String(response.status)];
    if (!documented) throw new Error(`${method.toUpperCase()} ${route} answered ${response.status}, which is not documented: ${response.text.slice(0, 200)}`);
    const type = String(response.headers['content-type']).split(';')[0]!;
    const content = documented.content?.[type];
    if (!content) throw new Error(`${method.toUpperCase()} ${route} ${response.status} answered ${type}, documented: ${Object.keys(documented.content ?? {}).join(', ')}`);
    const body = type === 'application/json' ? response.body : response.text;
    const validate = ajv.compile(content.schema);
    if (!validate(body)) throw new Error(`${method.toUpperCase()} ${route} ${response.status}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 500)}`);
    checked.add(`${method} ${route} ${response.status}`);
  }

  beforeAll(async () => {
    t = await createStaffTestApp({ env: { INQUIRY_RATE_LIMIT: '3/10m' } });
    // The same app on a database that does not answer: every route's 503.
    down = await createTestApp({ env: { TRUST_PROXY: '1' }, connectionString: () => 'postgresql://nobody:nothing@127.0.0.1:9/none' });
    const staff = await addStaff(t, { name: 'Script Runner' });
    token = await issueToken(t, staff);
    await insertLead(t, { utmSource: '=1+1' });
    document = (await request(t.app).get('/api/openapi.json').expect(200).expect('Content-Type', /application\/json/)).body as Document;
  });
  afterAll(async () => {
    await t?.close();
    await down?.close();
  });

  test('when the document is given to the OpenAPI validator, then it is valid OpenAPI 3.1 (and a broken one is not)', async () => {
    expect(await validateWithCli(document)).toEqual({ valid: true });
    const broken = { ...document, info: undefined, paths: { '/api/inquiries': { post: { responses: { 201: {} } } } } };
    expect((await validateWithCli(broken)).valid).toBe(false);
  });

  test('when the document is fetched, then it lists exactly the routes of API_ROUTES', () => {
    expect(document.openapi).toBe('3.1.0');
    const documented = Object.entries(document.paths).flatMap(([route, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${route}`));
    expect(documented.sort()).toEqual(API_ROUTES.map((route) => `${route.method.toUpperCase()} ${route.path}`).sort());
    expect(documented).toEqual(expect.arrayContaining([
      'POST /api/inquiries', 'GET /api/office-hours', 'GET /api/callback-slots', 'POST /api/callbacks', 'GET /admin/leads/export.csv', 'GET /admin/leads/export.ndjson',
    ]));
  });

  test('when inquiries are posted, then each answer (201, 400, 403, 413, 415, 422, 429) matches its documented schema', async () => {
    const post = (body: unknown, headers: Record<string, string> = {}, ip = nextIp()) => request(t.app).post('/api/inquiries').set('X-Forwarded-For', ip).set(headers).send(body as object);
    expectDocumented('post', '/api/inquiries', await post(json(validInquiry())).expect(201));
    expectDocumented('post', '/api/inquiries', await post('{"firstName":', { 'Content-Type': 'application/json' }).expect(400));
    expectDocumented('post', '/api/inquiries', await post(json(validInquiry()), { 'Idempotency-Key': 'has space' }).expect(400));
    expectDocumented('post', '/api/inquiries', await post({ ...json(validInquiry()), formToken: 'forged' }).expect(400));
    expectDocumented('post', '/api/inquiries', await post(json(validInquiry()), { Origin: 'https://evil.example' }).expect(403));
    expectDocumented('post', '/api/inquiries', await post(JSON.stringify({ message: 'x'.repeat(20_000) }), { 'Content-Type': 'application/json' }).expect(413));
    expectDocumented('post', '/api/inquiries', await post('firstName=Maya', { 'Content-Type': 'text/plain' }).expect(415));
    expectDocumented('post', '/api/inquiries', await post({ email: 'nope' }).expect(422));
    const key = `key-${Date.now()}`;
    await post(json(validInquiry()), { 'Idempotency-Key': key }).expect(201);
    expectDocumented('post', '/api/inquiries', await post(json(validInquiry()), { 'Idempotency-Key': key }).expect(422));
    const ip = nextIp();
    for (let n = 0; n < 3; n++) await post({ email: 'nope' }, {}, ip).expect(422);
    const limited = await post(json(validInquiry()), {}, ip).expect(429);
    expect(limited.headers['retry-after']).toMatch(/^\d+$/);
    expectDocumented('post', '/api/inquiries', limited);
  });

  test('when office hours are asked for, then 200 and 400 match', async () => {
    expectDocumented('get', '/api/office-hours', await request(t.app).get('/api/office-hours').expect(200));
    expectDocumented('get', '/api/office-hours', await request(t.app).get('/api/office-hours?at=2026-11-29T15:30:00%2B01:00').expect(200));
    expectDocumented('get', '/api/office-hours', await request(t.app).get('/api/office-hours?at=tomorrow').expect(400));
  });

  test('when leads are exported, then 200 (CSV and NDJSON), 400 and 401 match', async () => {
    for (const format of ['csv', 'ndjson']) {
      const route = `/admin/leads/export.${format}`;
      const auth = { Authorization: `Bearer ${token}` };
      const ok = await request(t.app).get(route).set(auth).buffer(true).parse((res, done) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => done(null, text));
      }).expect(200);
      ok.text = ok.body as string;
      if (format === 'csv') expect(ok.text).toContain("'=1+1");
      else expect(ok.text.trim().split('\n').map((line) => (JSON.parse(line) as { utmSource: string | null }).utmSource)).toContain('=1+1');
      expectDocumented('get', route, ok);
      expectDocumented('get', route, await request(t.app).get(`${route}?from=someday`).set(auth).set('Accept', 'application/json').expect(400));
      expectDocumented('get', route, await request(t.app).get(route).set('Accept', 'application/json').expect(401));
      expectDocumented('get', route, await request(t.app).get(route).set('Authorization', 'Bearer not-a-token').set('Accept', 'application/json').expect(401));
    }
  });

  test('when calls are booked, then each answer (200, 201, 400, 409, 413, 415, 422, 429) matches its documented schema', async () => {
    const leadToken = async () => (await request(t.app).post('/api/inquiries').set('X-Forwarded-For', nextIp()).send(json(validInquiry())).expect(201)).body.leadToken as string;
    const book = (body: unknown, headers: Record<string, string> = {}, ip = nextIp()) => request(t.app).post('/api/callbacks').set('X-Forwarded-For', ip).set(headers).send(body as object);
    const lead = await leadToken();
    const offer = await request(t.app).get(`/api/callback-slots?lead=${encodeURIComponent(lead)}`).expect(200);
    expectDocumented('get', '/api/callback-slots', offer);
    expectDocumented('get', '/api/callback-slots', await request(t.app).get('/api/callback-slots?lead=forged').expect(400));

    // Nobody is taking leads, so the team takes one call per slot: another lead then finds it full.
    const slot = (offer.body as { slots: Array<{ start: string }> }).slots[0]!.start;
    expectDocumented('post', '/api/callbacks', await book({ lead, slot }).expect(201));
    const full = await book({ lead: await leadToken(), slot }).expect(409);
    expect(full.body).toMatchObject({ error: 'slot_full', slots: expect.any(Array) });
    expectDocumented('post', '/api/callbacks', full);
    expectDocumented('post', '/api/callbacks', await book({ lead, slot: '2020-01-06T14:00:00Z' }).expect(422));
    expectDocumented('post', '/api/callbacks', await book([lead]).expect(422));
    expectDocumented('post', '/api/callbacks', await book({ lead: 'forged', slot }).expect(400));
    expectDocumented('post', '/api/callbacks', await book('{"lead":', { 'Content-Type': 'application/json' }).expect(400));
    expectDocumented('post', '/api/callbacks', await book('lead=x', { 'Content-Type': 'text/plain' }).expect(415));
    expectDocumented('post', '/api/callbacks', await book(JSON.stringify({ lead: 'x'.repeat(20_000) }), { 'Content-Type': 'application/json' }).expect(413));
    const ip = nextIp();
    for (let n = 0; n < 3; n++) await book({ lead: 'forged', slot }, {}, ip).expect(400);
    expectDocumented('post', '/api/callbacks', await book({ lead, slot }, {}, ip).expect(429));
  });

  test('when the database does not answer, then the 503 of each route that may give one matches', async () => {
    expectDocumented('post', '/api/inquiries', await request(down.app).post('/api/inquiries').set('X-Forwarded-For', nextIp()).send(json(validInquiry())).expect(503));
    const lead = (await request(t.app).post('/api/inquiries').set('X-Forwarded-For', nextIp()).send(json(validInquiry())).expect(201)).body.leadToken as string;
    expectDocumented('get', '/api/callback-slots', await request(down.app).get(`/api/callback-slots?lead=${encodeURIComponent(lead)}`).expect(503));
    expectDocumented('post', '/api/callbacks', await request(down.app).post('/api/callbacks').set('X-Forwarded-For', nextIp()).send({ lead, slot: 'now' }).expect(503));
    for (const route of ['/admin/leads/export.csv', '/admin/leads/export.ndjson']) {
      expectDocumented('get', route, await request(down.app).get(route).set('Authorization', `Bearer ${token}`).set('Accept', 'application/json').expect(503));
    }
  });

  test('when every answer above has been checked, then no documented status was left untried', () => {
    const documented = Object.entries(document.paths).flatMap(([route, methods]) =>
      Object.entries(methods).flatMap(([method, operation]) => Object.keys(operation.responses).map((status) => `${method} ${route} ${status}`)),
    );
    expect(documented.filter((entry) => !checked.has(entry))).toEqual([]);
  });
});
