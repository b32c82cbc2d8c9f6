import request from 'supertest';
import { json, postJson, validInquiry } from '../../support/inquiries';
import { OPEN_MONDAY, type TestApp } from '../../support/test-app';
import { startWebhookReceiver, type WebhookReceiver } from '../../support/webhook-receiver';
import { addStaff, createStaffTestApp, csrfFrom, issueToken, signIn, type TestStaff } from '../staff/staff-helpers';
import { addEndpoint } from './webhook-support';

const HTML = { Accept: 'text/html' };

describe('/admin/webhooks (SPEC §13)', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  let admin: TestStaff;
  let leadId: string;
  let deliveryId: string;
  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    t = await createStaffTestApp({ env: { WEBHOOK_ALLOW_PRIVATE: 'on' } });
    admin = await addStaff(t, { role: 'admin', name: 'Ada Admin' });
    await addEndpoint(t, receiver.url('/crm'), ['lead.created', 'lead.status_changed']);
    ({ body: { id: leadId } } = await postJson(t, json(validInquiry())).expect(201));
    receiver.answerStatus(500);
    await t.dispatcher.webhooks.runOnce();
    deliveryId = (await t.db.webhookDelivery.findFirstOrThrow({ where: { leadId } })).id;
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });
  beforeEach(() => t.clock.set(OPEN_MONDAY));

  test('when an administrator opens it, then it lists the endpoints and the last deliveries with status, tries and response code', async () => {
    const agent = await signIn(t, admin);
    const page = await agent.get('/admin/webhooks').set(HTML).expect(200);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.text).toContain('<h1>Webhooks</h1>');
    expect(page.text).toContain(receiver.url('/crm'));
    expect(page.text).toContain('lead.created, lead.status_changed');
    expect(page.text).not.toContain('whsec_');
    const row = page.text.slice(page.text.indexOf(`/admin/leads/${leadId}`) - 400, page.text.indexOf(`/admin/webhooks/deliveries/${deliveryId}/resend`));
    expect(row).toContain('lead.created');
    expect(row).toContain('Waiting to retry');
    expect(row).toMatch(/<td>1<\/td>/);
    expect(row).toContain('500');
    expect(row).not.toContain('HTTP 500'); // the code says it
    expect(page.text).toContain('aria-current="page">Webhooks</a>');
  });

  test('when a staff member who is not an administrator asks, then it is forbidden; signed out, they are sent to sign in', async () => {
    const staff = await addStaff(t, { role: 'staff' });
    const agent = await signIn(t, staff);
    await agent.get('/admin/webhooks').set(HTML).expect(403);
    const lead = await agent.get(`/admin/leads/${leadId}`).set(HTML).expect(200);
    expect(lead.text).not.toContain('href="/admin/webhooks"');
    await agent.post(`/admin/webhooks/deliveries/${deliveryId}/resend`).type('form').set(HTML).send({ _csrf: csrfFrom(lead.text) }).expect(403);
    const anonymous = await request(t.app).get('/admin/webhooks').set(HTML).expect(303);
    expect(anonymous.headers.location).toBe('/admin/login?next=%2Fadmin%2Fwebhooks');
  });

  test('when "Resend" is pressed, then the delivery goes out at once with the same webhook-id and the full schedule, and the audit log records who did it', async () => {
    const agent = await signIn(t, admin);
    const page = await agent.get('/admin/webhooks').set(HTML).expect(200);
    t.clock.advance(60_000);
    const response = await agent.post(`/admin/webhooks/deliveries/${deliveryId}/resend`).type('form').set(HTML).send({ _csrf: csrfFrom(page.text) }).expect(303);
    expect(response.headers.location).toBe('/admin/webhooks');
    expect(await t.db.webhookDelivery.findUniqueOrThrow({ where: { id: deliveryId } })).toMatchObject({ status: 'pending', attempts: 0, nextAttemptAt: t.clock.now() });
    const audit = await t.db.auditEvent.findFirstOrThrow({ where: { action: 'webhook.resent' } });
    expect(audit).toMatchObject({ actorId: admin.id, via: 'web', details: { deliveryId, event: 'lead.created', was: 'pending' } });

    const before = receiver.received.length;
    receiver.answerStatus(200);
    expect(await t.dispatcher.webhooks.runOnce()).toEqual({ delivered: 1, retried: 0, failed: 0 });
    expect(receiver.received.slice(before).map((hook) => hook.headers['webhook-id'])).toEqual([deliveryId]);
    const after = await agent.get('/admin/webhooks').set(HTML).expect(200);
    expect(after.text).toContain('The lead.created webhook will be sent again now, with the same webhook-id.');
    expect(after.text).toContain('Delivered');
  });

  test('when Resend comes without the CSRF token, through an API token, or for an unknown delivery, then it is refused and nothing changes', async () => {
    const agent = await signIn(t, admin);
    const before = await t.db.webhookDelivery.findUniqueOrThrow({ where: { id: deliveryId } });
    await agent.post(`/admin/webhooks/deliveries/${deliveryId}/resend`).type('form').set(HTML).send({}).expect(403);
    await agent.post(`/admin/webhooks/deliveries/${deliveryId}/resend`).type('form').set(HTML).send({ _csrf: 'forged' }).expect(403);
    const token = await issueToken(t, admin);
    const viaToken = await request(t.app).post(`/admin/webhooks/deliveries/${deliveryId}/resend`).set('Authorization', `Bearer ${token}`).set('Accept', 'application/json').expect(403);
    expect(viaToken.body.error).toBe('session_required');
    const page = await agent.get('/admin/webhooks').set(HTML).expect(200);
    const missing = await agent.post('/admin/webhooks/deliveries/00000000-0000-7000-8000-000000000000/resend').type('form').set('Accept', 'application/json').send({ _csrf: csrfFrom(page.text) }).expect(404);
    expect(missing.body.error).toBe('not_found');
    await agent.post('/admin/webhooks/deliveries/nope/resend').type('form').set(HTML).send({ _csrf: csrfFrom(page.text) }).expect(404);
    expect(await t.db.webhookDelivery.findUniqueOrThrow({ where: { id: deliveryId } })).toEqual(before);
  });

  test('when a dispatcher holds the delivery right now, then Resend answers 409 and leaves it alone', async () => {
    const agent = await signIn(t, admin);
    const page = await agent.get('/admin/webhooks').set(HTML).expect(200);
    await t.db.webhookDelivery.update({ where: { id: deliveryId }, data: { status: 'pending', leaseOwner: 'another', leaseUntil: new Date(t.clock.now().getTime() + 60_000) } });
    try {
      const busy = await agent.post(`/admin/webhooks/deliveries/${deliveryId}/resend`).type('form').set('Accept', 'application/json').send({ _csrf: csrfFrom(page.text) }).expect(409);
      expect(busy.body).toEqual({ error: 'delivery_in_progress', message: expect.stringContaining('being sent right now') });
      expect(await t.db.webhookDelivery.findUniqueOrThrow({ where: { id: deliveryId } })).toMatchObject({ leaseOwner: 'another' });
    } finally {
      await t.db.webhookDelivery.update({ where: { id: deliveryId }, data: { leaseOwner: null, leaseUntil: null } });
    }
  });
});
