import { createOfficeHours } from '../../../src/office-hours';
import { leadIdsOf, recipientsOf, type SmtpSink } from '../../support/smtp-sink';
import type { TestApp } from '../../support/test-app';
import { addAdvisor, ADMISSIONS, anotherDispatcher, mailTo, OPEN, postLead, routingApp } from './routing-support';


describe('Assignment (ROUTING=round-robin)', () => {
  const app = routingApp();
  let sink: SmtpSink;
  let t: TestApp;
  beforeAll(() => {
    ({ t, sink } = app);
  });

  const assigneeOf = async (id: string) => (await t.db.lead.findUniqueOrThrow({ where: { id } })).assignedToId;

  test('when a lead arrives while the office is open, then it is assigned at once, its clock starts and its email goes to the advisor', async () => {
    const ada = await addAdvisor(t, 'Ada Brooks');
    const id = await postLead(t, { firstName: 'Rosa', lastName: 'Diaz' });

    await t.dispatcher.runOnce();

    const lead = await t.db.lead.findUniqueOrThrow({ where: { id } });
    expect(lead.assignedToId).toBe(ada.id);
    expect(lead.assignedAt!.toISOString()).toBe(OPEN);
    expect(lead.dueAt!.toISOString()).toBe(OPEN);
    expect(lead.respondBy!.toISOString()).toBe('2026-11-30T15:15:00.000Z');
    expect((await t.db.staffUser.findUniqueOrThrow({ where: { id: ada.id } })).lastAssignedAt).not.toBeNull();
    const escalation = await t.db.notification.findFirstOrThrow({ where: { leadId: id, kind: 'escalation' } });
    expect([escalation.status, escalation.scheduledAt.toISOString(), escalation.nextAttemptAt.toISOString()]).toEqual(['pending', '2026-11-30T15:15:00.000Z', '2026-11-30T15:15:00.000Z']);

    const [mail] = mailTo(sink, ada.email);
    expect(mailTo(sink, ada.email)).toHaveLength(1);
    expect(mailTo(sink, ADMISSIONS)).toHaveLength(0);
    expect(mail!.subject).toBe('New inquiry: Rosa Diaz — Healthcare Administration');
    expect(mail!.to).toMatchObject({ value: [{ name: 'Ada Brooks', address: ada.email }] });
    expect(mail!.replyTo!.value[0]!.name).toBe('Rosa Diaz');
    expect(mail!.text).toContain(`Open in Frontdesk: https://enroll.college.test/admin/leads/${id}`);
    expect(leadIdsOf(mail!)).toEqual([id]);
  });

  test('when a lead arrives Friday 20:55 with a 15-minute target, then it must be answered by Monday 9:10', async () => {
    await addAdvisor(t, 'Ada Brooks');
    t.clock.set('2026-12-05T01:55:00.000Z'); // Friday Dec 4, 20:55 EST
    const id = await postLead(t);
    await t.dispatcher.runOnce();
    const lead = await t.db.lead.findUniqueOrThrow({ where: { id } });
    expect(lead.dueAt!.toISOString()).toBe('2026-12-05T01:55:00.000Z');
    expect(lead.respondBy!.toISOString()).toBe('2026-12-07T14:10:00.000Z'); // Monday 9:10 EST
  });

  test('when a holiday falls inside the target, then respondBy skips it', async () => {
    await addAdvisor(t, 'Ada Brooks');
    const officeHours = createOfficeHours({ timezone: 'America/New_York', hours: 'Mon-Fri 09:00-21:00', holidays: '2026-12-07' });
    const other = anotherDispatcher(t, sink, { officeHours });
    try {
      t.clock.set('2026-12-05T01:55:00.000Z'); // Friday 20:55 EST; Monday Dec 7 is a holiday
      const id = await postLead(t);
      await other.dispatcher.runOnce();
      expect((await t.db.lead.findUniqueOrThrow({ where: { id } })).respondBy!.toISOString()).toBe('2026-12-08T14:10:00.000Z'); // Tuesday 9:10
    } finally {
      await other.close();
    }
  });

  test('when two dispatchers route 300 leads to three advisors at once, then each lead is assigned once and each advisor gets 100', async () => {
    const advisors = [await addAdvisor(t, 'Ada Brooks'), await addAdvisor(t, 'Ben Cho'), await addAdvisor(t, 'Cleo Dunn')];
    const ids: string[] = [];
    for (let n = 0; n < 300; n += 1) ids.push(await postLead(t));
    const second = anotherDispatcher(t, sink);
    try {
      for (let round = 0; round < 20; round += 1) {
        const reports = await Promise.all([t.dispatcher.runOnce(), second.dispatcher.runOnce()]);
        if (reports.every((report) => report.sent === 0)) break;
      }
    } finally {
      await second.close();
    }

    const leads = await t.db.lead.findMany({ where: { id: { in: ids } } });
    expect(leads.every((lead) => lead.assignedToId !== null)).toBe(true);
    const counts = advisors.map((advisor) => leads.filter((lead) => lead.assignedToId === advisor.id).length);
    expect(counts).toEqual([100, 100, 100]);
    // Each lead's email went once, to its own advisor.
    for (const advisor of advisors) {
      const mailed = mailTo(sink, advisor.email).flatMap(leadIdsOf).sort();
      expect(mailed).toEqual(leads.filter((lead) => lead.assignedToId === advisor.id).map((lead) => lead.id).sort());
    }
    expect(await t.db.notification.count({ where: { leadId: { in: ids }, kind: 'escalation' } })).toBe(300);
  });

  test('when an advisor goes away in the middle of a run, then they get no more leads', async () => {
    const [ada, ben, cleo] = [await addAdvisor(t, 'Ada Brooks'), await addAdvisor(t, 'Ben Cho'), await addAdvisor(t, 'Cleo Dunn')];
    const before: string[] = [];
    for (let n = 0; n < 6; n += 1) before.push(await postLead(t));
    await t.dispatcher.runOnce();
    await t.db.$executeRaw`UPDATE staff_users SET available = false WHERE id = ${cleo.id}::uuid`;
    const after: string[] = [];
    for (let n = 0; n < 6; n += 1) after.push(await postLead(t));
    await t.dispatcher.runOnce();

    const assignees = async (ids: string[]) => Promise.all(ids.map(assigneeOf));
    expect((await assignees(before)).filter((id) => id === cleo.id)).toHaveLength(2);
    const later = await assignees(after);
    expect(later.filter((id) => id === cleo.id)).toHaveLength(0);
    expect(later.filter((id) => id === ada.id)).toHaveLength(3);
    expect(later.filter((id) => id === ben.id)).toHaveLength(3);
  });

  test('when the same person asks again, then the repeat goes to the advisor of their first inquiry', async () => {
    const ada = await addAdvisor(t, 'Ada Brooks');
    const ben = await addAdvisor(t, 'Ben Cho');
    const first = await postLead(t, { email: 'repeat.person@example.org' });
    await t.dispatcher.runOnce();
    const firstAdvisor = await assigneeOf(first);
    expect([ada.id, ben.id]).toContain(firstAdvisor);

    const repeat = await postLead(t, { email: 'repeat.person@example.org', program: 'IT-AS' });
    await t.dispatcher.runOnce();
    expect((await t.db.lead.findUniqueOrThrow({ where: { id: repeat } })).duplicateOfId).toBe(first);
    expect(await assigneeOf(repeat)).toBe(firstAdvisor); // although the other advisor is next in turn
  });

  test('when the advisor of the first inquiry is away, then the repeat goes round-robin', async () => {
    const ada = await addAdvisor(t, 'Ada Brooks');
    const first = await postLead(t, { email: 'repeat.away@example.org' });
    await t.dispatcher.runOnce();
    expect(await assigneeOf(first)).toBe(ada.id);
    await t.db.$executeRaw`UPDATE staff_users SET available = false WHERE id = ${ada.id}::uuid`;
    const ben = await addAdvisor(t, 'Ben Cho');
    const repeat = await postLead(t, { email: 'repeat.away@example.org' });
    await t.dispatcher.runOnce();
    expect(await assigneeOf(repeat)).toBe(ben.id);
  });

  test('when an advisor advises one program only, then they only get leads for it', async () => {
    const nursing = await addAdvisor(t, 'Nia Ford', { programs: ['NUR-BSN'] });
    const anyone = await addAdvisor(t, 'Omar Ghali');
    const it = [await postLead(t, { program: 'IT-AS' }), await postLead(t, { program: 'IT-AS' }), await postLead(t, { program: 'IT-AS' })];
    await t.dispatcher.runOnce();
    for (const id of it) expect(await assigneeOf(id)).toBe(anyone.id);
    // Nursing leads go round-robin between the two who advise nursing: Nia has never had one, so she is first.
    const nurses = [await postLead(t, { program: 'NUR-BSN' }), await postLead(t, { program: 'NUR-BSN' }), await postLead(t, { program: 'NUR-BSN' })];
    await t.dispatcher.runOnce();
    const nursingAssignees = await Promise.all(nurses.map(assigneeOf));
    expect(nursingAssignees.filter((id) => id === nursing.id)).toHaveLength(2);
    expect(nursingAssignees.filter((id) => id === anyone.id)).toHaveLength(1);
  });

  test('when nobody is available, then the lead stays unassigned, its clock still runs and admissions gets the email as before', async () => {
    await addAdvisor(t, 'Ada Brooks', { available: false });
    const id = await postLead(t);
    expect(await t.dispatcher.runOnce()).toEqual({ sent: 2, retried: 0, failed: 0 });
    const lead = await t.db.lead.findUniqueOrThrow({ where: { id } });
    expect(lead.assignedToId).toBeNull();
    expect(lead.assignedAt).toBeNull();
    expect(lead.dueAt!.toISOString()).toBe(OPEN);
    expect(lead.respondBy!.toISOString()).toBe('2026-11-30T15:15:00.000Z');
    expect(mailTo(sink, ADMISSIONS).flatMap(leadIdsOf)).toEqual([id]);
  });

  test('when a disabled account is marked available, then it gets no leads', async () => {
    const gone = await addAdvisor(t, 'Gone Person');
    await t.db.staffUser.update({ where: { id: gone.id }, data: { disabledAt: new Date(OPEN) } });
    const id = await postLead(t);
    await t.dispatcher.runOnce();
    expect(await assigneeOf(id)).toBeNull();
  });

  test('when a spam lead arrives, then it is never assigned', async () => {
    await addAdvisor(t, 'Ada Brooks');
    const id = await postLead(t, { website: 'http://spam.example' });
    await t.dispatcher.runOnce();
    const lead = await t.db.lead.findUniqueOrThrow({ where: { id } });
    expect([lead.status, lead.assignedToId, lead.dueAt]).toEqual(['spam', null, null]);
  });

  test('when leads wait for the opening, then they are assigned at 9:00 and each advisor gets one digest of their own, and admissions the team digest with advisors', async () => {
    const ada = await addAdvisor(t, 'Ada Brooks');
    const ben = await addAdvisor(t, 'Ben Cho', { programs: ['IT-AS'] });
    t.clock.set('2026-11-29T15:30:00.000Z'); // Sunday: closed
    // A second apart: leads are routed in arrival order, and arrivals within one millisecond have none.
    const arrive = async (fields: Parameters<typeof postLead>[1]) => {
      t.clock.advance(1_000);
      return postLead(t, fields);
    };
    const ids = [
      await arrive({ firstName: 'Ines', program: 'HCA-BS' }),
      await arrive({ firstName: 'Kofi', program: 'IT-AS' }),
      await arrive({ firstName: 'Lena', program: 'NUR-BSN' }),
    ];
    await t.dispatcher.runOnce();
    expect((await Promise.all(ids.map(assigneeOf))).every((id) => id === null)).toBe(true); // not before the opening

    t.clock.set('2026-11-30T14:00:00.000Z'); // Monday 9:00 EST
    await t.dispatcher.runOnce();
    const assignees = await Promise.all(ids.map(assigneeOf));
    expect(assignees).toEqual([ada.id, ben.id, ada.id]);
    const ines = await t.db.lead.findUniqueOrThrow({ where: { id: ids[0]! } });
    expect(ines.dueAt!.toISOString()).toBe('2026-11-30T14:00:00.000Z'); // due at the opening it was sent at
    expect(ines.respondBy!.toISOString()).toBe('2026-11-30T14:15:00.000Z');

    const [adaDigest] = mailTo(sink, ada.email);
    expect(mailTo(sink, ada.email)).toHaveLength(1);
    expect(adaDigest!.subject).toBe('2 inquiries assigned to you while the office was closed');
    expect(leadIdsOf(adaDigest!).sort()).toEqual([ids[0]!, ids[2]!].sort());
    const [benDigest] = mailTo(sink, ben.email);
    expect(benDigest!.subject).toBe('1 inquiry assigned to you while the office was closed');
    expect(leadIdsOf(benDigest!)).toEqual([ids[1]]);

    const [team] = mailTo(sink, ADMISSIONS);
    expect(mailTo(sink, ADMISSIONS)).toHaveLength(1);
    expect(team!.subject).toBe('3 inquiries received while the office was closed');
    expect(team!.text).toContain('1. Ines Okafor');
    expect(team!.text).toMatch(/Ines Okafor[^\n]*\n[^\n]*\n {3}Advisor: Ada Brooks\n/);
    expect(team!.text).toMatch(/Kofi Okafor[^\n]*\n[^\n]*\n {3}Advisor: Ben Cho\n/);
    expect(team!.html).toContain('<th align="left" style="padding:8px 0 8px 8px;border-bottom:1px solid #dcd8cf;">Advisor</th>');
    expect(team!.html).toContain('>Ben Cho</td>');
    expect(leadIdsOf(team!).sort()).toEqual([...ids].sort());
    expect(sink.messages.filter((message) => recipientsOf(message).some((address) => address.endsWith('@example.org')))).toHaveLength(3); // the auto-replies, on Sunday

    await t.dispatcher.runOnce();
    expect(mailTo(sink, ada.email)).toHaveLength(1);
  });

  describe('when an advisor\'s digest cannot be sent at the opening', () => {
    /** Two leads held over Sunday (Ines for Ada, Kofi for Ben, who advises IT-AS only), their auto-replies sent; the clock at Monday's opening. */
    async function heldLeads() {
      t.clock.set('2026-11-29T15:30:00.000Z'); // Sunday: closed
      t.clock.advance(1_000);
      const first = await postLead(t, { firstName: 'Ines', program: 'HCA-BS' });
      t.clock.advance(1_000);
      const second = await postLead(t, { firstName: 'Kofi', program: 'IT-AS' });
      await t.dispatcher.runOnce();
      sink.messages.length = 0;
      t.clock.set('2026-11-30T14:00:00.000Z'); // Monday 9:00 EST
      return { first, second };
    }
    afterEach(() => sink.setMode('accept'));

    test('for now (451), then the batch is tried again later and only the digests not sent yet go: nobody gets theirs twice', async () => {
      const ada = await addAdvisor(t, 'Ada Brooks');
      const ben = await addAdvisor(t, 'Ben Cho', { programs: ['IT-AS'] });
      const { first, second } = await heldLeads();
      sink.setMode('unavailable', (address) => address === ben.email);

      await t.dispatcher.runOnce();
      expect(mailTo(sink, ada.email)).toHaveLength(1);
      expect(mailTo(sink, ben.email)).toHaveLength(0);
      expect(mailTo(sink, ADMISSIONS)).toHaveLength(0);
      const rows = await t.db.notification.findMany({ where: { leadId: { in: [first, second] }, kind: 'admissions' } });
      expect(rows.map((row) => [row.leadId === first ? 'ada' : 'ben', row.status, row.attempts, row.advisorDigestSentAt !== null]).sort()).toEqual([
        ['ada', 'pending', 1, true],
        ['ben', 'pending', 1, false],
      ]);

      sink.setMode('accept');
      t.clock.set(rows[0]!.nextAttemptAt.toISOString());
      await t.dispatcher.runOnce();
      expect(mailTo(sink, ada.email)).toHaveLength(1);
      expect(leadIdsOf(mailTo(sink, ben.email)[0]!)).toEqual([second]);
      expect(mailTo(sink, ben.email)).toHaveLength(1);
      expect(leadIdsOf(mailTo(sink, ADMISSIONS)[0]!).sort()).toEqual([first, second].sort());
      expect((await t.db.notification.findMany({ where: { leadId: { in: [first, second] }, kind: 'admissions' } })).map((row) => row.status)).toEqual(['sent', 'sent']);
    });

    test('for good (550), then it is skipped and logged, and the team digest still goes at once', async () => {
      const ada = await addAdvisor(t, 'Ada Brooks');
      const ben = await addAdvisor(t, 'Ben Cho', { programs: ['IT-AS'] });
      const { first, second } = await heldLeads();
      sink.setMode('reject', (address) => address === ben.email);

      await t.dispatcher.runOnce();
      expect(mailTo(sink, ada.email)).toHaveLength(1);
      expect(mailTo(sink, ben.email)).toHaveLength(0);
      expect(leadIdsOf(mailTo(sink, ADMISSIONS)[0]!).sort()).toEqual([first, second].sort());
      expect((await t.db.notification.findMany({ where: { leadId: { in: [first, second] }, kind: 'admissions' } })).map((row) => row.status)).toEqual(['sent', 'sent']);
    });
  });

  test('when some held leads have no eligible advisor, then the team digest shows them as Unassigned', async () => {
    const ben = await addAdvisor(t, 'Ben Cho', { programs: ['IT-AS'] });
    t.clock.set('2026-11-29T15:30:00.000Z');
    const it = await postLead(t, { firstName: 'Kofi', program: 'IT-AS' });
    const other = await postLead(t, { firstName: 'Lena', program: 'NUR-BSN' });
    t.clock.set('2026-11-30T14:00:00.000Z');
    await t.dispatcher.runOnce();
    expect(await assigneeOf(it)).toBe(ben.id);
    expect(await assigneeOf(other)).toBeNull();
    const [team] = mailTo(sink, ADMISSIONS);
    expect(team!.text).toMatch(/Lena Okafor[^\n]*\n[^\n]*\n {3}Advisor: Unassigned\n/);
    expect(team!.html).toContain('>Unassigned</td>');
  });

  test('when ROUTING=off, then nobody is assigned and admissions gets every email, but the clock still runs', async () => {
    const ada = await addAdvisor(t, 'Ada Brooks');
    const off = anotherDispatcher(t, sink, { routing: 'off' });
    try {
      const id = await postLead(t);
      expect(await off.dispatcher.runOnce()).toEqual({ sent: 2, retried: 0, failed: 0 });
      const lead = await t.db.lead.findUniqueOrThrow({ where: { id } });
      expect([lead.assignedToId, lead.dueAt!.toISOString(), lead.respondBy!.toISOString()]).toEqual([null, OPEN, '2026-11-30T15:15:00.000Z']);
      expect(mailTo(sink, ADMISSIONS).flatMap(leadIdsOf)).toEqual([id]);
      expect(mailTo(sink, ada.email)).toHaveLength(0);
      expect((await t.db.staffUser.findUniqueOrThrow({ where: { id: ada.id } })).lastAssignedAt).toBeNull();
    } finally {
      await off.close();
    }
  });
});
