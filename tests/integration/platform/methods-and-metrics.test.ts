import request from 'supertest';
import type { TestApp } from '../../support/test-app';
import { addStaff, createStaffTestApp, insertLead, signIn } from '../staff/staff-helpers';

describe('Unsupported methods, and the route labels of /metrics', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createStaffTestApp();
  });
  afterAll(() => t.close());

  test.each(['/', '/articles/how-online-classes-work', '/api/inquiries', '/inquiries', '/admin/leads', '/api/office-hours'])(
    'when OPTIONS %s is asked, then it is a 404 with no Allow list, like PUT or DELETE',
    async (path) => {
      const response = await request(t.app).options(path).set('Accept', 'application/json');
      expect(response.status).toBe(404);
      expect(response.headers.allow).toBeUndefined();
      expect(response.body).toEqual({ error: 'not_found', message: 'Nothing here answers that method.' });
      expect((await request(t.app).put(path).set('Accept', 'application/json')).status).toBe(404);
    },
  );

  test('when staff pages, exports and refusals are served, then each is labelled with its own route pattern, never /admin/admin', async () => {
    const agent = await signIn(t, await addStaff(t, { role: 'admin' }));
    const lead = await insertLead(t);
    for (const path of ['/admin/leads', `/admin/leads/${lead.id}`, '/admin/audit', '/admin/leads/export.csv', '/admin/leads/export.ndjson']) {
      await agent.get(path).set('Accept', 'text/html').expect(200);
    }
    await request(t.app).get('/admin/leads').set('Accept', 'application/json').expect(401);
    await request(t.app).get('/admin/leads/export.csv').set('Accept', 'application/json').expect(401);
    const text = (await request(t.app).get('/metrics').expect(200)).text;
    const routes = new Set([...text.matchAll(/http_request_duration_seconds_count\{method="[A-Z]+",route="([^"]*)"/g)].map((match) => match[1]!));
    expect([...routes].filter((route) => route.startsWith('/admin/admin') || route.includes(','))).toEqual([]);
    for (const route of ['/admin/leads', '/admin/leads/:id', '/admin/audit', '/admin/leads/export.csv', '/admin/leads/export.ndjson', '/admin/login']) {
      expect(routes).toContain(route);
    }
  });
});
