import request from 'supertest';
import type { TestApp } from '../../support/test-app';
import { addStaff, createStaffTestApp, csrfFrom, insertLead, issueToken, nextIp, signIn } from './staff-helpers';

const HTML = { Accept: 'text/html' };
const PAYLOAD = `<script>alert('xss')</script>"'><img src=x onerror=alert(1)>`;

/** Nothing the payload could run as: no script tag, no new element, no attribute breakout. */
function expectInert(html: string): void {
  expect(html).not.toContain('<script>alert');
  expect(html).not.toContain('<img src=x');
  expect(html).not.toContain(`"'><`);
  expect(html).toContain('&lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt;');
}

describe('Staff pages escape what leads and staff typed', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createStaffTestApp();
  });
  afterAll(() => t.close());

  test('when every field of a lead, its program, its consent record and a staff name carry markup, then the list, the lead, the audit log and the login page show it as text', async () => {
    await t.db.program.create({ data: { code: `X-${PAYLOAD}`, name: PAYLOAD, level: PAYLOAD, active: true } });
    const admin = await addStaff(t, { role: 'admin', name: PAYLOAD });
    const first = await insertLead(t, { email: `first${PAYLOAD}@example.org` });
    const lead = await insertLead(t, {
      firstName: PAYLOAD, lastName: PAYLOAD, email: `${PAYLOAD}@example.org`, phone: PAYLOAD, postalCode: PAYLOAD, programCode: `X-${PAYLOAD}`,
      educationLevel: PAYLOAD, message: PAYLOAD, articleSlug: PAYLOAD, utmSource: PAYLOAD, utmMedium: PAYLOAD, utmCampaign: PAYLOAD, utmTerm: PAYLOAD,
      utmContent: PAYLOAD, referrer: `javascript:${PAYLOAD}`, duplicateOfId: first.id,
      consent: { text: PAYLOAD, version: PAYLOAD, sha256: PAYLOAD.padEnd(64, 'x').slice(0, 64), pageUrl: PAYLOAD, ip: PAYLOAD, userAgent: PAYLOAD },
    });
    const agent = await signIn(t, admin);

    const list = await agent.get('/admin/leads').set(HTML).expect(200);
    expectInert(list.text);
    expect(list.text).toContain(`href="/admin/leads/${lead.id}"`);

    const detail = await agent.get(`/admin/leads/${lead.id}`).set(HTML).expect(200);
    expectInert(detail.text);
    expect(detail.text).not.toContain('href="javascript:');
    // Change its status, so the history (with the staff name) and the audit log have something to show.
    await agent.post(`/admin/leads/${lead.id}/status`).type('form').set(HTML).send({ _csrf: csrfFrom(detail.text), status: 'contacted' }).expect(303);
    expectInert((await agent.get(`/admin/leads/${lead.id}`).set(HTML).expect(200)).text);

    // An export whose search term is the payload puts it in the audit log.
    const token = await issueToken(t, admin, PAYLOAD);
    await request(t.app).get(`/admin/leads/export.csv?q=${encodeURIComponent(PAYLOAD)}`).set('Authorization', `Bearer ${token}`).expect(200);
    const audit = await agent.get('/admin/audit').set(HTML).expect(200);
    expectInert(audit.text);

    const filtered = await agent.get(`/admin/leads?q=${encodeURIComponent(PAYLOAD)}`).set(HTML).expect(200);
    expectInert(filtered.text);
    const refused = await agent.get(`/admin/leads?article=${encodeURIComponent(PAYLOAD)}&q=${encodeURIComponent(PAYLOAD)}`).set(HTML).expect(400);
    expectInert(refused.text);
  });

  test('when the login form is sent back with markup in the email, then the page shows it as text', async () => {
    const login = request.agent(t.app);
    const ip = nextIp();
    const page = await login.get(`/admin/login?next=${encodeURIComponent(`/admin/${PAYLOAD}`)}`).set(HTML).set('X-Forwarded-For', ip).expect(200);
    const response = await login.post('/admin/login').type('form').set(HTML).set('X-Forwarded-For', ip).send({ _csrf: csrfFrom(page.text), email: PAYLOAD, password: PAYLOAD }).expect(401);
    expect(response.text).not.toContain('<script>alert');
    expect(response.text).not.toContain('<img src=x');
    expect(response.text).toContain('&lt;script&gt;');
  });
});
