import { parseAttribution, parseInquiry } from '../../../src/inquiries/inquiry-schema';

const programs = new Set(['HCA-BS', 'IT-AS']);
const valid = {
  firstName: '  Ana María ', lastName: "O'Neill-Smith", email: ' Ana.Maria@Example.ORG ', phone: '(212) 555-0147',
  postalCode: '10001', program: 'HCA-BS', educationLevel: 'bachelor', message: 'Hello\r\nthere', consent: 'on',
};
const issuesOf = (input: Record<string, unknown>) => {
  const result = parseInquiry(input, programs);
  return result.success ? [] : result.issues;
};
const messageFor = (input: Record<string, unknown>, path: string) => issuesOf(input).find((issue) => issue.path === path)?.message;

describe('Inquiry validation', () => {
  test('when every field is good, then values are trimmed, the email lower-cased and the phone in E.164', () => {
    const result = parseInquiry(valid, programs);
    expect(result).toEqual({
      success: true,
      inquiry: {
        firstName: 'Ana María', lastName: "O'Neill-Smith", email: 'ana.maria@example.org', phone: '+12125550147',
        postalCode: '10001', program: 'HCA-BS', educationLevel: 'bachelor', message: 'Hello\nthere', consent: true,
      },
    });
  });

  test('when optional fields are empty, then they are left out', () => {
    const result = parseInquiry({ ...valid, postalCode: '', educationLevel: '', message: '   ' }, programs);
    expect(result.success && result.inquiry).toMatchObject({ postalCode: undefined, educationLevel: undefined, message: undefined });
  });

  test('when nothing is sent, then each required field asks for itself in form order', () => {
    expect(issuesOf({})).toEqual([
      { path: 'firstName', message: 'Enter your first name' },
      { path: 'lastName', message: 'Enter your last name' },
      { path: 'email', message: 'Enter your email address' },
      { path: 'phone', message: 'Enter your phone number' },
      { path: 'program', message: "Choose the program you're interested in" },
      { path: 'consent', message: 'Tick the box to let us contact you about your inquiry' },
    ]);
  });

  test.each([
    ['Zoë', true], ['José Luis', true], ['Nguyễn', true], ['李', true], ['Jean-Luc', true], ['St. John', true], ['D’Angelo', true],
    ['R2D2', false], ['<script>', false], ['Ann\nBcc: x@y.z', false], ['Ann\u0000', false], ['-Ann', false], ['a'.repeat(61), false],
  ])('when a first name is %p, then it is accepted: %p', (firstName, accepted) => {
    expect(messageFor({ ...valid, firstName }, 'firstName')).toEqual(accepted ? undefined : expect.any(String));
  });

  test.each([['not-an-email'], ['a@b'], ['x'.repeat(250) + '@example.com'], ['ann@example.com\r\nBcc: evil@example.com'], [42]])(
    'when the email is %p, then it is refused with a clear message',
    (email) => {
      expect(messageFor({ ...valid, email }, 'email')).toMatch(/email address/i);
    },
  );

  test('when the email is a valid address that starts with a formula character, then it is kept as typed', () => {
    const result = parseInquiry({ ...valid, email: '=1+1@example.org' }, programs);
    expect(result.success && result.inquiry.email).toBe('=1+1@example.org');
  });

  test.each([['555-0147'], ['12345'], ['call me'], ['+1 212 555 0147\n'], [2125550147]])('when the phone is %p, then it is refused', (phone) => {
    expect(messageFor({ ...valid, phone }, 'phone')).toBe('Enter a phone number we can call, like (212) 555-0147');
  });

  test.each([['+44 20 7946 0958', '+442079460958'], ['212.555.0147', '+12125550147'], ['1 (800) 555-0199', '+18005550199']])(
    'when the phone is %p, then it is stored as %p',
    (phone, e164) => {
      const result = parseInquiry({ ...valid, phone }, programs);
      expect(result.success && result.inquiry.phone).toBe(e164);
    },
  );

  test('when the program is not an active one, then it is refused', () => {
    expect(messageFor({ ...valid, program: 'PLS-CERT' }, 'program')).toBe("Choose the program you're interested in from the list");
  });

  test.each([['off'], [false], [''], [undefined], ['false']])('when consent is %p, then it is required', (consent) => {
    expect(messageFor({ ...valid, consent }, 'consent')).toBe('Tick the box to let us contact you about your inquiry');
  });

  test('when consent is JSON true, then it is accepted', () => {
    expect(parseInquiry({ ...valid, consent: true }, programs).success).toBe(true);
  });

  test('when the message is too long, then it says the limit', () => {
    expect(messageFor({ ...valid, message: 'x'.repeat(2001) }, 'message')).toBe('Your message must be 2,000 characters or fewer');
  });

  test('when the message contains control characters, then they are removed but line breaks kept', () => {
    const result = parseInquiry({ ...valid, message: 'a\u0000b\u0007\nc\u2028d' }, programs);
    expect(result.success && result.inquiry.message).toBe('ab\ncd');
  });

  test.each([['1234567890123'], ['10001\n'], ['<b>']])('when the postal code is %p, then it is refused', (postalCode) => {
    expect(messageFor({ ...valid, postalCode }, 'postalCode')).toBeDefined();
  });

  test('when the education level is not on the list, then it is refused', () => {
    expect(messageFor({ ...valid, educationLevel: 'phd' }, 'educationLevel')).toBe('Choose your education level from the list');
  });

  test.each([[null], [[]], ['string'], [42]])('when the body is %p, then it is a validation failure, not a crash', (body) => {
    const result = parseInquiry(body, programs);
    expect(result.success).toBe(false);
  });

  test.each([[['Ann']], [{ first: 'Ann' }], [true]])('when a field has the wrong type %p, then it is refused', (firstName) => {
    expect(messageFor({ ...valid, firstName }, 'firstName')).toBe('First name can only contain letters, spaces, apostrophes, hyphens and periods');
  });
});

describe('Attribution', () => {
  test('when hidden fields carry junk, then they are tidied rather than refused', () => {
    expect(
      parseAttribution({
        article: 'how-online-classes-work', utm_source: ' news\r\nletter ', utm_medium: 'x'.repeat(300), utm_campaign: 42,
        referrer: 'javascript:alert(1)',
      }),
    ).toEqual({
      articleSlug: 'how-online-classes-work', utmSource: 'newsletter', utmMedium: 'x'.repeat(200), utmCampaign: undefined,
      utmTerm: undefined, utmContent: undefined, referrer: undefined,
    });
  });

  test('when the referrer is an http URL and the article a bad slug, then the referrer is kept and the slug dropped', () => {
    expect(parseAttribution({ article: '../etc/passwd', referrer: 'https://www.example.com/search?q=nursing' })).toMatchObject({
      articleSlug: undefined, referrer: 'https://www.example.com/search?q=nursing',
    });
  });
});
