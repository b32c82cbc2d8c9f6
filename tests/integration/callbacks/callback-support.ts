import request from 'supertest';
import { json, postJson, validInquiry } from '../../support/inquiries';
import type { TestApp } from '../../support/test-app';

export { addAdvisor, ADMISSIONS, anotherDispatcher, mailTo, OPEN, routingApp, ROUTING_ENV } from '../routing/routing-support';

/** Posts an inquiry through the API: its lead id and the token that books its call. */
export async function newLead(t: TestApp, overrides: Record<string, unknown> = {}): Promise<{ id: string; token: string }> {
  const { body } = await postJson(t, json(validInquiry(overrides))).expect(201);
  return { id: body.id as string, token: body.leadToken as string };
}

export const slotsFor = (t: TestApp, token: string) => request(t.app).get('/api/callback-slots').query({ lead: token });

export const bookJson = (t: TestApp, lead: string, slot: string) => request(t.app).post('/api/callbacks').set('Content-Type', 'application/json').send(JSON.stringify({ lead, slot }));

/** What is stored about calls and their mail: must not change after a refused request. */
export async function storedCalls(t: TestApp) {
  const calls = await t.db.callback.findMany({ orderBy: { id: 'asc' } });
  const mail = await t.db.notification.findMany({ where: { callbackId: { not: null } }, orderBy: { id: 'asc' } });
  return { calls, mail };
}
