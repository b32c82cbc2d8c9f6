import { leadIdsOf, recipientsOf, type SmtpSink } from '../../support/smtp-sink';
import type { TestApp } from '../../support/test-app';
import { addAdvisor, anotherDispatcher, ESCALATIONS, mailTo, OPEN, postLead, routingApp } from './routing-support';

const RESPOND_BY = '2026-11-30T15:15:00.000Z';

describe('Escalation', () => {
  const app = routingApp();
  let sink: SmtpSink;
  let t: TestApp;
  beforeAll(() => {
    ({ t, sink } = app);
  });

  const escalations = () => mailTo(sink, ESCALATIONS);
  const escalationRows = (leadId: string) => t.db.notification.findMany({ where: { leadId, kind: 'escalation' }, orderBy: { scheduledAt: 'asc' } });

  test('when a lead has no first response at respondBy, then one escalation goes to its advisor and the escalation address', async () => {
    const ada = await addAdvisor(t, 'Ada Brooks');
    const id = await postLead(t, { firstName: 'Rosa', lastName: 'Diaz' });
    await t.dispatcher.runOnce();

    t.clock.set('2026-11-30T15:14:59.999Z');
    await t.dispatcher.runOnce();
    expect(escalations()).toHaveLength(0);

    t.clock.set('2026-11-30T15:22:00.000Z'); // 22 minutes after it became due
    expect(await t.dispatcher.runOnce()).toEqual({ sent: 1, retried: 0, failed: 0 });
    const [mail] = escalations();
    expect(escalations()).toHaveLength(1);
    expect(recipientsOf(mail!).sort()).toEqual([ada.email, ESCALATIONS].sort());
    expect(mail!.subject).toBe('Overdue: Rosa Diaz — Healthcare Administration');
    expect(mail!.text).toContain('has waited 22 minutes of office time without a first response');
    expect(mail!.text).toContain('Advisor:     Ada Brooks');
    expect(mail!.text).toContain(`Open in Frontdesk: https://enroll.college.test/admin/leads/${id}`);
    expect(mail!.html).toContain('<strong>22 minutes of office time</strong>');
    expect(mail!.html).toContain(`href="https://enroll.college.test/admin/leads/${id}"`);
    expect(leadIdsOf(mail!)).toEqual([id]);
    expect((await escalationRows(id)).map((row) => row.status)).toEqual(['sent']);

    t.clock.set('2026-11-30T16:00:00.000Z');
    await t.dispatcher.runOnce();
    expect(escalations()).toHaveLength(1);
    expect((await t.db.lead.findUniqueOrThrow({ where: { id } })).assignedToId).toBe(ada.id); // ESCALATION=notify: it stays
  });

  test('when the lead had its first response before respondBy, then the escalation is cancelled and nothing is sent', async () => {
    await addAdvisor(t, 'Ada Brooks');
    const id = await postLead(t);
    await t.dispatcher.runOnce();
    t.clock.set('2026-11-30T15:05:00.000Z');
    await t.db.$executeRaw`UPDATE leads SET first_response_at = ${new Date('2026-11-30T15:05:00.000Z')}, response_seconds = 300 WHERE id = ${id}::uuid`;

    t.clock.set(RESPOND_BY);
    expect(await t.dispatcher.runOnce()).toEqual({ sent: 0, retried: 0, failed: 0 });
    expect(escalations()).toHaveLength(0);
    expect((await escalationRows(id)).map((row) => row.status)).toEqual(['cancelled']);
  });

  test('when respondBy falls at the closing, then the escalation waits for the next opening and says how much office time passed', async () => {
    const ada = await addAdvisor(t, 'Ada Brooks');
    t.clock.set('2026-12-01T01:45:00.000Z'); // Monday 20:45 EST
    const id = await postLead(t);
    await t.dispatcher.runOnce();
    expect((await t.db.lead.findUniqueOrThrow({ where: { id } })).respondBy!.toISOString()).toBe('2026-12-01T02:00:00.000Z'); // 21:00, the closing

    for (const at of ['2026-12-01T02:00:00.000Z', '2026-12-01T05:00:00.000Z', '2026-12-01T13:59:59.999Z']) {
      t.clock.set(at);
      await t.dispatcher.runOnce();
    }
    expect(escalations()).toHaveLength(0);

    t.clock.set('2026-12-01T14:00:00.000Z'); // Tuesday 9:00 EST
    await t.dispatcher.runOnce();
    const [mail] = escalations();
    expect(escalations()).toHaveLength(1);
    expect(recipientsOf(mail!)).toContain(ada.email);
    expect(mail!.text).toContain('has waited 15 minutes of office time');
  });

  test('when nobody is available, then the lead gets its clock but no escalation, as an office without routing', async () => {
    const id = await postLead(t);
    await t.dispatcher.runOnce();
    expect((await t.db.lead.findUniqueOrThrow({ where: { id } })).respondBy!.toISOString()).toBe(RESPOND_BY);
    expect(await escalationRows(id)).toHaveLength(0);
    t.clock.set('2026-11-30T16:00:00.000Z');
    await t.dispatcher.runOnce();
    expect(escalations()).toHaveLength(0);
  });

  test('when two dispatchers run at respondBy, then the escalation is sent once', async () => {
    await addAdvisor(t, 'Ada Brooks');
    await postLead(t);
    await t.dispatcher.runOnce();
    const second = anotherDispatcher(t, sink);
    try {
      t.clock.set(RESPOND_BY);
      await Promise.all([t.dispatcher.runOnce(), second.dispatcher.runOnce()]);
      await Promise.all([t.dispatcher.runOnce(), second.dispatcher.runOnce()]);
    } finally {
      await second.close();
    }
    expect(escalations()).toHaveLength(1);
  });

  test('when ESCALATION=reassign, then the overdue lead moves to the next advisor with a new respondBy and escalation, audited', async () => {
    const ada = await addAdvisor(t, 'Ada Brooks');
    const ben = await addAdvisor(t, 'Ben Cho');
    const reassigning = anotherDispatcher(t, sink, { escalation: 'reassign' });
    try {
      const id = await postLead(t);
      await reassigning.dispatcher.runOnce();
      expect((await t.db.lead.findUniqueOrThrow({ where: { id } })).assignedToId).toBe(ada.id);

      t.clock.set('2026-11-30T15:20:00.000Z');
      await reassigning.dispatcher.runOnce();
      const lead = await t.db.lead.findUniqueOrThrow({ where: { id } });
      expect(lead.assignedToId).toBe(ben.id);
      expect(lead.assignedAt!.toISOString()).toBe('2026-11-30T15:20:00.000Z');
      expect(lead.dueAt!.toISOString()).toBe(OPEN); // the lead's wait still counts from when it became due
      expect(lead.respondBy!.toISOString()).toBe('2026-11-30T15:35:00.000Z');
      expect((await escalationRows(id)).map((row) => [row.status, row.scheduledAt.toISOString()])).toEqual([
        ['sent', RESPOND_BY],
        ['pending', '2026-11-30T15:35:00.000Z'],
      ]);
      const audit = await t.db.auditEvent.findMany({ where: { leadId: id, action: 'lead.reassigned' } });
      expect(audit.map((event) => [event.via, event.actorId, event.details])).toEqual([['dispatcher', null, { from: ada.id, to: ben.id }]]);

      const [mail] = escalations();
      expect(recipientsOf(mail!).sort()).toEqual([ada.email, ben.email, ESCALATIONS].sort());
      expect(mail!.text).toContain('Now with:    Ben Cho (reassigned)');

      // Ben does not answer either: it moves back to Ada, never staying with the one who let it lapse.
      t.clock.set('2026-11-30T15:35:00.000Z');
      await reassigning.dispatcher.runOnce();
      expect((await t.db.lead.findUniqueOrThrow({ where: { id } })).assignedToId).toBe(ada.id);
      expect(escalations()).toHaveLength(2);
    } finally {
      await reassigning.close();
    }
  });

  test('when ESCALATION=reassign and nobody else is eligible, then the lead stays and the escalation still goes out', async () => {
    const ada = await addAdvisor(t, 'Ada Brooks');
    const reassigning = anotherDispatcher(t, sink, { escalation: 'reassign' });
    try {
      const id = await postLead(t);
      await reassigning.dispatcher.runOnce();
      t.clock.set(RESPOND_BY);
      await reassigning.dispatcher.runOnce();
      expect((await t.db.lead.findUniqueOrThrow({ where: { id } })).assignedToId).toBe(ada.id);
      expect(escalations()).toHaveLength(1);
      expect(await t.db.auditEvent.count({ where: { leadId: id, action: 'lead.reassigned' } })).toBe(0);
    } finally {
      await reassigning.close();
    }
  });

  test('when ESCALATION=off, then no escalation is queued', async () => {
    await addAdvisor(t, 'Ada Brooks');
    const quiet = anotherDispatcher(t, sink, { escalation: 'off' });
    try {
      const id = await postLead(t);
      await quiet.dispatcher.runOnce();
      expect((await t.db.lead.findUniqueOrThrow({ where: { id } })).respondBy!.toISOString()).toBe(RESPOND_BY);
      expect(await escalationRows(id)).toHaveLength(0);
    } finally {
      await quiet.close();
    }
  });

  test('when ROUTING=off, then nothing escalates: the office works as without routing', async () => {
    const off = anotherDispatcher(t, sink, { routing: 'off' });
    try {
      await addAdvisor(t, 'Ada Brooks');
      const id = await postLead(t);
      await off.dispatcher.runOnce();
      expect(await escalationRows(id)).toHaveLength(0);
      t.clock.set('2026-11-30T16:00:00.000Z');
      await off.dispatcher.runOnce();
      expect(escalations()).toHaveLength(0);
    } finally {
      await off.close();
    }
  });
});
