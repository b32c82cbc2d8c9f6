import type { TestApp } from '../../support/test-app';
import { decodeEntities } from '../../support/inquiries';
import { addStaff, createStaffTestApp, csrfFrom, insertLead, signIn, type TestStaff } from './staff-helpers';

const HTML = { Accept: 'text/html' };

/** The form body of a row: repeated `programs` fields, as a browser sends ticked boxes. */
function rowForm(csrf: string, fields: { available?: string; programs?: string[] }): string {
  const body = new URLSearchParams({ _csrf: csrf });
  if (fields.available !== undefined) body.append('available', fields.available);
  for (const code of fields.programs ?? []) body.append('programs', code);
  return body.toString();
}

describe('The team page (/admin/team)', () => {
  let t: TestApp;
  let admin: TestStaff;
  beforeAll(async () => {
    t = await createStaffTestApp();
    admin = await addStaff(t, { role: 'admin', name: 'Morgan Manager' });
  });
  afterAll(() => t.close());

  /** The <tr> of one account on the page. */
  function rowOf(html: string, id: string): string {
    const match = new RegExp(`<tr id="advisor-${id}">([\\s\\S]*?)</tr>`).exec(html);
    if (!match) throw new Error(`no row for ${id}`);
    return decodeEntities(match[1]!);
  }

  test('when an admin opens the team page, then each advisor shows role, account state, availability, program names, last assignment and leads awaiting a first response', async () => {
    const nora = await addStaff(t, { name: 'Nora Nurse' });
    await t.db.staffUser.update({ where: { id: nora.id }, data: { available: true, programs: ['NUR-BSN', 'HCA-BS'], lastAssignedAt: new Date('2026-11-30T14:30:00.000Z') } });
    const gone = await addStaff(t, { name: 'Gale Gone' });
    await t.db.staffUser.update({ where: { id: gone.id }, data: { disabledAt: t.clock.now() } });
    for (const [status, responded] of [['new', false], ['new', false], ['new', true], ['contacted', true]] as const) {
      const lead = await insertLead(t, { status });
      await t.db.lead.update({ where: { id: lead.id }, data: { assignedToId: nora.id, assignedAt: t.clock.now(), firstResponseAt: responded ? t.clock.now() : null } });
    }

    const agent = await signIn(t, admin);
    const page = await agent.get('/admin/team').set(HTML).expect(200);
    expect(page.text).toContain('<a href="/admin/team" aria-current="page">Team</a>');

    const row = rowOf(page.text, nora.id);
    expect(row).toContain('Nora Nurse');
    expect(row).toContain(nora.email);
    expect(row).toMatch(/<td>Staff<\/td>\s*<td>Enabled<\/td>\s*<td>Yes<\/td>\s*<td>Nursing \(RN-to-BSN\), Healthcare Administration<\/td>/);
    expect(row).toContain('<time datetime="2026-11-30T14:30:00.000Z">Mon, Nov 30, 2026, 9:30 AM EST</time>');
    expect(row).toMatch(/<\/td>\s*<td>2<\/td>\s*<td>/);
    expect(row).toContain('<input type="checkbox" name="programs" value="NUR-BSN" checked>');
    expect(row).toContain('<input type="checkbox" name="programs" value="IT-AS">');
    // A program no longer offered is not offered as a box unless the advisor still has it.
    expect(row).not.toContain('value="PLS-CERT"');

    const own = rowOf(page.text, admin.id);
    expect(own).toMatch(/<td>Administrator<\/td>\s*<td>Enabled<\/td>\s*<td>No<\/td>\s*<td>Every program<\/td>\s*<td class="nowrap">Never<\/td>\s*<td>0<\/td>/);
    expect(rowOf(page.text, gone.id)).toMatch(/<td>Disabled<\/td>/);
    expect(rowOf(page.text, gone.id)).toContain('A disabled account cannot take leads.');
  });

  test('when a staff member (not an admin) asks for the team page or posts a change, then it is 403 and there is no Team link', async () => {
    const staff = await addStaff(t);
    const agent = await signIn(t, staff);
    const leads = await agent.get('/admin/leads').set(HTML).expect(200);
    expect(leads.text).not.toContain('href="/admin/team"');
    await agent.get('/admin/team').set(HTML).expect(403);
    await agent.post(`/admin/team/${staff.id}`).type('form').set(HTML).send(rowForm(csrfFrom(leads.text), { available: 'yes' })).expect(403);
    expect((await t.db.staffUser.findUniqueOrThrow({ where: { id: staff.id } })).available).toBe(false);
  });

  test('when an admin saves a row, then availability and programs change, each audited with the admin as actor, and the page says so', async () => {
    const advisor = await addStaff(t, { name: 'Ike Tech' });
    const agent = await signIn(t, admin);
    const csrf = csrfFrom((await agent.get('/admin/team').set(HTML).expect(200)).text);

    const response = await agent.post(`/admin/team/${advisor.id}`).type('form').set(HTML).send(rowForm(csrf, { available: 'yes', programs: ['IT-AS', 'CYB-CERT'] })).expect(303);
    expect(response.headers.location).toBe('/admin/team');
    expect(await t.db.staffUser.findUniqueOrThrow({ where: { id: advisor.id } })).toMatchObject({ available: true, programs: ['CYB-CERT', 'IT-AS'] });
    const page = await agent.get('/admin/team').set(HTML).expect(200);
    expect(page.text).toContain('Saved the changes for Ike Tech.');
    expect(rowOf(page.text, advisor.id)).toContain('<td>Cybersecurity, Information Technology</td>');

    const events = await t.db.auditEvent.findMany({ where: { action: { startsWith: 'advisor.' }, details: { path: ['staffUserId'], equals: advisor.id } }, orderBy: { action: 'asc' } });
    expect(events).toMatchObject([
      { action: 'advisor.availability_changed', actorId: admin.id, via: 'web', details: { staffUserId: advisor.id, available: true } },
      { action: 'advisor.programs_changed', actorId: admin.id, via: 'web', details: { staffUserId: advisor.id, from: 'all', to: 'CYB-CERT,IT-AS' } },
    ]);

    // No box ticked: every program again.
    await agent.post(`/admin/team/${advisor.id}`).type('form').set(HTML).send(rowForm(csrf, { available: 'no' })).expect(303);
    expect(await t.db.staffUser.findUniqueOrThrow({ where: { id: advisor.id } })).toMatchObject({ available: false, programs: [] });
  });

  test('when a row is saved unchanged, then nothing is audited', async () => {
    const advisor = await addStaff(t);
    const agent = await signIn(t, admin);
    const csrf = csrfFrom((await agent.get('/admin/team').set(HTML).expect(200)).text);
    await agent.post(`/admin/team/${advisor.id}`).type('form').set(HTML).send(rowForm(csrf, { available: 'no' })).expect(303);
    expect(await t.db.auditEvent.count({ where: { action: { startsWith: 'advisor.' }, details: { path: ['staffUserId'], equals: advisor.id } } })).toBe(0);
  });

  test('when a program code is unknown, then it is a 400 team page naming it, and nothing changes', async () => {
    const advisor = await addStaff(t);
    const agent = await signIn(t, admin);
    const csrf = csrfFrom((await agent.get('/admin/team').set(HTML).expect(200)).text);
    const page = await agent.post(`/admin/team/${advisor.id}`).type('form').set(HTML).send(rowForm(csrf, { available: 'yes', programs: ['IT-AS', 'ART-BA'] })).expect(400);
    const text = decodeEntities(page.text);
    expect(text).toContain('The change could not be saved');
    expect(text).toContain(`<a href="#advisor-${advisor.id}">There is no program with the code "ART-BA". Choose programs from the list.</a>`);
    expect(text).toMatch(new RegExp(`<tr id="advisor-${advisor.id}">[\\s\\S]*?<details open>`));
    expect(await t.db.staffUser.findUniqueOrThrow({ where: { id: advisor.id } })).toMatchObject({ available: false, programs: [] });

    const json = await agent.post(`/admin/team/${advisor.id}`).type('form').set('Accept', 'application/json').send(rowForm(csrf, { available: 'yes', programs: ['ART-BA'] })).expect(400);
    expect(json.body).toMatchObject({ error: 'unknown_programs' });
  });

  test('when `available` is not yes or no, then it is a 400 and nothing changes', async () => {
    const advisor = await addStaff(t);
    const agent = await signIn(t, admin);
    const csrf = csrfFrom((await agent.get('/admin/team').set(HTML).expect(200)).text);
    const page = await agent.post(`/admin/team/${advisor.id}`).type('form').set(HTML).send(rowForm(csrf, { available: 'maybe', programs: ['IT-AS'] })).expect(400);
    expect(decodeEntities(page.text)).toContain('"available" must be yes or no');
    expect(await t.db.staffUser.findUniqueOrThrow({ where: { id: advisor.id } })).toMatchObject({ available: false, programs: [] });
  });

  test('when a disabled account is made available, then it is a 400 and it stays unavailable; its programs can still be changed', async () => {
    const advisor = await addStaff(t);
    await t.db.staffUser.update({ where: { id: advisor.id }, data: { disabledAt: t.clock.now() } });
    const agent = await signIn(t, admin);
    const csrf = csrfFrom((await agent.get('/admin/team').set(HTML).expect(200)).text);
    const page = await agent.post(`/admin/team/${advisor.id}`).type('form').set(HTML).send(rowForm(csrf, { available: 'yes' })).expect(400);
    expect(decodeEntities(page.text)).toContain('This account is disabled, so it cannot take leads. Nothing was changed.');
    expect((await t.db.staffUser.findUniqueOrThrow({ where: { id: advisor.id } })).available).toBe(false);

    await agent.post(`/admin/team/${advisor.id}`).type('form').set(HTML).send(rowForm(csrf, { available: 'no', programs: ['HCA-BS'] })).expect(303);
    expect((await t.db.staffUser.findUniqueOrThrow({ where: { id: advisor.id } })).programs).toEqual(['HCA-BS']);
  });

  test.each([
    ['an id that is not a uuid', 'nobody'],
    ['an unknown uuid', '0190f0a0-0000-7000-8000-000000000000'],
  ])('when the row is %s, then it is 404', async (_case, id) => {
    const agent = await signIn(t, admin);
    const csrf = csrfFrom((await agent.get('/admin/team').set(HTML).expect(200)).text);
    await agent.post(`/admin/team/${id}`).type('form').set(HTML).send(rowForm(csrf, { available: 'yes' })).expect(404);
  });

  test('when the CSRF token is missing, then it is 403 and nothing changes', async () => {
    const advisor = await addStaff(t);
    const agent = await signIn(t, admin);
    await agent.post(`/admin/team/${advisor.id}`).type('form').set(HTML).send(rowForm('forged', { available: 'yes' }).replace('_csrf=forged&', '')).expect(403);
    await agent.post(`/admin/team/${advisor.id}`).type('form').set(HTML).send(rowForm('forged', { available: 'yes' })).expect(403);
    expect((await t.db.staffUser.findUniqueOrThrow({ where: { id: advisor.id } })).available).toBe(false);
  });
});
