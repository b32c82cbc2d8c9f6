import request from 'supertest';
import { ARTICLE, decodeEntities, openForm, validInquiry } from '../../support/inquiries';
import { createTestApp, type TestApp } from '../../support/test-app';
import { newLead, OPEN, routingApp, ROUTING_ENV } from './callback-support';

/** A browser's visit: cookies kept between requests, as the thanks page needs. */
async function inquireByForm(t: TestApp, overrides: Record<string, unknown> = {}) {
  const agent = request.agent(t.app);
  const hidden = await openForm(t);
  await agent.post('/inquiries').type('form').send({ ...hidden, ...validInquiry(overrides) }).expect(303);
  const thanks = await agent.get('/inquiries/thanks').expect(200);
  return { agent, thanks: thanks.text };
}

const hiddenLead = (html: string) => decodeEntities(/name="lead" value="([^"]+)"/.exec(html)?.[1] ?? '');
const radios = (html: string) => [...html.matchAll(/type="radio" id="[^"]+" name="slot" value="([^"]+)"/g)].map((match) => match[1]!);

describe('The call offer on the thanks page, the confirmation and the manage page', () => {
  // Over http, so the test client sends the thanks page's cookie (under https it is Secure).
  const app = routingApp({ ...ROUTING_ENV, BASE_URL: 'http://college.test' });
  let t: TestApp;
  beforeAll(() => {
    ({ t } = app);
  });

  test('when the office is open, then the thanks page offers "Call me now" and times grouped by day with EST, as a form that works without JavaScript', async () => {
    const { thanks } = await inquireByForm(t);
    expect(thanks).toContain('<button class="button" type="submit">Call me now</button>');
    expect(thanks).toContain('<input type="hidden" name="slot" value="now">');
    // One group per day, the first unfolded: <details> needs no script.
    expect(thanks).toMatch(/<details class="call-day" open>\s*<summary>Monday, November 30 <span class="muted">\(41 times\)<\/span><\/summary>\s*<fieldset>\s*<legend class="visually-hidden">Monday, November 30<\/legend>/);
    expect(thanks).toMatch(/<details class="call-day">\s*<summary>Friday, December 4 <span class="muted">\(48 times\)<\/span><\/summary>/);
    expect(thanks).toMatch(/<time datetime="2026-11-30T15:45:00.000Z">10:45 AM EST<\/time>/);
    expect(radios(thanks)[0]).toBe('2026-11-30T15:45:00.000Z');
    expect(thanks).toContain('Book this time</button>');
  });

  test('when the office is closed, then there is no "Call me now", only times', async () => {
    t.clock.set('2026-11-29T15:30:00.000Z');
    const { thanks } = await inquireByForm(t);
    expect(thanks).not.toContain('Call me now');
    expect(radios(thanks)[0]).toBe('2026-11-30T14:00:00.000Z');
  });

  test('when a person books a time by form, then 303 to the confirmation, which shows when, who and the number only with its token; the manage page moves and cancels', async () => {
    const { agent, thanks } = await inquireByForm(t, { firstName: 'Rosa', lastName: 'Diaz' });
    const booked = await agent.post('/callbacks').type('form').send({ lead: hiddenLead(thanks), slot: '2026-11-30T16:00:00.000Z' }).expect(303);
    const [path, token] = booked.headers.location!.split('?token=');
    expect(path).toMatch(/^\/callbacks\/[0-9a-f-]{36}$/);

    const confirmation = await request(t.app).get(`${path}?token=${token}`).expect(200);
    expect(confirmation.text).toContain('Your call is booked');
    expect(confirmation.text).toContain('Mon, Nov 30, 2026, 11:00 AM EST');
    expect(confirmation.text).toContain('+12125550147');
    expect(confirmation.headers['cache-control']).toBe('no-store');
    await request(t.app).get(path!).expect(404);
    await request(t.app).get(`${path}/manage`).expect(404);
    const other = await newLead(t);
    const otherCall = await request(t.app).post('/api/callbacks').send({ lead: other.token, slot: '2026-11-30T16:15:00.000Z' }).expect(201);
    const otherToken = new URL(otherCall.body.manageUrl).searchParams.get('token');
    await request(t.app).get(`${path}?token=${otherToken}`).expect(404);
    await request(t.app).get(`${path}/manage?token=${otherToken}`).expect(404);

    const manage = await request(t.app).get(`${path}/manage?token=${token}`).expect(200);
    expect(manage.text).toContain('Move my call</button>');
    const move = await request(t.app).post('/callbacks').type('form').send({ lead: hiddenLead(manage.text), slot: '2026-12-01T15:00:00.000Z' }).expect(303);
    expect(move.headers.location).toBe(booked.headers.location);
    expect((await request(t.app).get(booked.headers.location!).expect(200)).text).toContain('Tue, Dec 1, 2026, 10:00 AM EST');

    await request(t.app).post(`${path}/cancel`).type('form').send({ token: otherToken }).expect(404);
    await request(t.app).post(`${path}/cancel`).type('form').send({ token }).expect(303);
    const cancelled = await request(t.app).get(booked.headers.location!).expect(200);
    expect(cancelled.text).toContain('Your call is cancelled');
    expect((await t.db.callback.findUniqueOrThrow({ where: { id: path!.split('/')[2]! } })).status).toBe('cancelled');
  });

  test('when the chosen time was taken meanwhile, then 409 and the choice again with fresh times; a time not offered is 422', async () => {
    const taken = await newLead(t);
    await request(t.app).post('/api/callbacks').send({ lead: taken.token, slot: '2026-11-30T17:00:00.000Z' }).expect(201);
    const { agent, thanks } = await inquireByForm(t);
    const full = await agent.post('/callbacks').type('form').send({ lead: hiddenLead(thanks), slot: '2026-11-30T17:00:00.000Z' }).expect(409);
    expect(full.text).toContain('That time was just taken');
    expect(radios(full.text)).not.toContain('2026-11-30T17:00:00.000Z');
    const notOffered = await agent.post('/callbacks').type('form').send({ lead: hiddenLead(thanks), slot: '2026-11-30T17:05:00.000Z' }).expect(422);
    expect(notOffered.text).toContain('Please choose one of the times listed');
    await agent.post('/callbacks').type('form').send({ lead: 'forged', slot: '2026-11-30T17:15:00.000Z' }).expect(400);
  });

  test('when the form is posted from another site, then 403', async () => {
    const lead = await newLead(t);
    await request(t.app).post('/callbacks').type('form').set('Origin', 'https://evil.example').send({ lead: lead.token, slot: 'now' }).expect(403);
  });

  test(`when ${ARTICLE} is asked about by a bot (honeypot), then the thanks page offers no call`, async () => {
    const { thanks } = await inquireByForm(t, { website: 'http://spam.example' });
    expect(thanks).not.toContain('call-offer');
  });
});

describe('CALLBACKS=off', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { CALLBACKS: 'off', INQUIRY_RATE_LIMIT: '1000/1m' }, now: OPEN });
  });
  afterAll(() => t.close());

  test('when calls are off, then the thanks page offers none, the inquiry API gives no lead token, and the call routes are 404', async () => {
    const agent = request.agent(t.app);
    const hidden = await openForm(t);
    await agent.post('/inquiries').type('form').send({ ...hidden, ...validInquiry() }).expect(303);
    expect((await agent.get('/inquiries/thanks').expect(200)).text).not.toContain('call-offer');
    const { body } = await request(t.app).post('/api/inquiries').send({ ...validInquiry(), consent: true }).expect(201);
    expect(body.leadToken).toBeUndefined();
    await request(t.app).get('/api/callback-slots').query({ lead: 'x' }).expect(404);
    await request(t.app).post('/api/callbacks').send({ lead: 'x', slot: 'now' }).expect(404);
    await request(t.app).post('/callbacks').type('form').send({ lead: 'x', slot: 'now' }).expect(404);
    await request(t.app).get('/callbacks/0190b1c2-0000-7000-8000-000000000000').expect(404);
  });
});
