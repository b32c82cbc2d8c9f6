import request from 'supertest';
import type { TestApp } from '../../support/test-app';
import { decodeEntities } from '../../support/inquiries';
import { addStaff, createStaffTestApp, csrfFrom, issueToken, signIn } from './staff-helpers';

const HTML = { Accept: 'text/html' };

describe('Taking leads: the availability switch (POST /admin/me/availability)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createStaffTestApp();
  });
  afterAll(() => t.close());

  const available = async (id: string) => (await t.db.staffUser.findUniqueOrThrow({ where: { id } })).available;

  test('when a new advisor uses the header switch, then they are taking leads, come back to the page they were on, and the change is audited as theirs', async () => {
    const advisor = await addStaff(t);
    const agent = await signIn(t, advisor);
    const page = await agent.get('/admin/leads?status=new').set(HTML).expect(200);
    const header = decodeEntities(page.text);
    expect(header).toContain('Taking leads: <strong>no</strong>');
    expect(header).toMatch(/<form method="post" action="\/admin\/me\/availability"[^>]*>[\s\S]*?name="next" value="\/admin\/leads\?status=new"[\s\S]*?name="available" value="yes"[\s\S]*?Start taking leads<\/button>/);

    const response = await agent.post('/admin/me/availability').type('form').set(HTML)
      .send({ _csrf: csrfFrom(page.text), available: 'yes', next: '/admin/leads?status=new' }).expect(303);
    expect(response.headers.location).toBe('/admin/leads?status=new');
    expect(await available(advisor.id)).toBe(true);

    const after = await agent.get('/admin/leads?status=new').set(HTML).expect(200);
    expect(after.text).toContain('Taking leads: <strong>yes</strong>');
    expect(after.text).toContain('Stop taking leads');
    expect(after.text).toContain('You are taking leads: new leads can be assigned to you.');

    const events = await t.db.auditEvent.findMany({ where: { action: 'advisor.availability_changed', actorId: advisor.id } });
    expect(events).toMatchObject([{ via: 'web', details: { staffUserId: advisor.id, available: true } }]);
    expect(events[0]!.ip).toBe('127.0.0.1');
  });

  test('when they switch off, then they are not taking leads; switching to what they already are changes and audits nothing', async () => {
    const advisor = await addStaff(t);
    const agent = await signIn(t, advisor);
    const token = csrfFrom((await agent.get('/admin/leads').set(HTML).expect(200)).text);
    await agent.post('/admin/me/availability').type('form').set(HTML).send({ _csrf: token, available: 'yes' }).expect(303);
    await agent.post('/admin/me/availability').type('form').set(HTML).send({ _csrf: token, available: 'no' }).expect(303);
    expect(await available(advisor.id)).toBe(false);
    const again = await agent.post('/admin/me/availability').type('form').set(HTML).send({ _csrf: token, available: 'no' }).expect(303);
    expect(again.headers.location).toBe('/admin/leads');
    expect(await t.db.auditEvent.count({ where: { action: 'advisor.availability_changed', actorId: advisor.id } })).toBe(2);
  });

  test.each([
    ['another site', 'https://evil.example/admin'],
    ['a protocol-relative address', '//evil.example/admin'],
    ['the login page', '/admin/login'],
    ['a public page', '/articles'],
  ])('when `next` is %s, then the switch goes back to /admin/leads instead', async (_case, next) => {
    const advisor = await addStaff(t);
    const agent = await signIn(t, advisor);
    const token = csrfFrom((await agent.get('/admin/leads').set(HTML).expect(200)).text);
    const response = await agent.post('/admin/me/availability').type('form').set(HTML).send({ _csrf: token, available: 'yes', next }).expect(303);
    expect(response.headers.location).toBe('/admin/leads');
  });

  test('when a script with a session posts, then it gets JSON', async () => {
    const advisor = await addStaff(t);
    const agent = await signIn(t, advisor);
    const token = csrfFrom((await agent.get('/admin/leads').set(HTML).expect(200)).text);
    const response = await agent.post('/admin/me/availability').type('form').set('Accept', 'application/json').send({ _csrf: token, available: 'yes' }).expect(200);
    expect(response.body).toEqual({ available: true, changed: true });
  });

  test.each([
    ['missing', {}],
    ['true', { available: 'true' }],
    ['YES', { available: 'YES' }],
    ['empty', { available: '' }],
  ])('when `available` is %s, then it is a 400 saying it must be yes or no, and nothing changes', async (_case, fields) => {
    const advisor = await addStaff(t);
    const agent = await signIn(t, advisor);
    const token = csrfFrom((await agent.get('/admin/leads').set(HTML).expect(200)).text);
    const response = await agent.post('/admin/me/availability').type('form').set('Accept', 'application/json').send({ _csrf: token, ...fields }).expect(400);
    expect(response.body).toEqual({
      error: 'invalid_availability',
      message: 'Say whether you are taking leads: "available" must be yes or no.',
      issues: [{ path: 'available', message: 'Must be yes or no' }],
    });
    const page = await agent.post('/admin/me/availability').type('form').set(HTML).send({ _csrf: token, ...fields }).expect(400);
    expect(decodeEntities(page.text)).toContain('"available" must be yes or no');
    expect(await available(advisor.id)).toBe(false);
  });

  test('when the CSRF token is missing or wrong, then it is 403 and nothing changes', async () => {
    const advisor = await addStaff(t);
    const agent = await signIn(t, advisor);
    await agent.post('/admin/me/availability').type('form').set(HTML).send({ available: 'yes' }).expect(403);
    await agent.post('/admin/me/availability').type('form').set(HTML).send({ available: 'yes', _csrf: 'forged' }).expect(403);
    expect(await available(advisor.id)).toBe(false);
    expect(await t.db.auditEvent.count({ where: { action: 'advisor.availability_changed', actorId: advisor.id } })).toBe(0);
  });

  test('when nobody is signed in, or only an API token is used, then availability cannot be changed', async () => {
    const advisor = await addStaff(t);
    await request(t.app).post('/admin/me/availability').type('form').set(HTML).send({ available: 'yes' }).expect(303).expect('Location', '/admin/login');
    const token = await issueToken(t, advisor);
    await request(t.app).post('/admin/me/availability').set('Authorization', `Bearer ${token}`).type('form').send({ available: 'yes' }).expect(403);
    expect(await available(advisor.id)).toBe(false);
  });
});
