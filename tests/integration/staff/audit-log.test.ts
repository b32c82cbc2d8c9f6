import { v7 as uuidv7 } from 'uuid';
import type { TestApp } from '../../support/test-app';
import { decodeEntities } from '../../support/inquiries';
import { addStaff, createStaffTestApp, insertLead, signIn } from './staff-helpers';

const HTML = { Accept: 'text/html' };

describe('The audit log (/admin/audit)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createStaffTestApp();
  });
  afterAll(() => t.close());

  test('when sensitive actions happened, then an admin sees each with who, when, what, the lead and the details, newest first', async () => {
    // An hour after the app's start: later than anything the other tests of this file record.
    t.clock.set('2026-11-30T16:00:00.000Z');
    const admin = await addStaff(t, { role: 'admin', name: 'Morgan Manager' });
    const agent = await signIn(t, admin);
    const lead = await insertLead(t);
    t.clock.advance(1000);
    await t.db.auditEvent.create({ data: { id: uuidv7({ msecs: t.clock.now().getTime() }), at: t.clock.now(), actorId: admin.id, via: 'web', action: 'lead.status_changed', leadId: lead.id, details: { from: 'new', to: 'enrolled' } } });
    t.clock.advance(1000);
    await t.db.auditEvent.create({ data: { id: uuidv7({ msecs: t.clock.now().getTime() }), at: t.clock.now(), via: 'cli', action: 'leads.erased', details: { leads: 3 } } });

    const page = decodeEntities((await agent.get('/admin/audit').set(HTML).expect(200)).text);
    const rows = [...page.matchAll(/<th scope="row">([^<]+)<\/th>/g)].map((match) => match[1]);
    expect(rows.slice(0, 3)).toEqual(["A person's leads erased", 'Lead status changed', 'Signed in']);
    expect(page).toContain('Command line');
    expect(page).toContain('Morgan Manager');
    expect(page).toContain(`href="/admin/leads/${lead.id}"`);
    expect(page).toMatch(/<dt>from<\/dt><dd>New<\/dd><dt>to<\/dt><dd>Enrolled<\/dd>/);
    expect(page).toMatch(/<dt>leads<\/dt><dd>3<\/dd>/);
    expect(page).toContain('<time datetime="2026-11-30T16:00:02.000Z">Mon, Nov 30, 2026, 11:00 AM EST</time>');
  });

  test('when the log is filtered by action and paged, then it walks every matching record once', async () => {
    const admin = await addStaff(t, { role: 'admin' });
    const agent = await signIn(t, admin);
    const ids: string[] = [];
    for (let index = 0; index < 57; index += 1) {
      t.clock.advance(10);
      const id = uuidv7({ msecs: t.clock.now().getTime() });
      ids.push(id);
      await t.db.auditEvent.create({ data: { id, at: t.clock.now(), actorId: admin.id, via: 'token', action: 'leads.exported', details: { format: 'csv', rows: index, completed: true } } });
    }
    const seen: string[] = [];
    let page = await agent.get('/admin/audit?action=leads.exported').set(HTML).expect(200);
    for (;;) {
      seen.push(...[...page.text.matchAll(/<dt>rows<\/dt><dd>(\d+)<\/dd>/g)].map((match) => match[1]!));
      const older = /<a rel="next" href="([^"]+)">/.exec(page.text)?.[1];
      if (!older) break;
      expect(decodeEntities(older)).toContain('action=leads.exported');
      page = await agent.get(decodeEntities(older)).set(HTML).expect(200);
    }
    expect(seen).toEqual(Array.from({ length: 57 }, (_, index) => String(56 - index)));
    const newer = decodeEntities(/<a rel="prev" href="([^"]+)">/.exec(page.text)![1]!);
    const back = await agent.get(newer).set(HTML).expect(200);
    expect([...back.text.matchAll(/<dt>rows<\/dt><dd>(\d+)<\/dd>/g)]).toHaveLength(50);
  });

  test.each(['action=everything', 'before=12', 'after=x'])('when the audit query is malformed (%s), then it is a 400', async (query) => {
    const agent = await signIn(t, await addStaff(t, { role: 'admin' }));
    await agent.get(`/admin/audit?${query}`).set(HTML).expect(400);
  });
});
