import pino from 'pino';
import request from 'supertest';
import { buildApp } from '../../../src/app';
import { createDatabase } from '../../../src/platform/database';
import type { TestApp } from '../../support/test-app';
import { addAdvisor, bookJson, newLead, OPEN, routingApp, ROUTING_ENV, slotsFor, storedCalls } from './callback-support';

/** 10:30 EST on the open Monday: the first slot 30 minutes after OPEN (10:00). */
const FIRST_SLOT = '2026-11-30T15:30:00.000Z';

describe('Booking a call (SPEC §11)', () => {
  const app = routingApp();
  let t: TestApp;
  beforeAll(() => {
    ({ t } = app);
  });
  beforeEach(async () => {
    await t.db.callback.deleteMany();
  });

  test('when the lead asks for slots while the office is open, then "call now" is offered and slots start 30 minutes out, on the grid', async () => {
    const lead = await newLead(t);
    const { body } = await slotsFor(t, lead.token).expect(200);
    expect(body.timezone).toBe('America/New_York');
    expect(body.callNow).toBe(true);
    expect(body.slots[0]).toEqual({ start: FIRST_SLOT, end: '2026-11-30T15:45:00.000Z', remaining: 1 });
    expect(body.slots).toHaveLength(42 + 4 * 48);
  });

  test('when two advisors take the program, then a slot holds two calls: the lead\'s own advisor gets the first, the other the second, and a third is refused with 409 and fresh slots', async () => {
    const ada = await addAdvisor(t, 'Ada Brooks');
    const ben = await addAdvisor(t, 'Ben Ito');
    const first = await newLead(t);
    await t.dispatcher.runOnce(); // routes the lead: Ada (assigned least recently, oldest account)
    const assigned = (await t.db.lead.findUniqueOrThrow({ where: { id: first.id } })).assignedToId;
    const second = await newLead(t);
    const third = await newLead(t);

    expect((await slotsFor(t, second.token).expect(200)).body.slots[0].remaining).toBe(2);
    await bookJson(t, first.token, FIRST_SLOT).expect(201);
    expect((await slotsFor(t, second.token).expect(200)).body.slots[0]).toMatchObject({ start: FIRST_SLOT, remaining: 1 });
    await bookJson(t, second.token, FIRST_SLOT).expect(201);
    const full = await bookJson(t, third.token, FIRST_SLOT).expect(409);

    expect(full.body.error).toBe('slot_full');
    expect(full.body.slots[0].start).toBe('2026-11-30T15:45:00.000Z');
    const calls = await t.db.callback.findMany({ orderBy: { bookedAt: 'asc' } });
    expect(calls.map((call) => call.leadId)).toEqual([first.id, second.id]);
    expect(calls[0]!.advisorId).toBe(assigned);
    expect(new Set(calls.map((call) => call.advisorId))).toEqual(new Set([ada.id, ben.id]));
  });

  test('when nobody is eligible, then the slot holds one call for the team (ADMISSIONS_EMAIL)', async () => {
    const first = await newLead(t);
    const second = await newLead(t);
    const booked = await bookJson(t, first.token, FIRST_SLOT).expect(201);
    expect(booked.body).toMatchObject({ scheduledFor: FIRST_SLOT, kind: 'scheduled' });
    expect((await t.db.callback.findUniqueOrThrow({ where: { id: booked.body.id } })).advisorId).toBeNull();
    await bookJson(t, second.token, FIRST_SLOT).expect(409);
  });

  test('when 50 people book the 10 places of one slot at once, through two app instances, then exactly 10 are booked and 40 get 409', async () => {
    for (let index = 0; index < 10; index++) await addAdvisor(t, `Advisor ${index}`);
    const leads = [];
    for (let index = 0; index < 50; index++) leads.push(await newLead(t));
    // A second instance: its own connection pool on the same database, as another process would have.
    const otherDb = createDatabase(t.connectionString, { poolSize: 4 });
    const other = buildApp({ config: t.config, db: otherDb, clock: t.clock, logger: pino({ level: 'silent' }) });
    try {
      const answers = await Promise.all(leads.map((lead, index) =>
        request(index % 2 === 0 ? t.app : other).post('/api/callbacks').set('Content-Type', 'application/json').send({ lead: lead.token, slot: FIRST_SLOT })));
      const statuses = answers.map((answer) => answer.status).sort();
      expect(statuses.filter((status) => status === 201)).toHaveLength(10);
      expect(statuses.filter((status) => status === 409)).toHaveLength(40);
      const calls = await t.db.callback.findMany({ where: { scheduledFor: new Date(FIRST_SLOT), status: 'booked' } });
      expect(calls).toHaveLength(10);
      expect(new Set(calls.map((call) => call.advisorId)).size).toBe(10);
    } finally {
      await otherDb.$disconnect();
    }
  });

  test('when the lead books again, then the same call moves: one active call per lead, the next sequence', async () => {
    const lead = await newLead(t);
    const first = await bookJson(t, lead.token, FIRST_SLOT).expect(201);
    const moved = await bookJson(t, lead.token, '2026-12-01T15:00:00.000Z').expect(201);
    expect(moved.body.id).toBe(first.body.id);
    const calls = await t.db.callback.findMany({ where: { leadId: lead.id } });
    expect(calls).toHaveLength(1);
    expect([calls[0]!.scheduledFor.toISOString(), calls[0]!.sequence]).toEqual(['2026-12-01T15:00:00.000Z', 1]);
  });

  test('when "now" is asked while open, then the call is for now, with the lead\'s advisor', async () => {
    const ada = await addAdvisor(t, 'Ada Brooks');
    const lead = await newLead(t);
    await t.dispatcher.runOnce();
    const { body } = await bookJson(t, lead.token, 'now').expect(201);
    expect(body).toMatchObject({ kind: 'now', scheduledFor: OPEN });
    expect((await t.db.callback.findUniqueOrThrow({ where: { id: body.id } })).advisorId).toBe(ada.id);
  });

  describe('bad input changes nothing', () => {
    const refused = async (answer: Promise<request.Response>, status: number, error: string) => {
      const before = await storedCalls(t);
      const response = await answer;
      expect([response.status, response.body.error]).toEqual([status, error]);
      expect(await storedCalls(t)).toEqual(before);
      return response;
    };

    test('when the token is forged, expired or missing, then 400', async () => {
      const lead = await newLead(t);
      const [id, issued] = lead.token.split('.');
      await refused(bookJson(t, `${id}.${issued}.AAAA`, FIRST_SLOT), 400, 'invalid_lead_token');
      await refused(bookJson(t, `0190b1c2-0000-7000-8000-000000000000.${issued}.${lead.token.split('.')[2]}`, FIRST_SLOT), 400, 'invalid_lead_token');
      await refused(request(t.app).post('/api/callbacks').send({ slot: FIRST_SLOT }), 400, 'invalid_lead_token');
      await refused(slotsFor(t, 'nonsense'), 400, 'invalid_lead_token');
      t.clock.advance(7 * 24 * 60 * 60 * 1000 + 1000);
      await refused(bookJson(t, lead.token, '2026-12-08T15:00:00.000Z'), 400, 'invalid_lead_token');
    });

    test('when the slot is not offered (too soon, past, off the grid, closed, not a time), then 422 with the slots', async () => {
      const lead = await newLead(t);
      for (const slot of ['2026-11-30T15:15:00.000Z', '2026-11-30T14:00:00.000Z', '2026-11-30T15:40:00.000Z', '2026-12-01T03:00:00.000Z', 'tomorrow', '']) {
        const response = await refused(bookJson(t, lead.token, slot), 422, 'slot_not_offered');
        expect(response.body.slots[0].start).toBe(FIRST_SLOT);
      }
    });

    test('when "now" is asked while the office is closed, then 422 with the slots', async () => {
      t.clock.set('2026-11-29T15:30:00.000Z'); // Sunday
      const lead = await newLead(t);
      expect((await slotsFor(t, lead.token).expect(200)).body.callNow).toBe(false);
      const response = await refused(bookJson(t, lead.token, 'now'), 422, 'slot_not_offered');
      expect(response.body.slots[0].start).toBe('2026-11-30T14:00:00.000Z');
    });

    test('when the body is not JSON, then 415', async () => {
      const lead = await newLead(t);
      await refused(request(t.app).post('/api/callbacks').type('form').send({ lead: lead.token, slot: FIRST_SLOT }), 415, 'unsupported_media_type');
    });
  });
});

describe('The inquiry rate limit counts call bookings', () => {
  const app = routingApp({ ...ROUTING_ENV, INQUIRY_RATE_LIMIT: '3/10m' });

  test('when an address has sent an inquiry and booked twice, then its next booking is 429 and nothing changes', async () => {
    const { t } = app;
    const lead = await newLead(t);
    await bookJson(t, lead.token, FIRST_SLOT).expect(201);
    await request(t.app).post('/callbacks').type('form').send({ lead: lead.token, slot: '2026-11-30T16:00:00.000Z' }).expect(303);
    const before = await storedCalls(t);
    const limited = await bookJson(t, lead.token, '2026-11-30T16:30:00.000Z').expect(429);
    expect(limited.headers['retry-after']).toBeDefined();
    await request(t.app).post('/callbacks').type('form').send({ lead: lead.token, slot: '2026-11-30T16:30:00.000Z' }).expect(429);
    expect(await storedCalls(t)).toEqual(before);
  });
});
