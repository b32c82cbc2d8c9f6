import request from 'supertest';
import type { TestApp } from './test-app';

let counter = 0;

/** A valid inquiry with an email address no other test uses. */
export function validInquiry(overrides: Record<string, unknown> = {}): Record<string, string | boolean> & { email: string } {
  counter += 1;
  return {
    firstName: 'Maya',
    lastName: 'Okafor',
    email: `maya.okafor.${process.pid}.${counter}@example.org`,
    phone: '(212) 555-0147',
    postalCode: '10001',
    program: 'HCA-BS',
    educationLevel: 'associate',
    message: 'Can I start in January?',
    consent: 'on',
    ...(overrides as Record<string, string | boolean>),
  } as Record<string, string | boolean> & { email: string };
}

export const ARTICLE = 'healthcare-administration-vs-healthcare-management';

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
