import request from 'supertest';
import type { TestApp } from '../../support/test-app';
import { addStaff, createStaffTestApp, csrfFrom, issueToken, signIn, type TestStaff } from '../staff/staff-helpers';
import { bookJson, newLead, OPEN } from './callback-support';

const HTML = { Accept: 'text/html' };

describe('Calls in the staff workspace: the queue, the lead page, the export and the dashboard', () => {
  let t: TestApp;
  let ada: TestStaff;
  let agent: Awaited<ReturnType<typeof signIn>>;
  const leads: Record<string, { id: string; token: string }> = {};

  beforeAll(async () => {
    t = await createStaffTestApp({ now: OPEN, env: { INQUIRY_RATE_LIMIT: '1000/1m' } });
    ada = await addStaff(t, { name: 'Ada Brooks' });
    await t.db.staffUser.update({ where: { id: ada.id }, data: { available: true } });
    agent = await signIn(t, ada);
    for (const name of ['Later', 'Sooner', 'Tomorrow', 'Cancelled']) leads[name] = await newLead(t, { firstName: name, lastName: 'Caller' });
    await bookJson(t, leads.Later!.token, '2026-11-30T16:00:00.000Z').expect(201); // 11:00 EST
    await bookJson(t, leads.Sooner!.token, '2026-11-30T15:45:00.000Z').expect(201); // 10:45 EST
    await bookJson(t, leads.Tomorrow!.token, '2026-12-01T15:00:00.000Z').expect(201);
    const cancelled = await bookJson(t, leads.Cancelled!.token, '2026-11-30T17:00:00.000Z').expect(201);
    const token = new URL(cancelled.body.manageUrl).searchParams.get('token')!;
    await request(t.app).post(`/callbacks/${cancelled.body.id}/cancel`).type('form').send({ token }).expect(303);
  });
  afterAll(() => t.close());

  test('when the advisor opens their queue, then today\'s calls with them are listed in time order, and other days\' are not', async () => {
    const page = await agent.get('/admin/queue').set(HTML).expect(200);
    const calls = page.text.slice(page.text.indexOf('Your calls today'));
    expect(calls.indexOf('Sooner Caller')).toBeGreaterThan(0);
    expect(calls.indexOf('Sooner Caller')).toBeLessThan(calls.indexOf('Later Caller'));
    expect(calls).toContain('Mon, Nov 30, 2026, 10:45 AM EST');
    expect(calls).not.toContain('Tomorrow Caller');
    expect(calls).not.toContain('Cancelled Caller');
  });

  test('when a lead with a call is opened, then its page shows when, who calls and the number', async () => {
    const page = await agent.get(`/admin/leads/${leads.Later!.id}`).set(HTML).expect(200);
    const section = page.text.slice(page.text.indexOf('id="call-title"'));
    expect(section).toContain('Mon, Nov 30, 2026, 11:00 AM EST');
    expect(section).toContain('Ada Brooks');
    expect(section).toContain('+12125550147');
    // The call's mail in the lead's email history, by name.
    expect(page.text).toContain('Call confirmation to the person');
    expect(page.text).toContain('Call reminder to the advisor');
    const cancelled = await agent.get(`/admin/leads/${leads.Cancelled!.id}`).set(HTML).expect(200);
    expect(cancelled.text.slice(cancelled.text.indexOf('id="call-title"'))).toContain('Cancelled');
  });

  test('when leads are exported, then callbackAt holds the booked call\'s time, empty once cancelled, in CSV and NDJSON', async () => {
    const token = await issueToken(t, ada);
    const csv = await request(t.app).get('/admin/leads/export.csv').set('Authorization', `Bearer ${token}`).expect(200);
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]!.split(',').slice(-2)).toEqual(['responseSeconds', 'callbackAt']);
    const line = (id: string) => lines.find((candidate) => candidate.startsWith(id))!;
    expect(line(leads.Later!.id).endsWith(',2026-11-30T16:00:00.000Z')).toBe(true);
    expect(line(leads.Cancelled!.id).endsWith(',')).toBe(true);
    const ndjson = await request(t.app).get('/admin/leads/export.ndjson').set('Authorization', `Bearer ${token}`).expect(200);
    const objects = ndjson.text.trim().split('\n').map((row) => JSON.parse(row) as Record<string, unknown>);
    expect(objects.find((object) => object.id === leads.Tomorrow!.id)!.callbackAt).toBe('2026-12-01T15:00:00.000Z');
    expect(objects.find((object) => object.id === leads.Cancelled!.id)!.callbackAt).toBeNull();
  });

  test('when one call is logged in its slot and another is not, then the dashboard counts booked, on time, missed and to come', async () => {
    t.clock.set('2026-11-30T15:52:00.000Z'); // 10:52: Sooner's call is made and logged inside its slot
    agent = await signIn(t, ada); // sessions time out on the test's clock
    const page = await agent.get(`/admin/leads/${leads.Sooner!.id}`).set(HTML).expect(200);
    await agent.post(`/admin/leads/${leads.Sooner!.id}/contacts`).type('form').set(HTML).send({ _csrf: csrfFrom(page.text), channel: 'call', outcome: 'reached' }).expect(303);
    t.clock.set('2026-11-30T16:20:00.000Z'); // 11:20: Later's slot ended without a call
    agent = await signIn(t, ada);
    const { body } = await agent.get('/admin/dashboard.json').query({ from: '2026-11-30', to: '2026-12-04' }).expect(200);
    expect(body.calls).toEqual({ booked: 3, onTime: 1, missed: 1, upcoming: 1 });
    const html = await agent.get('/admin/dashboard').query({ from: '2026-11-30', to: '2026-12-04' }).set(HTML).expect(200);
    expect(html.text).toContain('Calls missed');
  });
});
