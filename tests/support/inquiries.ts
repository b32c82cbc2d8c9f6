import request from 'supertest';
import type { TestApp } from './test-app';

/**
 * The one inquiry factory of the tests and the bench: valid inquiries, each
 * with an email address no other test uses, one at a time (`validInquiry`)
 * or as a series that varies the person and is marked by a prefix
 * (`InquirySeries`, for load), plus helpers that send them to an app built
 * in the test process.
 */

/** What a prospective student types into the form, but the email address. */
export const PERSON = {
  firstName: 'Maya',
  lastName: 'Okafor',
  phone: '(212) 555-0147',
  postalCode: '10001',
  program: 'HCA-BS',
  educationLevel: 'associate',
  message: 'Can I start in January?',
} as const;

let counter = 0;

/** A valid inquiry as the form sends it (consent=on), with an email address no other test uses. */
export function validInquiry(overrides: Record<string, unknown> = {}): Record<string, string | boolean> & { email: string } {
  counter += 1;
  return {
    ...PERSON,
    email: `maya.okafor.${process.pid}.${counter}@example.org`,
    consent: 'on',
    ...(overrides as Record<string, string | boolean>),
  } as Record<string, string | boolean> & { email: string };
}

/** Only the fields the JSON API requires, consent given. */
export function requiredFields(email: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const { firstName, lastName, phone, program } = PERSON;
  return { firstName, lastName, email, phone, program, consent: true, ...extra };
}

const FIRST = ['Maya', 'José', 'Zoë', 'Amara', 'Li', 'Siobhan', 'Mateus', 'Ngozi', 'Hana', 'Élodie', 'Arjun', 'Fatima'];
const LAST = ['Okafor', 'García-López', 'O’Brien', 'Nguyen', 'St. Clair', 'Kowalski', 'Haddad', 'Yamamoto', 'Müller', 'Mensah'];
const PROGRAMS = ['HCA-BS', 'HCM-MS', 'BUS-MBA', 'IT-AS', 'NUR-BSN', 'CYB-CERT'];
/** The sample articles the seed loads. */
export const ARTICLES = [
  'healthcare-administration-vs-healthcare-management',
  'how-online-classes-work',
  'mba-vs-masters-in-management',
  'nursing-prerequisites-explained',
  'paying-for-college-financial-aid-basics',
  'returning-to-school-as-a-working-adult',
  'transferring-credits-what-to-expect',
  'what-an-associate-degree-in-it-covers',
];

/**
 * Valid inquiries from varied people whose email addresses start with
 * `prefix` and whose messages carry `marker` (so logs can be searched for
 * them). Every email address is new: no lead is a duplicate of another.
 */
export class InquirySeries {
  private count = 0;

  constructor(
    readonly prefix: string,
    private readonly options: { marker?: string; utmSource?: string } = {},
  ) {}

  /** For `email LIKE …`: every address this series made. */
  get emailLike(): string {
    return `${this.prefix}.%`;
  }

  /** How many inquiries the series has made. */
  get made(): number {
    return this.count;
  }

  fields(extra: Record<string, unknown> = {}): Record<string, string | boolean> {
    const n = this.count++;
    return {
      firstName: FIRST[n % FIRST.length]!,
      lastName: LAST[n % LAST.length]!,
      email: `${this.prefix}.${n}@example.org`,
      phone: `(212) 555-01${String(n % 100).padStart(2, '0')}`,
      postalCode: PERSON.postalCode,
      program: PROGRAMS[n % PROGRAMS.length]!,
      educationLevel: PERSON.educationLevel,
      message: `${PERSON.message} Reference ${this.options.marker ?? this.prefix}msg${n}.`,
      article: ARTICLES[n % ARTICLES.length]!,
      utm_source: this.options.utmSource ?? 'tests',
      consent: true,
      ...(extra as Record<string, string | boolean>),
    };
  }

  json(extra: Record<string, unknown> = {}): string {
    return JSON.stringify(this.fields(extra));
  }

  /** Only the required fields (and `extra`), as JSON, with the series' next email address. */
  requiredJson(extra: Record<string, unknown> = {}): string {
    const n = this.count++;
    return JSON.stringify(requiredFields(`${this.prefix}.${n}@example.org`, extra));
  }

  /** The same fields as the HTML form posts them (consent=on), with a form token from a rendered page. */
  form(formToken: string, extra: Record<string, unknown> = {}): string {
    const fields = { ...this.fields(extra), consent: 'on', formToken, website: '' };
    return new URLSearchParams(Object.entries(fields).map(([key, value]): [string, string] => [key, String(value)])).toString();
  }
}

export const ARTICLE = ARTICLES[0]!;

/** Renders the article's form and returns its hidden fields, with the clock moved on past the 2-second bot check. */
export async function openForm(t: TestApp, path = `/articles/${ARTICLE}`, headers: Record<string, string> = {}): Promise<Record<string, string>> {
  const page = await request(t.app).get(path).set(headers).expect(200);
  const hidden: Record<string, string> = {};
  for (const match of page.text.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    hidden[match[1]!] = decodeEntities(match[2]!);
  }
  t.clock.advance(30_000);
  return hidden;
}

export function decodeEntities(text: string): string {
  return text.replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

export function postForm(t: TestApp, fields: Record<string, unknown>, headers: Record<string, string> = {}) {
  return request(t.app).post('/inquiries').type('form').set(headers).send(fields as Record<string, string>);
}

export function postJson(t: TestApp, body: unknown, headers: Record<string, string> = {}) {
  return request(t.app).post('/api/inquiries').set(headers).send(body as object);
}

/** The same fields as the JSON API takes them: consent as a boolean. */
export const json = <T extends object>(fields: T) => ({ ...fields, consent: true });
