import { ARTICLE, openForm, postForm, postJson, validInquiry, json } from '../../support/inquiries';
import { createTestApp, type TestApp } from '../../support/test-app';

/**
 * The consent record is legal proof of what a person agreed to and where:
 * its page is the article the form was on, checked to exist, or the
 * endpoint itself; never a header the client made up.
 */
describe('The page a consent record names', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { INQUIRY_RATE_LIMIT: '1000/1m', BASE_URL: 'http://college.test' } });
  });
  afterAll(() => t.close());

  const consentOf = async (email: string) => (await t.db.lead.findFirstOrThrow({ where: { email }, include: { consent: true } })).consent!;

  test('when a form without an article arrives with a javascript: Referer, then the record names the form endpoint, not the header', async () => {
    const { formToken } = await openForm(t);
    const email = 'no.article@example.org';
    await postForm(t, { ...validInquiry({ email }), formToken }, { Referer: `javascript:alert(1)//${'x'.repeat(10_000)}` }).expect(303);
    expect((await consentOf(email)).pageUrl).toBe('http://college.test/inquiries');
  });

  test('when the form names an article that does not exist, then the record names the form endpoint', async () => {
    const hidden = await openForm(t);
    const email = 'ghost.article@example.org';
    await postForm(t, { ...hidden, article: 'no-such-article', ...validInquiry({ email }) }, { Referer: 'https://elsewhere.example/' }).expect(303);
    const lead = await t.db.lead.findFirstOrThrow({ where: { email }, include: { consent: true } });
    expect(lead.consent!.pageUrl).toBe('http://college.test/inquiries');
    // Attribution keeps what the form said: a retired article's leads keep theirs.
    expect(lead.articleSlug).toBe('no-such-article');
  });

  test('when the form was on an article, then the record names that article page', async () => {
    const hidden = await openForm(t);
    const email = 'on.article@example.org';
    await postForm(t, { ...hidden, ...validInquiry({ email }) }, { Referer: 'https://elsewhere.example/' }).expect(303);
    expect((await consentOf(email)).pageUrl).toBe(`http://college.test/articles/${ARTICLE}`);
  });

  test('when the JSON API names no article, then the record names the API endpoint', async () => {
    const email = 'api.client@example.org';
    await postJson(t, json(validInquiry({ email })), { Referer: 'javascript:alert(1)' }).expect(201);
    expect((await consentOf(email)).pageUrl).toBe('http://college.test/api/inquiries');
  });
});
