import ICAL from 'ical.js';
import type { ParsedMail } from 'mailparser';
import type { TestApp } from '../../support/test-app';
import type { SmtpSink } from '../../support/smtp-sink';
import { addAdvisor, ADMISSIONS, anotherDispatcher, bookJson, mailTo, newLead, routingApp, ROUTING_ENV } from './callback-support';

const callMail = (sink: SmtpSink) => sink.messages.filter((message) => message.headers.has('x-frontdesk-callback'));
const subjects = (messages: ParsedMail[]) => messages.map((message) => message.subject);

describe('Mail about calls', () => {
  // No escalations: the leads here are never answered, and only call mail is of interest.
  const app = routingApp({ ...ROUTING_ENV, ESCALATION: 'off' });
  let t: TestApp;
  let sink: SmtpSink;
  beforeAll(() => {
    ({ t, sink } = app);
  });
  beforeEach(async () => {
    await t.db.callback.deleteMany();
  });

  async function bookedWithAdvisor(slot: string) {
    const ada = await addAdvisor(t, 'Ada Brooks');
    const lead = await newLead(t, { firstName: 'Rosa', lastName: 'Diaz' });
    await t.dispatcher.runOnce(); // routes the lead to Ada and sends the lead mail
    sink.clear();
    const { body } = await bookJson(t, lead.token, slot).expect(201);
    return { ada, lead, call: body as { id: string; manageUrl: string } };
  }

  test('when a call is booked, then the person gets a confirmation with an .ics (stable UID, UTC times, the number) and the manage link, once', async () => {
    const { lead, call } = await bookedWithAdvisor('2026-11-30T16:00:00.000Z');
    await t.dispatcher.runOnce();
    await t.dispatcher.runOnce();

    const confirmations = callMail(sink).filter((message) => message.subject?.startsWith('Your call'));
    expect(confirmations).toHaveLength(1);
    const [mail] = confirmations;
    expect(mail!.subject).toBe('Your call with admissions: Mon, Nov 30, 2026, 11:00 AM EST');
    expect(mail!.text).toContain('Ada Brooks will call you on +12125550147 at Mon, Nov 30, 2026, 11:00 AM EST.');
    expect(mail!.text).toContain(call.manageUrl);
    expect(mail!.html).toContain('Change or cancel your call');

    const ics = mail!.attachments.find((attachment) => attachment.filename === 'call.ics');
    expect(ics?.contentType).toBe('text/calendar');
    const calendar = new ICAL.Component(ICAL.parse(ics!.content.toString('utf8')));
    const event = new ICAL.Event(calendar.getFirstSubcomponent('vevent')!);
    expect(event.uid).toBe(`callback-${call.id}@enroll.college.test`);
    expect(event.summary).toBe('Call from Frontdesk College Admissions');
    expect(event.startDate.toJSDate().toISOString()).toBe('2026-11-30T16:00:00.000Z');
    expect(event.endDate.toJSDate().toISOString()).toBe('2026-11-30T16:15:00.000Z');
    expect(event.startDate.zone.tzid).toBe('UTC');
    expect(ics!.content.toString('utf8')).toMatch(/DTSTART:20261130T160000Z/);
    expect(event.location).toContain('+12125550147');
    expect(event.sequence).toBe(0);
    expect(lead.id).toBeTruthy();
  });

  test('when a call is booked, then its advisor\'s reminder goes out 10 minutes before it, exactly once with two dispatchers', async () => {
    const { ada } = await bookedWithAdvisor('2026-11-30T16:00:00.000Z');
    await t.dispatcher.runOnce();
    expect(mailTo(sink, ada.email)).toHaveLength(0);

    t.clock.set('2026-11-30T15:49:59.000Z');
    await t.dispatcher.runOnce();
    expect(mailTo(sink, ada.email)).toHaveLength(0);

    t.clock.set('2026-11-30T15:50:00.000Z');
    const second = anotherDispatcher(t, sink);
    try {
      await Promise.all([t.dispatcher.runOnce(), second.dispatcher.runOnce(), t.dispatcher.runOnce(), second.dispatcher.runOnce()]);
    } finally {
      await second.close();
    }
    const reminders = mailTo(sink, ada.email);
    expect(subjects(reminders)).toEqual(['Call at 11:00 AM EST: Rosa Diaz']);
    expect(reminders[0]!.text).toContain('+12125550147');
  });

  test('when a call is booked closer than the reminder lead time, then the reminder goes at once', async () => {
    t.clock.set('2026-11-30T15:25:00.000Z');
    const { ada } = await bookedWithAdvisor('2026-11-30T16:00:00.000Z');
    t.clock.set('2026-11-30T15:55:00.000Z');
    await bookJson(t, (await newLead(t)).token, '2026-11-30T16:30:00.000Z').expect(201);
    await t.dispatcher.runOnce();
    expect(subjects(mailTo(sink, ada.email))).toContain('Call at 11:00 AM EST: Rosa Diaz');
  });

  test('when "call me now" is booked, then the advisor is told at once: Call now: First Last — +1…', async () => {
    const { ada } = await bookedWithAdvisor('now');
    await t.dispatcher.runOnce();
    expect(subjects(mailTo(sink, ada.email))).toEqual(['Call now: Rosa Diaz — +12125550147']);
    expect(callMail(sink).find((message) => message.subject === "We'll call you shortly, Rosa")).toBeDefined();
  });

  test('when nobody is eligible, then "call now" goes to ADMISSIONS_EMAIL', async () => {
    const lead = await newLead(t, { firstName: 'Rosa', lastName: 'Diaz' });
    sink.clear();
    await bookJson(t, lead.token, 'now').expect(201);
    await t.dispatcher.runOnce();
    expect(subjects(mailTo(sink, ADMISSIONS))).toContain('Call now: Rosa Diaz — +12125550147');
  });

  test('when a call is moved, then a new confirmation and a reminder at the new time go out, and the old reminder never', async () => {
    const { ada, lead, call } = await bookedWithAdvisor('2026-11-30T16:00:00.000Z');
    await t.dispatcher.runOnce();
    await bookJson(t, lead.token, '2026-11-30T18:00:00.000Z').expect(201);
    await t.dispatcher.runOnce();
    for (const at of ['2026-11-30T15:50:00.000Z', '2026-11-30T16:30:00.000Z', '2026-11-30T17:50:00.000Z']) {
      t.clock.set(at);
      await t.dispatcher.runOnce();
    }
    expect(subjects(mailTo(sink, ada.email))).toEqual(['Call at 1:00 PM EST: Rosa Diaz']);
    const confirmations = callMail(sink).filter((message) => message.subject?.startsWith('Your call'));
    expect(subjects(confirmations)).toEqual(['Your call with admissions: Mon, Nov 30, 2026, 11:00 AM EST', 'Your call with admissions: Mon, Nov 30, 2026, 1:00 PM EST']);
    const ics = confirmations[1]!.attachments[0]!.content.toString('utf8');
    const event = new ICAL.Event(new ICAL.Component(ICAL.parse(ics)).getFirstSubcomponent('vevent')!);
    expect([event.uid, event.sequence]).toEqual([`callback-${call.id}@enroll.college.test`, 1]);
    const old = await t.db.notification.findFirstOrThrow({ where: { callbackId: call.id, kind: 'callback_reminder', callbackSequence: 0 } });
    expect(old.status).toBe('cancelled');
  });

  test('when a call is cancelled, then its advisor is told once and the reminder is never sent', async () => {
    const { ada, call } = await bookedWithAdvisor('2026-11-30T16:00:00.000Z');
    const token = new URL(call.manageUrl).searchParams.get('token')!;
    const { default: request } = await import('supertest');
    await request(t.app).post(`/callbacks/${call.id}/cancel`).type('form').send({ token }).expect(303);
    await t.dispatcher.runOnce();
    t.clock.set('2026-11-30T15:50:00.000Z');
    await t.dispatcher.runOnce();
    expect(subjects(mailTo(sink, ada.email))).toEqual(['Call cancelled: Rosa Diaz — 11:00 AM EST']);
  });

  test('when a reminder falls before the office opens, then it goes at its own time, not held for the opening', async () => {
    t.clock.set('2026-11-28T01:00:00.000Z'); // Friday 20:00 EST
    const { ada } = await bookedWithAdvisor('2026-11-30T14:00:00.000Z'); // Monday 9:00
    t.clock.set('2026-11-30T13:50:00.000Z'); // Monday 8:50, closed
    await t.dispatcher.runOnce();
    expect(subjects(mailTo(sink, ada.email))).toEqual(['Call at 9:00 AM EST: Rosa Diaz']);
  });
});
