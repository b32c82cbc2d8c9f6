import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse } from 'csv-parse/sync';
import { Client } from 'pg';
import request from 'supertest';
import { EXPORT_KEYS } from '../../../src/leads';
import type { TestApp } from '../../support/test-app';
import { addStaff, createStaffTestApp, insertLead, issueToken, signIn, type TestStaff } from './staff-helpers';

/** SPEC §8, in this order, then the response clock's columns of SPEC §10. */
const COLUMNS = ['id', 'createdAt', 'firstName', 'lastName', 'email', 'phone', 'postalCode', 'program', 'educationLevel', 'message', 'status', 'article',
  'utmSource', 'utmMedium', 'utmCampaign', 'referrer', 'consentAt', 'duplicateOf', 'notifiedAt', 'assignee', 'respondBy', 'firstResponseAt', 'responseSeconds', 'callbackAt'];

type Lead = Awaited<ReturnType<typeof insertLead>>;

/** What a lead's CSV row must say, before the formula guard. */
function expectedRow(lead: Lead): Record<string, string> {
  return {
    id: lead.id, createdAt: lead.createdAt.toISOString(), firstName: lead.firstName, lastName: lead.lastName, email: lead.email, phone: lead.phone,
    postalCode: lead.postalCode ?? '', program: lead.programCode, educationLevel: lead.educationLevel ?? '', message: lead.message ?? '',
    status: lead.status === 'not_interested' ? 'not-interested' : lead.status, article: lead.articleSlug ?? '', utmSource: lead.utmSource ?? '',
    utmMedium: lead.utmMedium ?? '', utmCampaign: lead.utmCampaign ?? '', referrer: lead.referrer ?? '', consentAt: lead.consent?.consentedAt.toISOString() ?? '',
    duplicateOf: lead.duplicateOfId ?? '', notifiedAt: '', assignee: '', respondBy: '', firstResponseAt: '', responseSeconds: '', callbackAt: '',
  };
}

const parseCsv = (text: string) => parse(text, { columns: true, bom: true }) as Array<Record<string, string>>;

describe('Lead export (/admin/leads/export.csv, .ndjson)', () => {
  let t: TestApp;
  let staff: TestStaff;
  let token: string;

  beforeEach(async () => {
    t = await createStaffTestApp();
    staff = await addStaff(t);
    token = await issueToken(t, staff, 'crm');
  });
  afterEach(() => t.close());

  const exportCsv = (query = '') => request(t.app).get(`/admin/leads/export.csv${query}`).set('Authorization', `Bearer ${token}`).buffer(true).parse(textParser);
  const exportNdjson = (query = '') => request(t.app).get(`/admin/leads/export.ndjson${query}`).set('Authorization', `Bearer ${token}`).buffer(true).parse(textParser);

  test('when leads are exported as CSV, then a real CSV parser reads back exactly the stored rows, in id order, with the columns of SPEC §8', async () => {
    const first = await insertLead(t, { message: 'Commas, "quotes" and\na second line', referrer: 'https://search.example/?q=a,b', utmSource: 'news', utmMedium: 'email', utmCampaign: 'fall' });
    const second = await insertLead(t, { firstName: 'Zoë', lastName: "O'Brien-Núñez", postalCode: null, educationLevel: null, message: null, articleSlug: null, duplicateOfId: first.id, status: 'not-interested', consent: null });
    const third = await insertLead(t, { message: '', utmSource: '日本語 ✓', programCode: 'IT-AS' });

    const response = await exportCsv().expect(200);
    const text = response.body as string;
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8; header=present');
    expect(response.headers['content-disposition']).toBe('attachment; filename="leads-2026-11-30.csv"');
    expect(response.headers['cache-control']).toBe('no-store');
    expect(text.split('\r\n')[0]).toBe(COLUMNS.join(','));
    expect(EXPORT_KEYS).toEqual(COLUMNS);
    expect(parseCsv(text)).toEqual([first, second, third].map(expectedRow));
  });

  test('when a CSV is written, then records end in CRLF (RFC 4180) while line breaks inside a quoted message stay as they are', async () => {
    await insertLead(t, { message: 'one\ntwo' });
    await insertLead(t, { message: 'plain' });
    const text: string = (await exportCsv().expect(200)).body;
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.split('\r\n')).toHaveLength(4); // header, two records, and the empty string after the last CRLF
    expect(text).toContain('"one\ntwo"');
    expect(text.replace(/"one\ntwo"/, '')).not.toMatch(/[^\r]\n/);
  });

  test.each([
    ['=', { firstName: '=HYPERLINK("http://evil.example","click")' }, 'firstName'],
    ['+', { lastName: '+1+2' }, 'lastName'],
    ['-', { message: '-2+3' }, 'message'],
    ['@', { utmSource: '@SUM(A1:A9)' }, 'utmSource'],
    ['tab', { utmCampaign: '\t=1+1' }, 'utmCampaign'],
    ['carriage return', { utmMedium: '\r=1+1' }, 'utmMedium'],
    ['a valid email', { email: '=1+1@example.org' }, 'email'],
    ['a postal code', { postalCode: '-0001' }, 'postalCode'],
    ['a referrer', { referrer: '=cmd|"/c calc"!A1' }, 'referrer'],
    ['a phone that is somehow not E.164', { phone: '=1+1' }, 'phone'],
  ])('when a text cell starts with %s, then the CSV cell starts with an apostrophe', async (_case, fields, column) => {
    const lead = await insertLead(t, fields);
    const [row] = parseCsv((await exportCsv().expect(200)).body);
    const stored = (fields as Record<string, string>)[column]!;
    expect(row![column]).toBe(`'${stored}`);
    expect(row!.id).toBe(lead.id);
  });

  test('when a lead is exported, then its E.164 phone, ids and timestamps are never prefixed, and the phone is not quoted', async () => {
    const first = await insertLead(t);
    const lead = await insertLead(t, { phone: '+442071838750', duplicateOfId: first.id });
    const text: string = (await exportCsv().expect(200)).body;
    const line = text.split('\r\n').find((record) => record.startsWith(lead.id))!;
    expect(line).toContain(',+442071838750,');
    const row = parseCsv(text)[1]!;
    expect(row).toMatchObject({ id: lead.id, phone: '+442071838750', createdAt: lead.createdAt.toISOString(), duplicateOf: first.id, consentAt: lead.createdAt.toISOString() });
  });

  test('when bom=1 is asked for, then the file starts with the UTF-8 byte order mark, and otherwise it does not', async () => {
    await insertLead(t, { firstName: 'Zoë' });
    const withBom = await request(t.app).get('/admin/leads/export.csv?bom=1').set('Authorization', `Bearer ${token}`).buffer(true).parse(bufferParser).expect(200);
    expect([...(withBom.body as Buffer).subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect((withBom.body as Buffer).subarray(3, 5).toString()).toBe('id');
    const without = await request(t.app).get('/admin/leads/export.csv').set('Authorization', `Bearer ${token}`).buffer(true).parse(bufferParser).expect(200);
    expect((without.body as Buffer).subarray(0, 2).toString()).toBe('id');
    const ndjson = await request(t.app).get('/admin/leads/export.ndjson?bom=1').set('Authorization', `Bearer ${token}`).buffer(true).parse(bufferParser).expect(200);
    expect([...(ndjson.body as Buffer).subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  });

  test('when there are no leads, then the CSV is its header row and the NDJSON is empty', async () => {
    expect((await exportCsv().expect(200)).body).toBe(`${COLUMNS.join(',')}\r\n`);
    expect((await exportNdjson().expect(200)).body).toBe('');
  });

  test('when leads are exported as NDJSON, then each line is one JSON object with the same keys in the same order, with stored values unaltered', async () => {
    const first = await insertLead(t, { firstName: '=Danger', message: 'Line\nbreak "quoted" \\ backslash', utmSource: '\t' });
    const second = await insertLead(t, { postalCode: null, message: null, consent: null, duplicateOfId: first.id });
    const response = await exportNdjson().expect(200);
    expect(response.headers['content-type']).toBe('application/x-ndjson; charset=utf-8');
    expect(response.headers['content-disposition']).toBe('attachment; filename="leads-2026-11-30.ndjson"');
    const lines = (response.body as string).split('\n');
    expect(lines.pop()).toBe('');
    const objects = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(objects.map((object) => Object.keys(object))).toEqual([COLUMNS, COLUMNS]);
    const asJson = (lead: Lead) => {
      const row: Record<string, unknown> = expectedRow(lead);
      for (const key of ['postalCode', 'educationLevel', 'message', 'article', 'utmSource', 'utmMedium', 'utmCampaign', 'referrer', 'consentAt', 'duplicateOf', 'notifiedAt', 'assignee', 'respondBy', 'firstResponseAt', 'responseSeconds', 'callbackAt']) if (row[key] === '') row[key] = null;
      return row;
    };
    expect(objects).toEqual([{ ...asJson(first), utmSource: '\t' }, asJson(second)]);
    expect(objects[0]!.firstName).toBe('=Danger');
  });

  test('when an export asks for leads since a lead id, then it returns exactly the newer leads, oldest first', async () => {
    const leads: Lead[] = [];
    for (let index = 0; index < 5; index += 1) leads.push(await insertLead(t));
    const csv = parseCsv((await exportCsv(`?since=${leads[1]!.id}`).expect(200)).body);
    expect(csv.map((row) => row.id)).toEqual(leads.slice(2).map((lead) => lead.id));
    const ndjson = (await exportNdjson(`?since=${leads[4]!.id}`).expect(200)).body;
    expect(ndjson).toBe('');
    // An incremental export picks up where the last one ended.
    const more = await insertLead(t);
    const next = parseCsv((await exportCsv(`?since=${csv.at(-1)!.id}`).expect(200)).body);
    expect(next.map((row) => row.id)).toEqual([more.id]);
  });

  test('when spam exists, then exports leave it out unless the status filter asks for it', async () => {
    const real = await insertLead(t);
    const spam = await insertLead(t, { status: 'spam' });
    expect(parseCsv((await exportCsv().expect(200)).body).map((row) => row.id)).toEqual([real.id]);
    expect(parseCsv((await exportCsv('?status=spam').expect(200)).body).map((row) => row.id)).toEqual([spam.id]);
    expect(parseCsv((await exportCsv('?status=new,spam').expect(200)).body).map((row) => row.id)).toEqual([real.id, spam.id]);
  });

  test('when the list filters are given, then the export applies every one of them, as the list does', async () => {
    const match = await insertLead(t, { createdAt: new Date('2026-11-10T15:00:00Z'), status: 'qualified', programCode: 'IT-AS', articleSlug: 'how-online-classes-work', lastName: 'Quintero' });
    await insertLead(t, { createdAt: new Date('2026-11-10T15:00:01Z'), status: 'qualified', programCode: 'IT-AS', articleSlug: 'how-online-classes-work', lastName: 'Other' });
    await insertLead(t, { createdAt: new Date('2026-11-10T15:00:02Z'), status: 'new', programCode: 'IT-AS', articleSlug: 'how-online-classes-work', lastName: 'Quintero' });
    await insertLead(t, { createdAt: new Date('2026-11-10T15:00:03Z'), status: 'qualified', programCode: 'HCA-BS', articleSlug: 'how-online-classes-work', lastName: 'Quintero' });
    await insertLead(t, { createdAt: new Date('2026-11-10T15:00:04Z'), status: 'qualified', programCode: 'IT-AS', articleSlug: 'campus-visit-day', lastName: 'Quintero' });
    await insertLead(t, { createdAt: new Date('2026-11-12T15:00:00Z'), status: 'qualified', programCode: 'IT-AS', articleSlug: 'how-online-classes-work', lastName: 'Quintero' });
    const query = '?from=2026-11-10&to=2026-11-11&status=qualified&program=IT-AS&article=how-online-classes-work&q=quintero';
    expect(parseCsv((await exportCsv(query).expect(200)).body).map((row) => row.id)).toEqual([match.id]);
    const agent = await signIn(t, staff);
    const list = await agent.get(`/admin/leads${query}`).set('Accept', 'text/html').expect(200);
    expect(list.text).toContain(`href="/admin/leads/${match.id}"`);
    expect(list.text.match(/<th scope="row">/g)).toHaveLength(1);
  });

  test.each([
    ['since=12', 'since must be a lead id'],
    ['bom=yes', 'bom must be 1 or 0.'],
    ['status=everything', 'Status must be one of'],
    ['from=2026-13-01', 'Enter the start date'],
  ])('when an export parameter is malformed (%s), then it is a 400 JSON error and no file', async (query, message) => {
    const response = await request(t.app).get(`/admin/leads/export.csv?${query}`).set('Authorization', `Bearer ${token}`).expect(400);
    expect(response.body.error).toBe('invalid_filter');
    expect(response.body.message).toContain(message);
    expect(response.headers['content-disposition']).toBeUndefined();
  });

  test('when a signed-in person exports from the browser, then the session is enough, and the export is audited with filters and row count', async () => {
    await insertLead(t, { programCode: 'IT-AS' });
    await insertLead(t, { programCode: 'IT-AS' });
    await insertLead(t, { programCode: 'HCA-BS' });
    const agent = await signIn(t, staff);
    const list = await agent.get('/admin/leads?program=IT-AS').set('Accept', 'text/html').expect(200);
    expect(list.text).toContain('href="/admin/leads/export.csv?program=IT-AS"');
    expect(list.text).toContain('href="/admin/leads/export.csv?program=IT-AS&amp;bom=1"');
    expect(list.text).toContain('href="/admin/leads/export.ndjson?program=IT-AS"');
    const response = await agent.get('/admin/leads/export.csv?program=IT-AS').buffer(true).parse(textParser).expect(200);
    expect(parseCsv(response.body as string)).toHaveLength(2);

    const event = await t.db.auditEvent.findFirstOrThrow({ where: { action: 'leads.exported', via: 'web' } });
    expect(event).toMatchObject({ actorId: staff.id, details: { format: 'csv', filters: { program: 'IT-AS' }, rows: 2, completed: true } });
  });

  test('when a script exports with a token, then the audit record names the token and counts the rows', async () => {
    const leads = [await insertLead(t), await insertLead(t)];
    await exportNdjson(`?since=${leads[0]!.id}&status=new`).expect(200);
    const event = await t.db.auditEvent.findFirstOrThrow({ where: { action: 'leads.exported', via: 'token' } });
    const row = await t.db.apiToken.findFirstOrThrow({ where: { label: 'crm' } });
    expect(event).toMatchObject({ actorId: staff.id, details: { format: 'ndjson', filters: { since: leads[0]!.id, status: 'new' }, rows: 1, completed: true, tokenId: row.id } });
  });

  test('when an export is asked for with HEAD, then only the headers come back', async () => {
    await insertLead(t);
    const response = await request(t.app).head('/admin/leads/export.csv').set('Authorization', `Bearer ${token}`).expect(200);
    expect(response.headers['content-disposition']).toBe('attachment; filename="leads-2026-11-30.csv"');
    expect(await t.db.auditEvent.count({ where: { action: 'leads.exported' } })).toBe(0);
  });

  test.each(['csv', 'ndjson'])('when the client disconnects in the middle of a %s export, then the query stops on the server and the audit says it did not complete', async (format) => {
    await seedLeads(t, 60_000);
    const server = http.createServer(t.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const database = new URL(t.connectionString).pathname.slice(1);
    const monitor = new Client({ connectionString: t.connectionString });
    await monitor.connect();
    const running = async () =>
      (await monitor.query<{ count: number }>(
        `SELECT count(*)::int AS count FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() AND state <> 'idle'
            AND (query LIKE 'COPY (SELECT l.id AS "id"%' OR query LIKE 'SELECT json_build_object(''id''%')`,
        [database],
      )).rows[0]!.count;
    try {
      const { port } = server.address() as AddressInfo;
      const received = await new Promise<number>((resolve, reject) => {
        const call = http.get({ port, host: '127.0.0.1', path: `/admin/leads/export.${format}`, headers: { Authorization: `Bearer ${token}` } }, (response) => {
          response.once('data', (chunk: Buffer) => {
            // The first bytes are here and the client reads no more: the server fills the socket and waits.
            response.pause();
            void (async () => {
              // (PostgreSQL may run it with parallel workers, each listed with the same query.)
              await waitFor(async () => (await running()) > 0, 'the export query to be running');
              call.destroy();
              resolve(chunk.length);
            })().catch(reject);
          });
        });
        call.on('error', () => undefined);
      });
      expect(received).toBeGreaterThan(0);
      await waitFor(async () => (await running()) === 0, 'the export query to stop');
      await waitFor(async () => (await t.db.auditEvent.count({ where: { action: 'leads.exported' } })) === 1, 'the audit record');
      const event = await t.db.auditEvent.findFirstOrThrow({ where: { action: 'leads.exported' } });
      const details = event.details as { completed: boolean; rows: number };
      expect(details.completed).toBe(false);
      expect(details.rows).toBeLessThan(60_000);
    } finally {
      await monitor.end();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

/** Many leads at once, with time-ordered ids, as the benchmark seeds them. */
async function seedLeads(t: TestApp, count: number): Promise<void> {
  const client = new Client({ connectionString: t.connectionString });
  await client.connect();
  try {
    await client.query(
      `INSERT INTO leads (id, created_at, first_name, last_name, email, phone, program_code, message, status)
       SELECT (lpad(to_hex(1790000000000 + i), 12, '0') || '7' || substr(md5(i::text), 1, 3) || '8' || substr(md5(i::text), 4, 15))::uuid,
              to_timestamp((1790000000000 + i) / 1000.0), 'First' || i, 'Last', 'seed' || i || '@example.org', '+12125550147', 'HCA-BS',
              repeat('A question about enrolling. ', 8), 'new'
         FROM generate_series(1, $1::int) AS i`,
      [count],
    );
  } finally {
    await client.end();
  }
}

/** Polls a condition the server reaches on its own (no fixed sleeps), failing after 10 s. */
async function waitFor(condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** supertest's parser type names superagent's Response, but a parser receives the raw response stream. */
type Parser = (response: request.Response, callback: (error: Error | null, body: unknown) => void) => void;

const textParser = ((response: NodeJS.ReadableStream & { setEncoding(encoding: string): void }, callback: (error: Error | null, body: string) => void) => {
  let text = '';
  response.setEncoding('utf8');
  response.on('data', (chunk: string) => (text += chunk));
  response.on('end', () => callback(null, text));
}) as unknown as Parser;

const bufferParser = ((response: NodeJS.ReadableStream, callback: (error: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  response.on('data', (chunk: Buffer) => chunks.push(chunk));
  response.on('end', () => callback(null, Buffer.concat(chunks)));
}) as unknown as Parser;
