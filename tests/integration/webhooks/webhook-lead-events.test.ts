import request from 'supertest';
import pino from 'pino';
import { Registry } from 'prom-client';
import { v7 as uuidv7 } from 'uuid';
import { buildDispatcher } from '../../../src/dispatcher';
import { createMailer } from '../../../src/platform/mailer';
import { EXPORT_KEYS } from '../../../src/leads';
import { json, postJson, validInquiry } from '../../support/inquiries';
import { OPEN_MONDAY, type TestApp } from '../../support/test-app';
import { startWebhookReceiver, type WebhookReceiver } from '../../support/webhook-receiver';
import { addStaff, createStaffTestApp, csrfFrom, signIn, type TestStaff } from '../staff/staff-helpers';
import { addEndpoint, verify } from './webhook-support';

const HTML = { Accept: 'text/html' };
type Agent = Awaited<ReturnType<typeof signIn>>;

describe('Webhook events of a lead: created, assigned, status changed, first response (SPEC §13)', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  let secret: string;
  let staff: TestStaff;
  let agent: Agent;
  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    t = await createStaffTestApp({ env: { WEBHOOK_ALLOW_PRIVATE: 'on', INQUIRY_RATE_LIMIT: '100000/1m' } });
    ({ secret } = await addEndpoint(t, receiver.url(), ['lead.created', 'lead.assigned', 'lead.status_changed', 'lead.first_response']));
    staff = await addStaff(t, { name: 'Avery Advisor' });
    agent = await signIn(t, staff);
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });
  beforeEach(async () => {
    receiver.reset();
    t.clock.set(OPEN_MONDAY);
    await t.db.staffUser.updateMany({ data: { available: false } });
  });

  async function postLead(): Promise<string> {
    const { body } = await postJson(t, json(validInquiry())).expect(201);
    return body.id as string;
  }

  /** Delivers what is queued and returns the verified bodies, in the order received. */
  async function deliver() {
    const from = receiver.received.length;
    await t.dispatcher.webhooks.runOnce();
    return receiver.received.slice(from).map((hook) => verify(secret, hook, t.clock.now()));
  }

  async function changeStatus(leadId: string, status: string) {
    const page = await agent.get(`/admin/leads/${leadId}`).set(HTML).expect(200);
    await agent.post(`/admin/leads/${leadId}/status`).type('form').set(HTML).send({ _csrf: csrfFrom(page.text), status }).expect(303);
  }

  async function logContact(leadId: string) {
    const page = await agent.get(`/admin/leads/${leadId}`).set(HTML).expect(200);
    await agent.post(`/admin/leads/${leadId}/contacts`).type('form').set(HTML).send({ _csrf: csrfFrom(page.text), channel: 'call', outcome: 'reached' }).expect(303);
  }

  test('when the dispatcher assigns a lead to an advisor, then lead.assigned is sent once, with the advisor in data.assignee', async () => {
    const advisor = await t.db.staffUser.create({ data: { id: uuidv7(), email: `rowan.${process.pid}@college.test`, name: 'Rowan Router', passwordHash: 'unused', available: true } });
    const leadId = await postLead();
    await t.dispatcher.runOnce(); // the admissions mail is due: the lead is routed
    await t.dispatcher.runOnce();

    const bodies = await deliver();
    expect(bodies.map((body) => body.type).sort()).toEqual(['lead.assigned', 'lead.created']);
    const assigned = bodies.find((body) => body.type === 'lead.assigned')!;
    expect(assigned.timestamp).toBe(OPEN_MONDAY);
    expect(Object.keys(assigned.data)).toEqual(EXPORT_KEYS);
    expect(assigned.data).toMatchObject({ id: leadId, assignee: advisor.email });
    expect(await deliver()).toEqual([]);
  });

  test('when an overdue lead is reassigned (ESCALATION=reassign), then lead.assigned is sent again with the new advisor', async () => {
    const first = await t.db.staffUser.create({ data: { id: uuidv7(), email: `ada.${process.pid}@college.test`, name: 'Ada Brooks', passwordHash: 'unused', available: true, createdAt: new Date('2026-01-01T00:00:00Z') } });
    const second = await t.db.staffUser.create({ data: { id: uuidv7(), email: `ben.${process.pid}@college.test`, name: 'Ben Cho', passwordHash: 'unused', available: true, createdAt: new Date('2026-01-01T00:00:01Z') } });
    const logger = pino({ level: 'silent' });
    const mailer = createMailer({ smtpUrl: undefined, dataDir: t.config.dataDir, logger });
    const reassigning = buildDispatcher({ config: { ...t.config, escalation: 'reassign' }, db: t.db, clock: t.clock, logger, mailer, registry: new Registry() });
    try {
      const leadId = await postLead();
      await reassigning.runOnce();
      const assignedTo = (await t.db.lead.findUniqueOrThrow({ where: { id: leadId } })).assignedToId;
      const other = assignedTo === first.id ? second : first;
      await deliver();
      t.clock.advance(20 * 60_000); // past respondBy (15 min of open time)
      await reassigning.runOnce();
      expect((await t.db.lead.findUniqueOrThrow({ where: { id: leadId } })).assignedToId).toBe(other.id);
      // Earlier tests' leads are overdue too and may move as well: look at this one.
      const bodies = (await deliver()).filter((body) => body.data.id === leadId);
      expect(bodies).toEqual([expect.objectContaining({ type: 'lead.assigned', timestamp: t.clock.now().toISOString(), data: expect.objectContaining({ assignee: other.email }) })]);
    } finally {
      mailer.close();
      await t.db.staffUser.updateMany({ where: { id: { in: [first.id, second.id] } }, data: { available: false } });
    }
  });

  test('when nobody is available to assign the lead to, then no lead.assigned is sent', async () => {
    const leadId = await postLead();
    await t.dispatcher.runOnce();
    expect((await deliver()).map((body) => [body.type, body.data.id])).toEqual([['lead.created', leadId]]);
  });

  test('when staff change a new lead\'s status, then lead.status_changed (with the status and the one before) and lead.first_response are sent; a later change sends only lead.status_changed', async () => {
    const leadId = await postLead();
    await deliver();
    t.clock.advance(60_000);
    await changeStatus(leadId, 'contacted');
    const changedAt = t.clock.now().toISOString();
    const first = await deliver();
    expect(first.map((body) => body.type).sort()).toEqual(['lead.first_response', 'lead.status_changed']);
    expect(first.find((body) => body.type === 'lead.status_changed')).toMatchObject({ timestamp: changedAt, data: { id: leadId, status: 'contacted', previousStatus: 'new' } });
    expect(first.find((body) => body.type === 'lead.first_response')).toMatchObject({ timestamp: changedAt, data: { id: leadId, firstResponseAt: changedAt } });

    t.clock.advance(60_000);
    await changeStatus(leadId, 'qualified');
    await changeStatus(leadId, 'qualified'); // no change: no event
    const second = await deliver();
    expect(second).toEqual([expect.objectContaining({ type: 'lead.status_changed', data: expect.objectContaining({ status: 'qualified', previousStatus: 'contacted' }) })]);
  });

  test('when the first contact is logged, then lead.first_response is sent once; later contacts send nothing', async () => {
    const leadId = await postLead();
    await deliver();
    t.clock.advance(90_000);
    await logContact(leadId);
    const bodies = await deliver();
    expect(bodies).toEqual([expect.objectContaining({ type: 'lead.first_response', timestamp: t.clock.now().toISOString() })]);
    expect(bodies[0]!.data).toMatchObject({ id: leadId, firstResponseAt: t.clock.now().toISOString(), status: 'new' });
    t.clock.advance(60_000);
    await logContact(leadId);
    await changeStatus(leadId, 'contacted');
    expect((await deliver()).map((body) => body.type)).toEqual(['lead.status_changed']);
  });

  test('when an endpoint takes only some events, then it gets only those', async () => {
    await addEndpoint(t, receiver.url('/status-only'), ['lead.status_changed']);
    try {
      const leadId = await postLead();
      await changeStatus(leadId, 'contacted');
      await t.dispatcher.webhooks.runOnce();
      expect(receiver.at('/status-only').map((hook) => (JSON.parse(hook.body) as { type: string }).type)).toEqual(['lead.status_changed']);
    } finally {
      await t.db.webhookEndpoint.deleteMany({ where: { url: receiver.url('/status-only') } });
    }
  });

  test('when a lead is erased before its webhook goes out, then nothing is sent for it', async () => {
    const leadId = await postLead();
    await t.db.lead.delete({ where: { id: leadId } });
    expect(await t.db.webhookDelivery.count({ where: { leadId } })).toBe(0);
    expect(await deliver()).toEqual([]);
  });
});

describe('Webhook events of a call: booked, cancelled (SPEC §13)', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  let secret: string;
  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    t = await createStaffTestApp({ env: { WEBHOOK_ALLOW_PRIVATE: 'on', INQUIRY_RATE_LIMIT: '100000/1m' } });
    ({ secret } = await addEndpoint(t, receiver.url(), ['callback.booked', 'callback.cancelled']));
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  test('when a person books a call, moves it and cancels it, then callback.booked is sent twice and callback.cancelled once, each with the lead and the call as it then stood', async () => {
    t.clock.set(OPEN_MONDAY);
    const { body: lead } = await postJson(t, json(validInquiry())).expect(201);
    const offer = await request(t.app).get(`/api/callback-slots?lead=${encodeURIComponent(lead.leadToken as string)}`).expect(200);
    const [first, second] = (offer.body as { slots: Array<{ start: string }> }).slots;
    const booked = await request(t.app).post('/api/callbacks').send({ lead: lead.leadToken, slot: first!.start }).expect(201);
    await request(t.app).post('/api/callbacks').send({ lead: lead.leadToken, slot: second!.start }).expect(201);
    const manage = new URL(booked.body.manageUrl as string);
    await request(t.app).post(`/callbacks/${booked.body.id}/cancel`).type('form').send({ token: manage.searchParams.get('token') }).expect(303);

    await t.dispatcher.webhooks.runOnce();
    const bodies = receiver.received.map((hook) => verify(secret, hook, t.clock.now()));
    expect(bodies.map((body) => body.type)).toEqual(expect.arrayContaining(['callback.booked', 'callback.booked', 'callback.cancelled']));
    expect(bodies).toHaveLength(3);
    for (const body of bodies) {
      expect(body.data).toMatchObject({ id: lead.id, call: { id: booked.body.id, kind: 'scheduled' } });
      expect(Object.keys(body.data)).toEqual([...EXPORT_KEYS, 'call']);
    }
    const scheduled = bodies.filter((body) => body.type === 'callback.booked').map((body) => (body.data.call as { scheduledFor: string; sequence: number }));
    expect(scheduled.map((call) => call.scheduledFor).sort()).toEqual([first!.start, second!.start].sort());
    const cancelled = bodies.find((body) => body.type === 'callback.cancelled')!.data.call as { status: string; scheduledFor: string };
    expect(cancelled).toMatchObject({ status: 'cancelled', scheduledFor: second!.start });
    await t.dispatcher.webhooks.runOnce();
    expect(receiver.received).toHaveLength(3);
  });
});
