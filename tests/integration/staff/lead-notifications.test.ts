import { parse } from 'csv-parse/sync';
import request from 'supertest';
import { json, postJson, validInquiry } from '../../support/inquiries';
import { startSmtpSink, type SmtpSink } from '../../support/smtp-sink';
import { CLOSED_SUNDAY, OPEN_MONDAY, type TestApp } from '../../support/test-app';
import { addStaff, createStaffTestApp, issueToken, signIn } from './staff-helpers';


describe('Notification state in the staff workspace', () => {
  let sink: SmtpSink;
  let t: TestApp;
  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await createStaffTestApp({ env: { SMTP_URL: sink.url, INQUIRY_RATE_LIMIT: '100/1m' } });
  });
  afterAll(async () => {
    await t.close();
    await sink.close();
  });

  test('when a lead has been emailed, then its page shows the mail history and the export fills notifiedAt', async () => {
    t.clock.set(CLOSED_SUNDAY);
    const digested = (await postJson(t, json(validInquiry())).expect(201)).body.id as string;
    t.clock.set(OPEN_MONDAY);
    const emailed = (await postJson(t, json(validInquiry())).expect(201)).body.id as string;
    await t.dispatcher.runOnce();
    t.clock.set('2026-12-06T15:00:00.000Z'); // the next Sunday: this one waits
    const waiting = (await postJson(t, json(validInquiry())).expect(201)).body.id as string;

    const staff = await addStaff(t);
    const agent = await signIn(t, staff);
    const page = await agent.get(`/admin/leads/${emailed}`).set('Accept', 'text/html').expect(200);
    expect(page.text).toContain('<h2 id="mail-title">Email</h2>');
    expect(page.text).toMatch(/<td>Admissions<\/td>\s*<td>sent<\/td>\s*<td>1<\/td>/);
    expect(page.text).toMatch(/<td>Auto-reply to the person<\/td>\s*<td>sent<\/td>/);
    const inDigest = await agent.get(`/admin/leads/${digested}`).set('Accept', 'text/html').expect(200);
    expect(inDigest.text).toMatch(/<td>Admissions \(in the opening digest\)<\/td>\s*<td>sent<\/td>/);
    const held = await agent.get(`/admin/leads/${waiting}`).set('Accept', 'text/html').expect(200);
    expect(held.text).toMatch(/<td>Admissions \(in the opening digest\)<\/td>\s*<td>pending<\/td>/);

    const token = await issueToken(t, staff);
    const csv = await request(t.app).get('/admin/leads/export.csv').set('Authorization', `Bearer ${token}`).expect(200);
    const rows = parse(csv.text, { columns: true }) as Array<Record<string, string>>;
    expect(rows.find((row) => row.id === emailed)!.notifiedAt).toBe(OPEN_MONDAY);
    expect(rows.find((row) => row.id === digested)!.notifiedAt).toBe(OPEN_MONDAY);
    expect(rows.find((row) => row.id === waiting)!.notifiedAt).toBe('');
  });
});
