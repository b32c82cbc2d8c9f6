import request from 'supertest';
import { createFormTokens } from '../../../src/inquiries/form-token';
import { ARTICLE, json, openForm, postJson, validInquiry } from '../../support/inquiries';
import { CLOSED_SUNDAY, createTestApp, OPEN_MONDAY, type TestApp } from '../../support/test-app';


describe('The JSON API (POST /api/inquiries)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { INQUIRY_RATE_LIMIT: '1000/1m' } });
  });
  afterAll(() => t.close());
  beforeEach(() => t.clock.set(OPEN_MONDAY));

  test('when the inquiry is valid and the office open, then it answers 201 with the id and admissions is due now', async () => {
    const fields = json(validInquiry({ article: ARTICLE, utm_source: 'partner' }));
    const response = await postJson(t, fields).expect(201);
    expect(response.body).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), status: 'new', notifyAdmissionsAt: OPEN_MONDAY, leadToken: expect.any(String) });
    const lead = await t.db.lead.findUniqueOrThrow({ where: { id: response.body.id }, include: { consent: true } });
    expect(lead).toMatchObject({ email: fields.email, articleSlug: ARTICLE, utmSource: 'partner', status: 'new' });
    expect(lead.consent!.pageUrl).toBe(`http://localhost:3000/articles/${ARTICLE}`);
  });

  test('when the office is closed, then notifyAdmissionsAt is the next opening', async () => {
    t.clock.set(CLOSED_SUNDAY);
    const response = await postJson(t, json(validInquiry())).expect(201);
    expect(response.body.notifyAdmissionsAt).toBe('2026-11-30T14:00:00.000Z');
  });

  test('when fields are invalid, then it answers 422 with every issue by path', async () => {
    const response = await postJson(t, { ...json(validInquiry()), email: 'nope', program: 'PLS-CERT', consent: false }).expect(422);
    expect(response.body).toEqual({
      error: 'validation_failed',
      issues: [
        { path: 'email', message: 'Enter an email address like name@example.com' },
        { path: 'program', message: "Choose the program you're interested in from the list" },
        { path: 'consent', message: 'Tick the box to let us contact you about your inquiry' },
      ],
    });
  });

  test('when the JSON body is an array, then it answers 422 asking for an object', async () => {
    const response = await postJson(t, [1, 2]).expect(422);
    expect(response.body).toEqual({ error: 'validation_failed', issues: [{ path: 'body', message: 'Send a JSON object with the inquiry fields.' }] });
  });

  test.each([['"text"'], ['42'], ['null']])('when the JSON body is the bare value %s, then it answers 400', async (body) => {
    const response = await postJson(t, body, { 'Content-Type': 'application/json' }).expect(400);
    expect(response.body.error).toBe('malformed_json');
  });

  test('when the JSON is malformed, then it answers 400', async () => {
    const response = await postJson(t, '{"firstName": "Ann",', { 'Content-Type': 'application/json' }).expect(400);
    expect(response.body).toEqual({ error: 'malformed_json', message: 'The request body is not valid JSON.' });
  });

  test('when the body is over 16 kB, then it answers 413', async () => {
    const response = await postJson(t, json(validInquiry({ message: 'x'.repeat(17_000) }))).expect(413);
    expect(response.body.error).toBe('payload_too_large');
  });

  test.each([['text/plain'], ['application/x-www-form-urlencoded'], ['multipart/form-data; boundary=x']])(
    'when the Content-Type is %s, then it answers 415',
    async (type) => {
      const response = await postJson(t, 'firstName=Ann', { 'Content-Type': type }).expect(415);
      expect(response.body.error).toBe('unsupported_media_type');
    },
  );

  test('when the Origin is another site, then it answers 403 JSON', async () => {
    const response = await postJson(t, json(validInquiry()), { Origin: 'https://evil.example' }).expect(403);
    expect(response.body.error).toBe('forbidden_origin');
  });

  test('when the same Idempotency-Key is sent twice, then the first response is replayed and one lead exists', async () => {
    const fields = json(validInquiry());
    const first = await postJson(t, fields, { 'Idempotency-Key': 'order-123-a' }).expect(201);
    t.clock.advance(60_000);
    const second = await postJson(t, fields, { 'Idempotency-Key': 'order-123-a' }).expect(201);
    expect(second.body).toEqual(first.body);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(await t.db.lead.count({ where: { email: fields.email } })).toBe(1);
  });

  test('when requests with one Idempotency-Key race, then exactly one lead is created and all get the same answer', async () => {
    const fields = json(validInquiry());
    const responses = await Promise.all(Array.from({ length: 5 }, () => postJson(t, fields, { 'Idempotency-Key': 'race-key-1' })));
    expect(responses.map((response) => response.status)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(responses.map((response) => response.body.id)).size).toBe(1);
    expect(await t.db.lead.count({ where: { email: fields.email } })).toBe(1);
  });

  test('when an Idempotency-Key is reused with a different inquiry, then it answers 422 and creates nothing', async () => {
    await postJson(t, json(validInquiry()), { 'Idempotency-Key': 'reused-key' }).expect(201);
    const other = json(validInquiry());
    const response = await postJson(t, other, { 'Idempotency-Key': 'reused-key' }).expect(422);
    expect(response.body.error).toBe('idempotency_key_reused');
    expect(await t.db.lead.count({ where: { email: other.email } })).toBe(0);
  });

  test('when an Idempotency-Key is more than 24 hours old, then the request creates a new lead', async () => {
    const fields = json(validInquiry());
    const first = await postJson(t, fields, { 'Idempotency-Key': 'old-key' }).expect(201);
    t.clock.advance(24 * 3600_000 + 1);
    const second = await postJson(t, fields, { 'Idempotency-Key': 'old-key' }).expect(201);
    expect(second.body.id).not.toBe(first.body.id);
  });

  test('when the Idempotency-Key is malformed, then it answers 400', async () => {
    await postJson(t, json(validInquiry()), { 'Idempotency-Key': 'x'.repeat(300) }).expect(400);
  });

  test('when the same person asks again within 30 days, then the new lead is linked to the first', async () => {
    const fields = json(validInquiry());
    const first = await postJson(t, fields).expect(201);
    t.clock.advance(10 * 24 * 3600_000);
    const second = await postJson(t, { ...fields, email: fields.email.toUpperCase(), program: 'IT-AS' }).expect(201);
    t.clock.advance(5 * 24 * 3600_000);
    const third = await postJson(t, fields).expect(201);
    const leads = await t.db.lead.findMany({ where: { email: fields.email }, orderBy: { id: 'asc' } });
    expect(leads.map((lead) => [lead.id, lead.duplicateOfId])).toEqual([
      [first.body.id, null],
      [second.body.id, first.body.id],
      [third.body.id, first.body.id],
    ]);
  });

  test('when the earlier inquiry is over 30 days old, then the new lead stands alone', async () => {
    const fields = json(validInquiry());
    await postJson(t, fields).expect(201);
    t.clock.advance(31 * 24 * 3600_000);
    const later = await postJson(t, fields).expect(201);
    expect((await t.db.lead.findUniqueOrThrow({ where: { id: later.body.id } })).duplicateOfId).toBeNull();
  });

  test('when the honeypot is filled, then it answers like success and the lead is stored as spam', async () => {
    const fields = json(validInquiry({ website: 'x' }));
    const response = await postJson(t, fields).expect(201);
    expect(response.body).toEqual({ id: expect.any(String), status: 'new', notifyAdmissionsAt: OPEN_MONDAY, leadToken: expect.any(String) });
    expect((await t.db.lead.findUniqueOrThrow({ where: { id: response.body.id } })).status).toBe('spam');
  });

  test('when a formToken is sent, then a forged one is refused and a quick one marks spam', async () => {
    const forged = createFormTokens('another-secret-another-secret-0000').issue(t.clock.now());
    const refused = await postJson(t, json(validInquiry({ formToken: forged }))).expect(400);
    expect(refused.body.error).toBe('invalid_form_token');

    const quick = createFormTokens('test-secret-test-secret-test-secret-0123').issue(t.clock.now());
    const response = await postJson(t, json(validInquiry({ formToken: quick }))).expect(201);
    expect((await t.db.lead.findUniqueOrThrow({ where: { id: response.body.id } })).status).toBe('spam');

    const hidden = await openForm(t);
    const person = await postJson(t, json(validInquiry({ formToken: hidden.formToken }))).expect(201);
    expect((await t.db.lead.findUniqueOrThrow({ where: { id: person.body.id } })).status).toBe('new');
  });

  test('when inquiries have been handled, then /metrics counts them by result', async () => {
    const counted = (text: string, result: string) => Number(new RegExp(`inquiries_total\\{result="${result}"\\} (\\d+)`).exec(text)![1]);
    const before = (await request(t.app).get('/metrics').expect(200)).text;
    const fields = json(validInquiry());
    await postJson(t, fields).expect(201);
    await postJson(t, fields).expect(201); // the same person again: a duplicate

    const metrics = await request(t.app).get('/metrics').expect(200);
    for (const result of ['accepted', 'invalid', 'spam', 'duplicate', 'rate_limited']) {
      expect(metrics.text).toMatch(new RegExp(`inquiries_total\\{result="${result}"\\} \\d+`));
    }
    expect(counted(metrics.text, 'accepted')).toBe(counted(before, 'accepted') + 1);
    expect(counted(metrics.text, 'duplicate')).toBe(counted(before, 'duplicate') + 1);
  });
});

describe('POST /api/inquiries with a clock that moves during the request', () => {
  test('when an Idempotency-Key is replayed, then the answer is byte for byte the first one, lead token included', async () => {
    // Every reading of this clock is a millisecond later: the stored answer and the sent one are built at different instants.
    let tick = 0;
    const t = await createTestApp({ env: { INQUIRY_RATE_LIMIT: '1000/1m' }, clock: { now: () => new Date(Date.parse(OPEN_MONDAY) + tick++) } });
    try {
      const fields = json(validInquiry());
      const first = await postJson(t, fields, { 'Idempotency-Key': 'moving-clock-1' }).expect(201);
      expect(first.body.leadToken).toEqual(expect.any(String));
      const second = await postJson(t, fields, { 'Idempotency-Key': 'moving-clock-1' }).expect(201);
      expect(second.headers['idempotent-replayed']).toBe('true');
      expect(second.text).toBe(first.text);
    } finally {
      await t.close();
    }
  });
});
