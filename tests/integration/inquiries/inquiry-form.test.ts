import { createHash } from 'node:crypto';
import request from 'supertest';
import { consentDisclosure } from '../../../src/inquiries/consent';
import { createFormTokens } from '../../../src/inquiries/form-token';
import { ARTICLE, decodeEntities, openForm, postForm, validInquiry } from '../../support/inquiries';
import { CLOSED_SUNDAY, createTestApp, OPEN_MONDAY, type TestApp } from '../../support/test-app';

describe('The inquiry form (POST /inquiries)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { INQUIRY_RATE_LIMIT: '1000/1m', BASE_URL: 'http://college.test' } });
  });
  afterAll(() => t.close());
  beforeEach(() => t.clock.set(OPEN_MONDAY));

  test('when an article is shown, then it carries the form with labels, autocomplete, active programs, consent text and attribution', async () => {
    const page = await request(t.app)
      .get(`/articles/${ARTICLE}?utm_source=newsletter&utm_medium=email&utm_campaign=fall&utm_term=hca&utm_content=cta`)
      .set('Referer', 'https://search.example/?q=healthcare+degrees')
      .expect(200);
    const html = page.text;
    for (const [field, autocomplete] of [['firstName', 'given-name'], ['lastName', 'family-name'], ['email', 'email'], ['phone', 'tel'], ['postalCode', 'postal-code']]) {
      expect(html).toContain(`<label for="${field}">`);
      expect(html).toMatch(new RegExp(`id="${field}" name="${field}"[^>]*autocomplete="${autocomplete}"`));
    }
    expect(html).toMatch(/id="phone"[^>]*inputmode="tel"/);
    expect(html).toMatch(/<optgroup label="Bachelor&#39;s">\s*<option value="HCA-BS">Healthcare Administration<\/option>/);
    expect(html).not.toContain('PLS-CERT');
    expect(html).toContain(decodeEntities(consentDisclosure('Frontdesk College').text).replace(/'/g, '&#39;'));
    expect(html).toContain(`<input type="hidden" name="article" value="${ARTICLE}">`);
    expect(html).toContain('<input type="hidden" name="utm_source" value="newsletter">');
    expect(html).toContain('<input type="hidden" name="utm_content" value="cta">');
    expect(html).toContain('<input type="hidden" name="referrer" value="https://search.example/?q=healthcare+degrees">');
    expect(html).toMatch(/<input type="hidden" name="formToken" value="[0-9a-z]+\.[\w-]+">/);
    expect(html).toMatch(/name="website"[^>]*tabindex="-1"/);
    expect(page.headers['cache-control']).toBe('private, max-age=60');
  });

  test('when a person sends a valid form, then the lead is stored with attribution and consent, and they are sent to the thanks page', async () => {
    const hidden = await openForm(t, `/articles/${ARTICLE}?utm_source=newsletter&utm_campaign=fall`, { Referer: 'https://search.example/' });
    const fields = validInquiry({ firstName: ' Zoë ', email: 'Zoe.Adams@Example.ORG' });
    const response = await postForm(t, { ...hidden, ...fields }, { 'User-Agent': 'TestBrowser/1.0', Origin: 'http://college.test' }).expect(303);
    expect(response.headers.location).toBe('/inquiries/thanks');

    const lead = await t.db.lead.findFirstOrThrow({ where: { email: 'zoe.adams@example.org' }, include: { consent: true } });
    expect(lead).toMatchObject({
      firstName: 'Zoë', lastName: 'Okafor', phone: '+12125550147', postalCode: '10001', programCode: 'HCA-BS', educationLevel: 'associate',
      message: 'Can I start in January?', status: 'new', duplicateOfId: null, articleSlug: ARTICLE, utmSource: 'newsletter',
      utmCampaign: 'fall', utmMedium: null, referrer: 'https://search.example/',
    });
    expect(lead.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(lead.createdAt.toISOString()).toBe(t.clock.now().toISOString());
    const disclosure = consentDisclosure('Frontdesk College');
    expect(lead.consent).toMatchObject({
      text: disclosure.text, version: disclosure.version, sha256: createHash('sha256').update(disclosure.text).digest('hex'),
      pageUrl: `http://college.test/articles/${ARTICLE}`, userAgent: 'TestBrowser/1.0', consentedAt: lead.createdAt,
    });
    expect(lead.consent!.ip).toMatch(/127\.0\.0\.1/);
  });

  test('when the consent record is changed afterwards, then the database refuses', async () => {
    const hidden = await openForm(t);
    const fields = validInquiry();
    await postForm(t, { ...hidden, ...fields }).expect(303);
    const lead = await t.db.lead.findFirstOrThrow({ where: { email: fields.email as string } });
    await expect(t.db.consentRecord.update({ where: { leadId: lead.id }, data: { text: 'I agreed to nothing' } })).rejects.toThrow(/consent records cannot be changed/);
  });

  test.each([
    [OPEN_MONDAY, 'An admissions advisor will reply today, before 9:00 PM EST.'],
    [CLOSED_SUNDAY, 'Our office is closed now. An advisor will reply Monday, November 30 after 9:00 AM EST.'],
  ])('when the thanks page is shown at %s, then it says when admissions will reply', async (at, expected) => {
    t.clock.set(at);
    const page = await request(t.app).get('/inquiries/thanks').expect(200);
    expect(decodeEntities(page.text)).toContain(expected);
  });

  test('when fields are wrong, then the page answers 422 with a summary linking to each field, errors beside fields, and every value kept', async () => {
    const hidden = await openForm(t, `/articles/${ARTICLE}?utm_source=ads`);
    const fields = validInquiry({ email: 'not-an-email', phone: '555', message: 'Fees & "aid" <please>', consent: '' });
    const response = await postForm(t, { ...hidden, ...fields }).expect(422);
    const html = response.text;
    expect(html).toContain('There are 3 problems with your answers');
    expect(html).toContain('<a href="#email">Enter an email address like name@example.com</a>');
    expect(html).toContain('<a href="#phone">Enter a phone number we can call, like (212) 555-0147</a>');
    expect(html).toContain('<a href="#consent">Tick the box to let us contact you about your inquiry</a>');
    expect(html).toMatch(/<input id="email"[^>]*value="not-an-email" aria-invalid="true" aria-describedby="email-error">/);
    expect(html).toContain('<p class="field__error" id="email-error">');
    expect(html).toMatch(/<input id="phone"[^>]*value="555" aria-describedby="phone-hint phone-error" aria-invalid="true">/);
    expect(html).toContain('value="Maya"');
    expect(html).toContain('<option value="HCA-BS" selected>');
    expect(html).toContain('<option value="associate" selected>');
    expect(html).toContain('>Fees &amp; &quot;aid&quot; &lt;please&gt;</textarea>');
    expect(html).toContain('<input type="hidden" name="utm_source" value="ads">');
    expect(html).toContain('<h1>Healthcare Administration vs. Healthcare Management</h1>');
    expect(await t.db.lead.count({ where: { email: 'not-an-email' } })).toBe(0);
  });

  test('when the honeypot is filled, then it looks like success but is stored as spam', async () => {
    const hidden = await openForm(t);
    const fields = validInquiry();
    const response = await postForm(t, { ...hidden, ...fields, website: 'http://spam.example' }).expect(303);
    expect(response.headers.location).toBe('/inquiries/thanks');
    const lead = await t.db.lead.findFirstOrThrow({ where: { email: fields.email as string } });
    expect(lead.status).toBe('spam');
  });

  test('when the form comes back faster than 2 seconds after it was shown, then it is stored as spam', async () => {
    const page = await request(t.app).get(`/articles/${ARTICLE}`).expect(200);
    const token = /name="formToken" value="([^"]+)"/.exec(page.text)![1]!;
    t.clock.advance(1_500);
    const fields = validInquiry();
    await postForm(t, { formToken: token, article: ARTICLE, ...fields }).expect(303);
    expect((await t.db.lead.findFirstOrThrow({ where: { email: fields.email as string } })).status).toBe('spam');
  });

  test('when a spam submission is also invalid, then it still looks like success and nothing is stored', async () => {
    const hidden = await openForm(t);
    const before = await t.db.lead.count();
    await postForm(t, { ...hidden, firstName: 'x', website: 'bot' }).expect(303);
    expect(await t.db.lead.count()).toBe(before);
  });

  test.each([
    ['missing', () => undefined],
    ['forged', () => createFormTokens('another-secret-another-secret-0000').issue(new Date(OPEN_MONDAY))],
    ['expired', () => createFormTokens('test-secret-test-secret-test-secret-0123').issue(new Date(Date.parse(OPEN_MONDAY) - 25 * 3600_000))],
    ['garbled', () => 'abc.def.ghi'],
  ])('when the form token is %s, then it answers 400 with every value kept and a fresh token', async (_kind, makeToken) => {
    const fields = validInquiry();
    const token = makeToken();
    const response = await postForm(t, { ...fields, article: ARTICLE, ...(token ? { formToken: token } : {}) }).expect(400);
    expect(response.text).toContain('Please send your question once more');
    expect(response.text).toContain(`value="${fields.email}"`);
    const fresh = /name="formToken" value="([^"]+)"/.exec(response.text)![1]!;
    expect(fresh).not.toBe(token);
    expect(createFormTokens('test-secret-test-secret-test-secret-0123').check(fresh, t.clock.now())).toMatchObject({ valid: true });
    expect(await t.db.lead.count({ where: { email: fields.email as string } })).toBe(0);
  });

  test('when the Origin is another site, then it answers 403 and stores nothing', async () => {
    const hidden = await openForm(t);
    const fields = validInquiry();
    const response = await postForm(t, { ...hidden, ...fields }, { Origin: 'https://evil.example' }).expect(403);
    expect(response.text).toContain('This form can only be sent from our own pages.');
    await postForm(t, { ...hidden, ...fields }, { Origin: 'null' }).expect(403);
    expect(await t.db.lead.count({ where: { email: fields.email as string } })).toBe(0);
  });

  test('when the body is over 16 kB, then it answers 413', async () => {
    const hidden = await openForm(t);
    await postForm(t, { ...hidden, ...validInquiry({ message: 'x'.repeat(17_000) }) }).expect(413);
  });

  test('when the article in the form is unknown, then a 422 shows the form on a page of its own', async () => {
    const hidden = await openForm(t);
    const response = await postForm(t, { ...hidden, article: 'no-such-article', ...validInquiry({ phone: '1' }) }).expect(422);
    expect(response.text).toContain('Ask admissions a question');
    expect(response.text).toContain('<a href="#phone">');
  });
});
