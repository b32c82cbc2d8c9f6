import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { v7 as uuidv7 } from 'uuid';
import { ARTICLE, json, postJson, validInquiry } from '../../support/inquiries';
import { leadIdsOf, recipientsOf, type SmtpSink } from '../../support/smtp-sink';
import { CLOSED_SUNDAY, createTestApp, createTestAppWithSink, OPEN_MONDAY, resetMail, type TestApp } from '../../support/test-app';

const admissionsMail = (sink: SmtpSink) => sink.messages.filter((message) => recipientsOf(message).includes('admissions@college.test'));
const autoreplies = (sink: SmtpSink) => sink.messages.filter((message) => !recipientsOf(message).includes('admissions@college.test'));

describe('Admissions email', () => {
  let sink: SmtpSink;
  let t: TestApp;
  beforeAll(async () => {
    ({ t, sink } = await createTestAppWithSink({
      env: { INQUIRY_RATE_LIMIT: '10000/1m', ADMISSIONS_EMAIL: 'admissions@college.test', BASE_URL: 'https://enroll.college.test', MAIL_FROM: 'Admissions <admissions@college.test>' },
    }));
  });
  afterAll(() => t.close());
  // Each test starts with an empty outbox and an empty mailbox.
  beforeEach(() => resetMail(t, sink));

  test('when a lead arrives during office hours, then admissions gets one email with subject, Reply-To, both parts and the admin link', async () => {
    t.clock.set(OPEN_MONDAY);
    const fields = json(validInquiry({ firstName: 'Ana María', lastName: "O'Neill", article: ARTICLE, utm_source: 'newsletter', message: 'Evening <b>classes</b>?' }));
    const { body } = await postJson(t, fields).expect(201);

    expect(await t.dispatcher.runOnce()).toEqual({ sent: 2, retried: 0, failed: 0 });

    const [mail] = admissionsMail(sink);
    expect(admissionsMail(sink)).toHaveLength(1);
    expect(mail!.subject).toBe("New inquiry: Ana María O'Neill — Healthcare Administration");
    expect(mail!.replyTo!.value).toEqual([{ name: "Ana María O'Neill", address: fields.email }]);
    expect(mail!.from!.value).toEqual([{ name: 'Admissions', address: 'admissions@college.test' }]);
    expect(mail!.text).toContain(`\nOpen in Frontdesk: https://enroll.college.test/admin/leads/${body.id}\n`);
    // One field per line in the plain-text part.
    expect(mail!.text).toMatch(/^Program: {5}Healthcare Administration \(Bachelor's\)\nEmail: {7}\S+@example\.org\nPhone: {7}\+12125550147\n/m);
    expect(mail!.text).toContain('Phone:       +12125550147');
    expect(mail!.text).toContain('Article:     Healthcare Administration vs. Healthcare Management');
    expect(mail!.text).toContain('utm_source: newsletter');
    expect(mail!.text).toContain('Received:    Mon, Nov 30, 2026, 10:00 AM EST');
    expect(mail!.html).toContain(`href="https://enroll.college.test/admin/leads/${body.id}"`);
    expect(mail!.html).toContain('Evening &lt;b&gt;classes&lt;/b&gt;?');
    expect(mail!.html).not.toContain('<b>classes</b>');
    expect(leadIdsOf(mail!)).toEqual([body.id]);

    const rows = await t.db.notification.findMany({ where: { leadId: body.id }, orderBy: { kind: 'asc' } });
    expect(rows.map((row) => [row.kind, row.status, row.attempts, row.digest])).toEqual([['admissions', 'sent', 1, false], ['autoreply', 'sent', 1, false]]);
    expect(rows[0]!.messageId).toBe(mail!.messageId);
    expect(rows[0]!.sentAt!.toISOString()).toBe(OPEN_MONDAY);
  });

  test('when the dispatcher runs on its own, then a lead stored during office hours is emailed within 10 seconds (woken by NOTIFY)', async () => {
    t.clock.set(OPEN_MONDAY);
    // A one-minute poll: only the NOTIFY sent with the lead's transaction can wake it in time.
    t.dispatcher.start({ connectionString: t.connectionString, pollMs: 60_000 });
    try {
      await new Promise((resolve) => setTimeout(resolve, 200)); // let LISTEN register
      const started = Date.now();
      const { body } = await postJson(t, json(validInquiry())).expect(201);
      await sink.waitFor(2);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(admissionsMail(sink).flatMap(leadIdsOf)).toEqual([body.id]);
    } finally {
      await t.dispatcher.stop();
    }
  });

  test('when the same person asks again, then the email says so and links the earlier inquiry', async () => {
    t.clock.set(OPEN_MONDAY);
    const fields = json(validInquiry());
    const first = await postJson(t, fields).expect(201);
    await postJson(t, { ...fields, program: 'IT-AS' }).expect(201);
    await t.dispatcher.runOnce();
    const second = admissionsMail(sink).find((mail) => mail.subject?.includes('Information Technology'))!;
    expect(second.text).toContain(`Note: this person already asked within the last 30 days. Earlier inquiry: https://enroll.college.test/admin/leads/${first.body.id}`);
  });

  test('when leads arrive while the office is closed, then nothing goes to admissions until the opening, then one digest names them all', async () => {
    t.clock.set(CLOSED_SUNDAY);
    const ids: string[] = [];
    for (const firstName of ['Ines', 'Kofi', 'Lena']) ids.push((await postJson(t, json(validInquiry({ firstName, article: ARTICLE })))).body.id);

    await t.dispatcher.runOnce();
    expect(admissionsMail(sink)).toHaveLength(0);
    expect(autoreplies(sink)).toHaveLength(3); // the people hear from us at once, at any hour

    t.clock.set('2026-11-30T13:59:59.999Z'); // 8:59:59 EST Monday
    await t.dispatcher.runOnce();
    expect(admissionsMail(sink)).toHaveLength(0);

    t.clock.set('2026-11-30T14:00:00.000Z');
    expect((await t.dispatcher.runOnce()).sent).toBe(3);
    const [digest] = admissionsMail(sink);
    expect(admissionsMail(sink)).toHaveLength(1);
    expect(digest!.subject).toBe('3 inquiries received while the office was closed');
    for (const [index, name] of ['Ines', 'Kofi', 'Lena'].entries()) {
      expect(digest!.html).toContain(`<a href="https://enroll.college.test/admin/leads/${ids[index]}">${name} Okafor</a>`);
    }
    expect(digest!.html).toContain('Sun, Nov 29, 2026, 10:30 AM EST');
    expect(digest!.html).toContain('Healthcare Administration vs. Healthcare Management');
    expect(digest!.text).toContain('1. Ines Okafor — Healthcare Administration (Bachelor&#39;s)'.replace('&#39;', "'"));
    expect(leadIdsOf(digest!).sort()).toEqual([...ids].sort());

    await t.dispatcher.runOnce();
    expect(admissionsMail(sink)).toHaveLength(1);
  });

  test('when more than 100 leads wait for the opening, then the digest lists 100 and links to the rest', async () => {
    t.clock.set(CLOSED_SUNDAY);
    await t.db.$executeRawUnsafe('SELECT 1');
    for (let n = 0; n < 103; n += 1) await postJson(t, json(validInquiry({ firstName: `Person${'abcdefghij'[n % 10]}` })), {}).expect(201);
    t.clock.set('2026-11-30T14:00:00.000Z');
    await t.dispatcher.runOnce();
    const [digest] = admissionsMail(sink);
    expect(digest!.subject).toBe('103 inquiries received while the office was closed');
    expect(String(digest!.html).match(/\/admin\/leads\/[0-9a-f-]{36}"/g)).toHaveLength(100);
    expect(digest!.html).toContain('…and 3 more. <a href="https://enroll.college.test/admin/leads">See them all in Frontdesk</a>');
    expect(await t.db.notification.count({ where: { kind: 'admissions', status: 'pending' } })).toBe(0);
  });

  test('when a lead arrives Friday night, then its digest goes out Monday 9:00 even across the DST change', async () => {
    t.clock.set('2026-10-31T01:30:00.000Z'); // Friday Oct 30, 21:30 EDT: just closed
    const { body } = await postJson(t, json(validInquiry())).expect(201);
    expect(body.notifyAdmissionsAt).toBe('2026-11-02T14:00:00.000Z'); // Monday 9:00 EST, after DST ended Sunday
    for (const at of ['2026-10-31T15:00:00.000Z', '2026-11-01T15:00:00.000Z', '2026-11-02T13:00:00.000Z', '2026-11-02T13:59:59.000Z']) {
      t.clock.set(at);
      await t.dispatcher.runOnce();
    }
    expect(admissionsMail(sink)).toHaveLength(0);
    t.clock.set('2026-11-02T14:00:00.000Z');
    await t.dispatcher.runOnce();
    expect(admissionsMail(sink).flatMap(leadIdsOf)).toEqual([body.id]);
  });

  test('when a lead is erased before its mail goes out, then its queued mail goes with it', async () => {
    t.clock.set(CLOSED_SUNDAY);
    const { body } = await postJson(t, json(validInquiry())).expect(201);
    expect(await t.db.notification.count({ where: { leadId: body.id } })).toBe(2);
    await t.db.lead.delete({ where: { id: body.id } });
    expect(await t.db.notification.count({ where: { leadId: body.id } })).toBe(0);
    t.clock.set('2026-11-30T14:00:00.000Z');
    await t.dispatcher.runOnce();
    expect(sink.messages).toHaveLength(0);
  });

  test('when a spam lead is stored, then nobody is emailed', async () => {
    t.clock.set(OPEN_MONDAY);
    await postJson(t, json(validInquiry({ website: 'http://spam.example' }))).expect(201);
    await t.dispatcher.runOnce();
    expect(sink.messages).toHaveLength(0);
  });

  test('when someone asks at 3 am, then their auto-reply goes at once and says when admissions will reply', async () => {
    t.clock.set('2026-12-01T08:00:00.000Z'); // Tuesday 3:00 EST
    const fields = json(validInquiry({ firstName: 'Noor' }));
    await postJson(t, fields).expect(201);
    await t.dispatcher.runOnce();
    expect(admissionsMail(sink)).toHaveLength(0);
    const [reply] = autoreplies(sink);
    expect(recipientsOf(reply!)).toEqual([fields.email]);
    expect(reply!.subject).toBe('We received your question, Noor');
    expect(reply!.text).toContain('Our office is closed now. An advisor will reply today after 9:00 AM EST.');
    expect(reply!.html).toContain('Healthcare Administration (Bachelor&#39;s)');
  });

  test('when stored data carries line breaks (bypassing validation), then no header is injected', async () => {
    t.clock.set(OPEN_MONDAY);
    const id = uuidv7();
    await t.db.lead.create({
      data: {
        id, firstName: 'Eve\r\nBcc: victim@example.org', lastName: 'X\nSubject: hijacked', email: 'eve@example.org\r\nCc: other@example.org',
        phone: '+12125550147', programCode: 'HCA-BS',
        consent: { create: { text: 't', version: 'v', sha256: '0'.repeat(64), pageUrl: 'https://x', consentedAt: new Date(), ip: '1', userAgent: 'u' } },
      },
    });
    await t.db.notification.create({ data: { id: uuidv7(), leadId: id, kind: 'admissions', scheduledAt: new Date(OPEN_MONDAY), nextAttemptAt: new Date(OPEN_MONDAY) } });
    await t.dispatcher.runOnce();
    const [mail] = admissionsMail(sink);
    expect(mail!.subject).toBe('New inquiry: Eve Bcc: victim@example.org X Subject: hijacked — Healthcare Administration');
    expect(mail!.headers.has('bcc')).toBe(false);
    expect(mail!.cc).toBeUndefined();
    expect(recipientsOf(mail!)).toEqual(['admissions@college.test']);
  });
});

describe('Mail without an SMTP server', () => {
  test('when SMTP_URL is unset, then each email is written as an .eml file in DATA_DIR/outbox', async () => {
    const t = await createTestApp({ env: { INQUIRY_RATE_LIMIT: '100/1m' } });
    try {
      await postJson(t, json(validInquiry({ firstName: 'Filed' }))).expect(201);
      expect((await t.dispatcher.runOnce()).sent).toBe(2);
      const outbox = path.join(t.config.dataDir, 'outbox');
      const files = readdirSync(outbox).filter((name) => name.endsWith('.eml'));
      expect(files).toHaveLength(2);
      const subjects = await Promise.all(files.map(async (name) => (await simpleParser(readFileSync(path.join(outbox, name)))).subject));
      expect(subjects.sort()).toEqual(['New inquiry: Filed Okafor — Healthcare Administration', 'We received your question, Filed']);
    } finally {
      await t.close();
    }
  });
});
