import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { createStaffCommands } from '../../../src/staff/cli/staff-commands';
import request from 'supertest';
import { decodeEntities } from '../../support/inquiries';
import type { TestApp } from '../../support/test-app';
import { addStaff, commandContext, createStaffTestApp, csrfFrom, insertLead, issueToken, signIn, type TestStaff } from './staff-helpers';

const HTML = { Accept: 'text/html' };
/** Friday 27 November 2026, 20:55 in New York: five minutes before closing. */
const FRIDAY_EVENING = '2026-11-28T01:55:00.000Z';
/** Monday 30 November 2026, 9:10 in New York: ten minutes after opening. */
const MONDAY_9_10 = '2026-11-30T14:10:00.000Z';

type Agent = Awaited<ReturnType<typeof signIn>>;

/** The response clock as the router would have set it on assignment. */
async function assign(t: TestApp, leadId: string, staff: TestStaff | null, clock: { dueAt: string; respondBy: string }) {
  await t.db.lead.update({
    where: { id: leadId },
    data: { assignedToId: staff?.id ?? null, assignedAt: staff ? new Date(clock.dueAt) : null, dueAt: new Date(clock.dueAt), respondBy: new Date(clock.respondBy) },
  });
}

async function logContact(agent: Agent, leadId: string, fields: Record<string, string>, headers: Record<string, string> = HTML) {
  const page = await agent.get(`/admin/leads/${leadId}`).set(HTML).expect(200);
  return agent.post(`/admin/leads/${leadId}/contacts`).type('form').set(headers).send({ _csrf: csrfFrom(page.text), ...fields });
}

async function changeStatus(agent: Agent, leadId: string, status: string) {
  const page = await agent.get(`/admin/leads/${leadId}`).set(HTML).expect(200);
  await agent.post(`/admin/leads/${leadId}/status`).type('form').set(HTML).send({ _csrf: csrfFrom(page.text), status }).expect(303);
}

const responseOf = (t: TestApp, id: string) => t.db.lead.findUniqueOrThrow({ where: { id }, select: { firstResponseAt: true, responseSeconds: true } });

describe('Response clock: contacts, first response, queue, filters, export, metrics', () => {
  let t: TestApp;
  let advisor: TestStaff;
  let agent: Agent;

  beforeEach(async () => {
    t = await createStaffTestApp();
    advisor = await addStaff(t, { name: 'Riley Advisor' });
    agent = await signIn(t, advisor);
  });
  afterEach(() => t.close());

  describe('logging a contact', () => {
    test('when an advisor logs a call, then it is in the log, it is the first response in office time across the weekend, and it is audited without the note', async () => {
      const lead = await insertLead(t, { createdAt: new Date(FRIDAY_EVENING) });
      await assign(t, lead.id, advisor, { dueAt: FRIDAY_EVENING, respondBy: MONDAY_9_10 });
      t.clock.set('2026-11-30T15:02:30.000Z'); // Monday 10:02:30: 5 min on Friday + 62.5 min on Monday
      const response = await logContact(agent, lead.id, { channel: 'call', outcome: 'voicemail', note: 'Left a message\r\nabout January start' });
      expect(response.status).toBe(303);
      expect(response.headers.location).toBe(`/admin/leads/${lead.id}`);

      expect(await responseOf(t, lead.id)).toEqual({ firstResponseAt: new Date('2026-11-30T15:02:30.000Z'), responseSeconds: 4050 });
      const contacts = await t.db.leadContact.findMany({ where: { leadId: lead.id } });
      expect(contacts).toEqual([expect.objectContaining({ staffUserId: advisor.id, channel: 'call', outcome: 'voicemail', note: 'Left a message\nabout January start', at: new Date('2026-11-30T15:02:30.000Z') })]);

      const audit = await t.db.auditEvent.findMany({ where: { action: 'lead.contacted' } });
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ leadId: lead.id, actorId: advisor.id, via: 'web', details: { channel: 'call', outcome: 'voicemail', firstResponse: true, responseSeconds: 4050 } });
      expect(JSON.stringify(audit[0]!.details)).not.toContain('January');

      const page = decodeEntities((await agent.get(`/admin/leads/${lead.id}`).set(HTML).expect(200)).text);
      expect(page).toContain('Contact logged: Call, left a voicemail.');
      expect(page).toContain('<dt>Advisor</dt><dd>Riley Advisor</dd>');
      expect(page).toContain('68 office minutes');
      expect(page).toContain('Left a message\nabout January start');
    });

    test('when a second contact and a status change follow, then only the first response counts', async () => {
      const lead = await insertLead(t, { createdAt: new Date('2026-11-30T14:00:00Z') });
      await assign(t, lead.id, advisor, { dueAt: '2026-11-30T15:00:00Z', respondBy: '2026-11-30T15:15:00Z' });
      t.clock.set('2026-11-30T15:05:00Z');
      await logContact(agent, lead.id, { channel: 'email', outcome: 'sent' }).then((response) => expect(response.status).toBe(303));
      t.clock.set('2026-11-30T15:25:00Z'); // within the session's idle timeout
      await logContact(agent, lead.id, { channel: 'call', outcome: 'reached', note: '' }).then((response) => expect(response.status).toBe(303));
      await changeStatus(agent, lead.id, 'contacted');
      expect(await responseOf(t, lead.id)).toEqual({ firstResponseAt: new Date('2026-11-30T15:05:00Z'), responseSeconds: 300 });
      const audit = await t.db.auditEvent.findMany({ where: { action: 'lead.contacted' }, orderBy: { id: 'asc' } });
      expect(audit.map((event) => (event.details as { firstResponse: boolean }).firstResponse)).toEqual([true, false]);
      // Newest first on the page.
      const page = decodeEntities((await agent.get(`/admin/leads/${lead.id}`).set(HTML).expect(200)).text);
      expect(page.indexOf('<strong>Call</strong>, reached them')).toBeLessThan(page.indexOf('<strong>Email</strong>, sent (email or text)'));
    });

    test('when the status changes away from new first, then that is the first response; a later contact does not move it', async () => {
      const lead = await insertLead(t, { createdAt: new Date(FRIDAY_EVENING) });
      await assign(t, lead.id, advisor, { dueAt: FRIDAY_EVENING, respondBy: MONDAY_9_10 });
      t.clock.set('2026-11-30T15:30:00Z'); // Monday 10:30: 5 + 90 office minutes
      await changeStatus(agent, lead.id, 'qualified');
      t.clock.set('2026-11-30T15:50:00Z');
      await logContact(agent, lead.id, { channel: 'text', outcome: 'sent' }).then((response) => expect(response.status).toBe(303));
      expect(await responseOf(t, lead.id)).toEqual({ firstResponseAt: new Date('2026-11-30T15:30:00Z'), responseSeconds: 5700 });
    });

    test('when a lead was never assigned, then its response time is counted from its arrival in office time', async () => {
      const lead = await insertLead(t, { createdAt: new Date('2026-11-29T15:30:00Z') }); // Sunday
      t.clock.set('2026-11-30T15:20:00Z'); // Monday 10:20
      await changeStatus(agent, lead.id, 'contacted');
      expect(await responseOf(t, lead.id)).toEqual({ firstResponseAt: new Date('2026-11-30T15:20:00Z'), responseSeconds: 4800 });
      const page = decodeEntities((await agent.get(`/admin/leads/${lead.id}`).set(HTML).expect(200)).text);
      expect(page).toContain('Status changed from New to Contacted.');
      expect(page).toContain('<dt>Advisor</dt><dd>Unassigned</dd>');
      expect(page).toContain('80 office minutes');
    });

    test('when a new lead is marked as spam, then that is not a response', async () => {
      const lead = await insertLead(t);
      await changeStatus(agent, lead.id, 'spam');
      expect(await responseOf(t, lead.id)).toEqual({ firstResponseAt: null, responseSeconds: null });
    });

    test.each([
      ['no channel', { outcome: 'reached' }, 'channel'],
      ['an unknown channel', { channel: 'fax', outcome: 'reached' }, 'channel'],
      ['an unknown outcome', { channel: 'call', outcome: 'maybe' }, 'outcome'],
      ['a note over 1,000 characters', { channel: 'call', outcome: 'reached', note: 'x'.repeat(1001) }, 'note'],
      ['a note with a control character', { channel: 'call', outcome: 'reached', note: 'bell \u0007 here' }, 'note'],
    ])('when the contact form has %s, then the page comes back with a 400, the issue and the values kept, and nothing is stored', async (_case, fields: Record<string, string>, path) => {
      const lead = await insertLead(t);
      const response = await logContact(agent, lead.id, { note: 'keep this text', ...fields });
      expect(response.status).toBe(400);
      const html = decodeEntities(response.text);
      expect(html).toContain('The contact was not logged');
      expect(html).toContain(`id="contact-${path}-error"`);
      if (path !== 'note') expect(html).toContain('keep this text</textarea>');
      if (fields.channel === 'call') expect(html).toMatch(/value="call" checked/);
      expect(await t.db.leadContact.count()).toBe(0);
      expect(await t.db.auditEvent.count({ where: { action: 'lead.contacted' } })).toBe(0);
    });

    test('when a script asks for JSON, then a bad contact is a 400 with per-field issues', async () => {
      const lead = await insertLead(t);
      const response = await logContact(agent, lead.id, { channel: 'pigeon', outcome: 'reached' }, { Accept: 'application/json' });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ error: 'invalid_contact', message: expect.stringContaining('call, email or text'), issues: [{ path: 'channel', message: expect.any(String) }] });
    });

    test('when the CSRF token is missing or wrong, then the contact is refused with 403', async () => {
      const lead = await insertLead(t);
      await agent.post(`/admin/leads/${lead.id}/contacts`).type('form').set(HTML).send({ channel: 'call', outcome: 'reached' }).expect(403);
      await agent.post(`/admin/leads/${lead.id}/contacts`).type('form').set(HTML).send({ _csrf: 'forged', channel: 'call', outcome: 'reached' }).expect(403);
      expect(await t.db.leadContact.count()).toBe(0);
    });

    test('when the lead does not exist, then logging a contact is a 404', async () => {
      const lead = await insertLead(t);
      const page = await agent.get(`/admin/leads/${lead.id}`).set(HTML).expect(200);
      const missing = '01900000-0000-7000-8000-000000000000';
      await agent.post(`/admin/leads/${missing}/contacts`).type('form').set(HTML).send({ _csrf: csrfFrom(page.text), channel: 'call', outcome: 'reached' }).expect(404);
      await agent.post(`/admin/leads/${missing}/contacts`).type('form').set(HTML).send({ _csrf: csrfFrom(page.text), channel: 'fax' }).expect(404);
      await agent.post('/admin/leads/not-a-lead/contacts').type('form').set(HTML).send({ _csrf: csrfFrom(page.text), channel: 'call', outcome: 'reached' }).expect(404);
    });
  });

  describe('the queue', () => {
    test('when an advisor opens their queue, then it lists their leads awaiting a first response, overdue first then by respondBy, with office time left or late', async () => {
      const other = await addStaff(t);
      // Monday 10:00 ET now.
      const soon = await insertLead(t, { firstName: 'Soon', lastName: 'Due' });
      const later = await insertLead(t, { firstName: 'Later', lastName: 'Due' });
      const late = await insertLead(t, { firstName: 'Long', lastName: 'Overdue' });
      const lateToo = await insertLead(t, { firstName: 'Just', lastName: 'Overdue' });
      const answered = await insertLead(t, { firstName: 'Already', lastName: 'Answered' });
      const notMine = await insertLead(t, { firstName: 'Someone', lastName: 'Else' });
      const moved = await insertLead(t, { firstName: 'Moved', lastName: 'On', status: 'contacted' });
      await assign(t, later.id, advisor, { dueAt: '2026-11-30T14:50:00Z', respondBy: '2026-11-30T15:30:00Z' });
      await assign(t, soon.id, advisor, { dueAt: '2026-11-30T14:50:00Z', respondBy: '2026-11-30T15:05:00Z' });
      await assign(t, lateToo.id, advisor, { dueAt: '2026-11-30T14:30:00Z', respondBy: '2026-11-30T14:45:00Z' });
      await assign(t, late.id, advisor, { dueAt: FRIDAY_EVENING, respondBy: MONDAY_9_10 });
      await assign(t, answered.id, advisor, { dueAt: '2026-11-30T14:00:00Z', respondBy: '2026-11-30T14:15:00Z' });
      await t.db.lead.update({ where: { id: answered.id }, data: { firstResponseAt: new Date('2026-11-30T15:05:00Z'), responseSeconds: 300 } });
      await assign(t, notMine.id, other, { dueAt: '2026-11-30T14:00:00Z', respondBy: '2026-11-30T14:15:00Z' });
      await assign(t, moved.id, advisor, { dueAt: '2026-11-30T14:00:00Z', respondBy: '2026-11-30T14:15:00Z' });

      const response = await agent.get('/admin/queue').set(HTML).expect(200);
      const html = decodeEntities(response.text);
      const names = [...html.matchAll(/<th scope="row"><a href="\/admin\/leads\/([0-9a-f-]{36})">/g)].map((match) => match[1]);
      expect(names).toEqual([late.id, lateToo.id, soon.id, later.id]);
      expect(html).toContain('4 leads wait for your first response, <strong class="clock--late">2 overdue</strong>.');
      expect(html).toContain('Overdue: 50 min late (office time)'); // Monday 9:10 → 10:00
      expect(html).toContain('Overdue: 15 min late (office time)');
      expect(html).toContain('5 min of office time left');
      expect(html).toContain('30 min of office time left');
      expect(html).toContain('<a href="/admin/queue" aria-current="page">My queue</a>');
      expect(response.headers['cache-control']).toBe('no-store');
    });

    test('when nothing waits, then the queue says so', async () => {
      const html = decodeEntities((await agent.get('/admin/queue').set(HTML).expect(200)).text);
      expect(html).toContain('Nothing waits for your first response.');
    });

    test('when nobody is signed in, then the queue asks for a sign-in', async () => {
      const response = await request(t.app).get('/admin/queue').set(HTML);
      expect(response.status).toBe(303);
      expect(response.headers.location).toMatch(/^\/admin\/login/);
    });
  });

  describe('filters and export', () => {
    let mine: Awaited<ReturnType<typeof insertLead>>;
    let mineOverdue: Awaited<ReturnType<typeof insertLead>>;
    let theirs: Awaited<ReturnType<typeof insertLead>>;
    let unassigned: Awaited<ReturnType<typeof insertLead>>;
    let answered: Awaited<ReturnType<typeof insertLead>>;
    let spam: Awaited<ReturnType<typeof insertLead>>;
    let other: TestStaff;

    beforeEach(async () => {
      other = await addStaff(t, { email: 'jordan.other@college.test' });
      mine = await insertLead(t, { firstName: 'Mine' });
      mineOverdue = await insertLead(t, { firstName: '=Mine', lastName: 'Overdue' });
      theirs = await insertLead(t, { firstName: 'Theirs' });
      unassigned = await insertLead(t, { firstName: 'Unassigned' });
      answered = await insertLead(t, { firstName: 'Answered' });
      spam = await insertLead(t, { firstName: 'Spam', status: 'spam' });
      await assign(t, mine.id, advisor, { dueAt: '2026-11-30T14:55:00Z', respondBy: '2026-11-30T15:10:00Z' });
      await assign(t, mineOverdue.id, advisor, { dueAt: '2026-11-30T14:00:00Z', respondBy: '2026-11-30T14:15:00Z' });
      await assign(t, theirs.id, other, { dueAt: '2026-11-30T14:00:00Z', respondBy: '2026-11-30T14:15:00Z' });
      await assign(t, answered.id, other, { dueAt: '2026-11-30T14:00:00Z', respondBy: '2026-11-30T14:15:00Z' });
      await t.db.lead.update({ where: { id: answered.id }, data: { firstResponseAt: new Date('2026-11-30T14:07:30Z'), responseSeconds: 450 } });
    });

    const listed = async (query: string) => {
      const page = await agent.get(`/admin/leads?${query}`).set(HTML).expect(200);
      return [...page.text.matchAll(/<th scope="row"><a href="\/admin\/leads\/([0-9a-f-]{36})">/g)].map((match) => match[1]).sort();
    };
    const exported = async (query: string) => {
      const response = await agent.get(`/admin/leads/export.csv?${query}`).expect(200);
      return (parse(response.text, { columns: true }) as Array<Record<string, string>>).map((row) => row.id).sort();
    };
    const ids = (...leads: Array<{ id: string }>) => leads.map((lead) => lead.id).sort();

    test.each([
      ['assignee=me', () => ids(mine, mineOverdue)],
      ['assignee=ME', () => ids(mine, mineOverdue)],
      ['assignee=none', () => ids(unassigned)],
      ['assignee=Jordan.Other%40college.test', () => ids(theirs, answered)],
      ['awaiting=1', () => ids(mine, mineOverdue, theirs, unassigned)],
      ['overdue=1', () => ids(mineOverdue, theirs)],
      ['assignee=me&overdue=1', () => ids(mineOverdue)],
      ['assignee=none&awaiting=1', () => ids(unassigned)],
      ['awaiting=0', () => ids(mine, mineOverdue, theirs, unassigned, answered)],
    ])('when the list and the export are filtered by %s, then both hold exactly the matching leads', async (query, expected) => {
      expect(await listed(query)).toEqual(expected());
      expect(await exported(query)).toEqual(expected());
      expect(spam.id).not.toBe('');
    });

    test.each([
      ['assignee=someone', 'assignee', 'me, none or a staff email'],
      ['assignee=nobody%40college.test', 'assignee', 'No staff account has the address nobody@college.test.'],
      ['awaiting=yes', 'awaiting', 'awaiting must be 1 or 0.'],
      ['overdue=2', 'overdue', 'overdue must be 1 or 0.'],
      ['assignee=me&assignee=none', 'assignee', 'Give assignee once.'],
    ])('when a filter is %s, then the list and the export answer 400 invalid_filter naming it', async (query, path, message) => {
      const page = await agent.get(`/admin/leads?${query}`).set(HTML).expect(400);
      expect(decodeEntities(page.text)).toContain(message);
      const token = await issueToken(t, advisor);
      const response = await request(t.app).get(`/admin/leads/export.csv?${query}`).set('Authorization', `Bearer ${token}`).expect(400);
      expect(response.body).toMatchObject({ error: 'invalid_filter', issues: [expect.objectContaining({ path, message: expect.stringContaining(message) })] });
    });

    test('when the list is filtered, then the filter form shows the values and the export links carry them', async () => {
      const html = decodeEntities((await agent.get('/admin/leads?assignee=me&awaiting=1&overdue=1').set(HTML).expect(200)).text);
      expect(html).toContain('name="assignee" type="text" value="me"');
      expect(html).toMatch(/id="filter-awaiting" name="awaiting" type="checkbox" value="1" checked/);
      expect(html).toContain('href="/admin/leads/export.csv?assignee=me&awaiting=1&overdue=1"');
    });

    test('when leads:export on the command line gets the response filters, then it exports the same leads; assignee me and unknown addresses are usage errors', async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'frontdesk-responses-'));
      try {
        const commands = createStaffCommands({ clock: t.clock });
        const out = path.join(dir, 'overdue.csv');
        await commands['leads:export']!.run(commandContext(t, ['--format', 'csv', '--out', out, '--assignee', 'jordan.other@college.test', '--overdue']));
        expect((parse(readFileSync(out), { columns: true }) as Array<{ id: string }>).map((row) => row.id)).toEqual([theirs.id]);
        await expect(commands['leads:export']!.run(commandContext(t, ['--format', 'csv', '--out', out, '--assignee', 'me']))).rejects.toThrow(/assignee=me needs a signed-in person/);
        await expect(commands['leads:export']!.run(commandContext(t, ['--format', 'csv', '--out', out, '--assignee', 'nobody@college.test']))).rejects.toThrow(/No staff account has the address/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    test('when leads are exported, then assignee, respondBy, firstResponseAt, responseSeconds and callbackAt follow notifiedAt, in CSV and NDJSON', async () => {
      const token = await issueToken(t, advisor);
      // An address that would start a formula gets the guard like any other text.
      await t.db.staffUser.update({ where: { id: other.id }, data: { email: '=jordan@college.test' } });
      const csv = await request(t.app).get('/admin/leads/export.csv').set('Authorization', `Bearer ${token}`).expect(200);
      const header = csv.text.split('\r\n')[0]!.split(',');
      expect(header.slice(header.indexOf('notifiedAt'))).toEqual(['notifiedAt', 'assignee', 'respondBy', 'firstResponseAt', 'responseSeconds', 'callbackAt']);
      const rows = parse(csv.text, { columns: true }) as Array<Record<string, string>>;
      const row = (id: string) => rows.find((candidate) => candidate.id === id)!;
      expect(row(answered.id)).toMatchObject({ assignee: "'=jordan@college.test", respondBy: '2026-11-30T14:15:00.000Z', firstResponseAt: '2026-11-30T14:07:30.000Z', responseSeconds: '450' });
      expect(row(mine.id)).toMatchObject({ assignee: advisor.email, respondBy: '2026-11-30T15:10:00.000Z', firstResponseAt: '', responseSeconds: '' });
      expect(row(unassigned.id)).toMatchObject({ assignee: '', respondBy: '', firstResponseAt: '', responseSeconds: '' });

      const ndjson = await request(t.app).get('/admin/leads/export.ndjson').set('Authorization', `Bearer ${token}`).expect(200);
      const objects = ndjson.text.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
      const object = objects.find((candidate) => candidate.id === answered.id)!;
      expect(Object.keys(object).slice(-6)).toEqual(['notifiedAt', 'assignee', 'respondBy', 'firstResponseAt', 'responseSeconds', 'callbackAt']);
      expect(object).toMatchObject({ assignee: '=jordan@college.test', respondBy: '2026-11-30T14:15:00.000Z', firstResponseAt: '2026-11-30T14:07:30.000Z', responseSeconds: 450 });
      expect(objects.find((candidate) => candidate.id === unassigned.id)).toMatchObject({ assignee: null, respondBy: null, firstResponseAt: null, responseSeconds: null });
    });
  });

  describe('metrics', () => {
    test('when first responses are recorded and leads wait, then /metrics has the response histogram and the awaiting gauge', async () => {
      const waiting = await insertLead(t);
      const overdue = await insertLead(t);
      const answered = await insertLead(t);
      await assign(t, waiting.id, advisor, { dueAt: '2026-11-30T14:55:00Z', respondBy: '2026-11-30T15:10:00Z' });
      await assign(t, overdue.id, advisor, { dueAt: '2026-11-30T14:00:00Z', respondBy: '2026-11-30T14:15:00Z' });
      await assign(t, answered.id, advisor, { dueAt: '2026-11-30T14:55:00Z', respondBy: '2026-11-30T15:10:00Z' });
      await logContact(agent, answered.id, { channel: 'call', outcome: 'reached' }).then((response) => expect(response.status).toBe(303)); // 5 office minutes
      await logContact(agent, answered.id, { channel: 'call', outcome: 'reached' }); // not a first response: not observed

      const metrics = (await request(t.app).get('/metrics').expect(200)).text;
      expect(metrics).toContain('lead_response_seconds_count 1');
      expect(metrics).toContain('lead_response_seconds_sum 300');
      expect(metrics).toContain('lead_response_seconds_bucket{le="300"} 1');
      expect(metrics).toContain('lead_response_seconds_bucket{le="60"} 0');
      expect(metrics).toContain('leads_awaiting_response{overdue="true"} 1');
      expect(metrics).toContain('leads_awaiting_response{overdue="false"} 1');
    });
  });
});
