import request from 'supertest';
import { PAGE_SIZE } from '../../../src/leads';
import { decodeEntities } from '../../support/inquiries';
import type { TestApp } from '../../support/test-app';
import { addStaff, createStaffTestApp, csrfFrom, insertLead, issueToken, signIn } from './staff-helpers';

const HTML = { Accept: 'text/html' };
/** Lead ids in the order a page lists them. */
const idsIn = (html: string) => [...html.matchAll(/<th scope="row"><a href="\/admin\/leads\/([0-9a-f-]{36})">/g)].map((match) => match[1]!);

describe('Lead review (/admin/leads)', () => {
  let t: TestApp;
  let agent: Awaited<ReturnType<typeof signIn>>;

  beforeEach(async () => {
    // Each test counts and pages its own leads, so each gets an empty database.
    t = await createStaffTestApp();
    agent = await signIn(t, await addStaff(t));
  });
  afterEach(() => t.close());

  test('when leads exist, then the list shows them newest first with name, contact, program, status and article, and hides spam', async () => {
    const older = await insertLead(t, { firstName: 'Ada', lastName: 'Older', createdAt: new Date('2026-11-02T15:00:00Z') });
    const newer = await insertLead(t, { firstName: 'Bo', lastName: 'Newer', email: 'bo.newer@example.org', phone: '+14155550100', createdAt: new Date('2026-11-03T15:00:00Z'), status: 'contacted', programCode: 'IT-AS', articleSlug: 'how-online-classes-work' });
    await insertLead(t, { firstName: 'Spam', lastName: 'Bot', status: 'spam', createdAt: new Date('2026-11-04T15:00:00Z') });
    const page = await agent.get('/admin/leads').set(HTML).expect(200);
    expect(idsIn(page.text)).toEqual([newer.id, older.id]);
    const html = decodeEntities(page.text);
    expect(html).toContain('Bo Newer');
    expect(html).toContain('bo.newer@example.org');
    expect(html).toContain('+14155550100');
    expect(html).toContain('Information Technology (Associate)');
    expect(html).toContain('<span class="status status--contacted">Contacted</span>');
    expect(html).toContain('how-online-classes-work');
    expect(html).toContain('Tue, Nov 3, 2026, 10:00 AM EST');
    expect(html).not.toContain('Spam Bot');
    expect(page.headers['cache-control']).toBe('no-store');
  });

  test('when the list is shown, then it counts leads per status under the current filters, and the counts link to each status', async () => {
    await insertLead(t, { status: 'new' });
    await insertLead(t, { status: 'new' });
    await insertLead(t, { status: 'enrolled' });
    await insertLead(t, { status: 'spam' });
    await insertLead(t, { status: 'new', programCode: 'IT-AS' });
    const page = await agent.get('/admin/leads?program=HCA-BS').set(HTML).expect(200);
    const tab = (label: string) => new RegExp(`>${label} <span class="status-tabs__count">(\\d+)</span>`).exec(decodeEntities(page.text))?.[1];
    expect(tab('All but spam')).toBe('3');
    expect(tab('New')).toBe('2');
    expect(tab('Enrolled')).toBe('1');
    expect(tab('Spam')).toBe('1');
    expect(tab('Contacted')).toBe('0');
    expect(decodeEntities(page.text)).toContain('href="/admin/leads?program=HCA-BS&status=spam"');
  });

  test.each([
    ['status=spam', { status: 'spam' as const }],
    ['status=contacted', { status: 'contacted' as const }],
    ['status=contacted,enrolled', { status: 'contacted' as const }],
    ['program=IT-AS', { programCode: 'IT-AS' }],
    ['article=how-online-classes-work', { articleSlug: 'how-online-classes-work' }],
    ['q=zanzibar', { lastName: 'Zanzibar' }],
    ['q=ZOË%20ZANZIBAR', { firstName: 'Zoë', lastName: 'Zanzibar' }],
    ['q=unique-box%40example', { email: 'unique-box@example.org' }],
    ['q=(415)%20555-0100', { phone: '+14155550100' }],
    ['from=2026-11-10&to=2026-11-10', { createdAt: new Date('2026-11-11T04:59:59.999Z') }],
    ['from=2026-11-10T12:00:00Z&to=2026-11-10T15:00:00Z', { createdAt: new Date('2026-11-10T12:00:00Z') }],
    ['from=2026-11-10&to=2026-11-10T12:00:00-05:00', { createdAt: new Date('2026-11-10T17:00:00Z') }],
  ])('when the list is filtered by %s, then exactly the matching leads are shown', async (query, fields) => {
    const match = await insertLead(t, { createdAt: new Date('2026-11-10T15:00:00Z'), ...fields });
    // Leads that differ from the match in the filtered field only.
    await insertLead(t, { createdAt: new Date('2026-11-09T15:00:00Z'), lastName: 'Other', email: 'other@example.org', phone: '+12125550199' });
    await insertLead(t, { createdAt: new Date('2026-11-11T05:00:00Z'), lastName: 'Later', email: 'later@example.org', phone: '+12125550198', programCode: 'BUS-MBA', articleSlug: null });
    const page = await agent.get(`/admin/leads?${query}`).set(HTML).expect(200);
    expect(idsIn(page.text)).toEqual([match.id]);
  });

  test('when the filter search contains LIKE wildcards, then they match literally', async () => {
    await insertLead(t, { lastName: 'Percent' });
    await agent.get('/admin/leads?q=%25').set(HTML).expect(200).then((page) => expect(idsIn(page.text)).toEqual([]));
    await agent.get('/admin/leads?q=_').set(HTML).expect(200).then((page) => expect(idsIn(page.text)).toEqual([]));
  });

  test.each([
    ['from=yesterday', 'Enter the start date as YYYY-MM-DD'],
    ['to=2026-02-30', 'Enter the end date as YYYY-MM-DD'],
    ['from=2026-11-10&to=2026-11-01', 'The end date must be on or after the start date.'],
    ['status=maybe', 'Status must be one of new, contacted, qualified, enrolled, not-interested, spam.'],
    ['program=%3Cscript%3E', 'Program must be a program code'],
    ['article=Not%20A%20Slug', 'Article must be an article slug'],
    ['q=a&q=b', 'Give q once.'],
    [`q=${'x'.repeat(201)}`, 'Search for 200 characters or fewer.'],
    ['after=42', 'after must be a lead id.'],
    ['after=0190f0a0-0000-7000-8000-000000000000&before=0190f0a0-0000-7000-8000-000000000001', 'Give after or before, not both.'],
  ])('when a filter is malformed (%s), then the page answers 400 with the form and what is wrong', async (query, message) => {
    const page = await agent.get(`/admin/leads?${query}`).set(HTML).expect(400);
    expect(decodeEntities(page.text)).toContain(message);
    expect(page.text).toContain('<form class="staff-filters"');
  });

  test('when a script asks for a malformed filter, then it gets a 400 JSON error naming the field', async () => {
    const token = await issueToken(t, await addStaff(t));
    const response = await request(t.app).get('/admin/leads/export.csv?from=soon').set('Authorization', `Bearer ${token}`).expect(400);
    expect(response.body).toMatchObject({ error: 'invalid_filter', issues: [{ path: 'from' }] });
  });

  test('when there are more leads than a page, then Older and Newer walk through them without gaps or repeats, keeping the filters', async () => {
    const leads = [];
    for (let index = 0; index < PAGE_SIZE * 2 + 3; index += 1) leads.push(await insertLead(t, { programCode: 'HCA-BS' }));
    await insertLead(t, { programCode: 'IT-AS' });
    const expected = leads.map((lead) => lead.id).reverse();

    const seen: string[] = [];
    let page = await agent.get('/admin/leads?program=HCA-BS').set(HTML).expect(200);
    expect(page.text).not.toContain('rel="prev"');
    for (;;) {
      seen.push(...idsIn(page.text));
      const older = /<a rel="next" href="([^"]+)">/.exec(page.text)?.[1];
      if (!older) break;
      expect(decodeEntities(older)).toContain('program=HCA-BS');
      page = await agent.get(decodeEntities(older)).set(HTML).expect(200);
    }
    expect(seen).toEqual(expected);
    expect(idsIn(page.text)).toHaveLength(3);

    // And back up from the last page.
    const newer = decodeEntities(/<a rel="prev" href="([^"]+)">/.exec(page.text)![1]!);
    const middle = await agent.get(newer).set(HTML).expect(200);
    expect(idsIn(middle.text)).toEqual(expected.slice(PAGE_SIZE, PAGE_SIZE * 2));
    const top = await agent.get(decodeEntities(/<a rel="prev" href="([^"]+)">/.exec(middle.text)![1]!)).set(HTML).expect(200);
    expect(idsIn(top.text)).toEqual(expected.slice(0, PAGE_SIZE));
    expect(top.text).not.toContain('rel="prev"');
  });

  test('when exactly one page of leads exists, then there is no Older link', async () => {
    for (let index = 0; index < PAGE_SIZE; index += 1) await insertLead(t);
    const page = await agent.get('/admin/leads').set(HTML).expect(200);
    expect(idsIn(page.text)).toHaveLength(PAGE_SIZE);
    expect(page.text).not.toContain('rel="next"');
    expect(page.text).not.toContain('rel="prev"');
  });

  test('when there are no leads, then the page says so', async () => {
    const page = await agent.get('/admin/leads').set(HTML).expect(200);
    expect(page.text).toContain('No leads match these filters.');
  });

  test('when a lead is opened, then every field, the attribution, the duplicate links and the consent record are shown', async () => {
    const first = await insertLead(t, { email: 'ana.ruiz@example.org', createdAt: new Date('2026-11-02T15:00:00Z') });
    const lead = await insertLead(t, {
      firstName: 'Ana', lastName: 'Ruiz', email: 'ana.ruiz@example.org', phone: '+442071838750', postalCode: 'SW1A 1AA', programCode: 'NUR-BSN',
      educationLevel: 'bachelor', message: 'Line one\nLine two', articleSlug: 'nursing-prerequisites-explained', utmSource: 'newsletter', utmMedium: 'email',
      utmCampaign: 'fall', utmTerm: 'nursing', utmContent: 'cta', referrer: 'https://search.example/?q=nursing', duplicateOfId: first.id,
      createdAt: new Date('2026-11-03T15:00:00Z'), consent: { text: 'I agree to be contacted.', version: '2026-11-01', sha256: 'b'.repeat(64), pageUrl: 'http://college.test/articles/nursing', ip: '203.0.113.9', userAgent: 'Firefox/140' },
    });
    const page = await agent.get(`/admin/leads/${lead.id}`).set(HTML).expect(200);
    const html = decodeEntities(page.text);
    for (const text of [
      'Ana Ruiz', 'ana.ruiz@example.org', '+442071838750', 'SW1A 1AA', 'Nursing (RN-to-BSN) (Bachelor\'s)', 'NUR-BSN', "Bachelor's degree", 'Line one\nLine two',
      'href="/articles/nursing-prerequisites-explained"', 'newsletter', 'email', 'fall', 'nursing', 'cta', 'https://search.example/?q=nursing',
      `href="/admin/leads/${first.id}"`, 'I agree to be contacted.', '2026-11-01', 'b'.repeat(64), 'http://college.test/articles/nursing', '203.0.113.9', 'Firefox/140',
      `href="/admin/leads/${lead.id}/consent"`, 'Tue, Nov 3, 2026, 10:00 AM EST',
    ]) expect(html).toContain(text);

    const original = await agent.get(`/admin/leads/${first.id}`).set(HTML).expect(200);
    expect(original.text).toContain(`href="/admin/leads/${lead.id}"`);
    expect(original.text).toContain('They asked again');
  });

  test.each(['/admin/leads/not-a-uuid', '/admin/leads/0190f0a0-0000-7000-8000-000000000000', '/admin/leads/0190f0a0-0000-7000-8000-000000000000/consent'])(
    'when %s does not exist, then it is a 404',
    async (path) => {
      await agent.get(path).set(HTML).expect(404);
    },
  );

  test('when the consent record is asked for, then it comes as JSON with exactly the recorded fields', async () => {
    const lead = await insertLead(t, { consent: { text: 'I agree.', version: 'v7', sha256: 'c'.repeat(64), pageUrl: 'http://college.test/a', ip: '198.51.100.4', userAgent: 'Safari' } });
    const response = await agent.get(`/admin/leads/${lead.id}/consent`).expect(200).expect('Content-Type', /application\/json/);
    expect(response.body).toEqual({
      text: 'I agree.', version: 'v7', sha256: 'c'.repeat(64), pageUrl: 'http://college.test/a', consentedAt: lead.createdAt.toISOString(), ip: '198.51.100.4', userAgent: 'Safari',
    });
    const token = await issueToken(t, await addStaff(t));
    await request(t.app).get(`/admin/leads/${lead.id}/consent`).set('Authorization', `Bearer ${token}`).expect(200);
  });

  test('when a person changes the status, then it is stored, audited with who and what, shown in the history, and confirmed', async () => {
    const lead = await insertLead(t);
    const page = await agent.get(`/admin/leads/${lead.id}`).set(HTML).expect(200);
    expect(page.text).toContain(`<form method="post" action="/admin/leads/${lead.id}/status"`);
    expect(page.text).toContain('<label for="status">');
    const response = await agent.post(`/admin/leads/${lead.id}/status`).type('form').set(HTML).send({ _csrf: csrfFrom(page.text), status: 'not-interested' }).expect(303);
    expect(response.headers.location).toBe(`/admin/leads/${lead.id}`);
    expect((await t.db.lead.findUniqueOrThrow({ where: { id: lead.id } })).status).toBe('not_interested');

    const events = await t.db.auditEvent.findMany({ where: { leadId: lead.id } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ action: 'lead.status_changed', via: 'web', details: { from: 'new', to: 'not-interested' } });
    expect(events[0]!.actorId).not.toBeNull();

    const after = decodeEntities((await agent.get(`/admin/leads/${lead.id}`).set(HTML).expect(200)).text);
    expect(after).toContain('Status changed from New to Not interested.');
    expect(after).toMatch(/New → Not interested by Avery Advisor/);
    expect(after).toContain('<option value="not-interested" selected>');
    // The flash message is shown once.
    expect(decodeEntities((await agent.get(`/admin/leads/${lead.id}`).set(HTML)).text)).not.toContain('Status changed from');
  });

  test('when the same status is saved again, then nothing is audited', async () => {
    const lead = await insertLead(t, { status: 'qualified' });
    const page = await agent.get(`/admin/leads/${lead.id}`).set(HTML).expect(200);
    await agent.post(`/admin/leads/${lead.id}/status`).type('form').set(HTML).send({ _csrf: csrfFrom(page.text), status: 'qualified' }).expect(303);
    expect(await t.db.auditEvent.count({ where: { leadId: lead.id } })).toBe(0);
  });

  test.each([
    ['an unknown status', { status: 'won' }, 400],
    ['no status', {}, 400],
  ])('when the status form sends %s, then it is refused and nothing changes', async (_case, fields, status) => {
    const lead = await insertLead(t);
    const page = await agent.get(`/admin/leads/${lead.id}`).set(HTML).expect(200);
    await agent.post(`/admin/leads/${lead.id}/status`).type('form').set(HTML).send({ _csrf: csrfFrom(page.text), ...fields }).expect(status);
    expect((await t.db.lead.findUniqueOrThrow({ where: { id: lead.id } })).status).toBe('new');
  });

  test('when the status form has no CSRF token, then it is 403 and nothing changes', async () => {
    const lead = await insertLead(t);
    await agent.post(`/admin/leads/${lead.id}/status`).type('form').set(HTML).send({ status: 'enrolled' }).expect(403);
    await agent.post(`/admin/leads/${lead.id}/status`).type('form').set(HTML).send({ status: 'enrolled', _csrf: 'nope' }).expect(403);
    expect((await t.db.lead.findUniqueOrThrow({ where: { id: lead.id } })).status).toBe('new');
  });

  test('when the status of a lead that does not exist is changed, then it is a 404', async () => {
    const page = await agent.get('/admin/leads').set(HTML).expect(200);
    await agent.post('/admin/leads/0190f0a0-0000-7000-8000-000000000000/status').type('form').set(HTML).send({ _csrf: csrfFrom(page.text), status: 'enrolled' }).expect(404);
  });

  test('when a visitor reads public pages, then no session cookie is ever set', async () => {
    const response = await request(t.app).get('/').expect(200);
    expect(response.headers['set-cookie']).toBeUndefined();
  });
});
