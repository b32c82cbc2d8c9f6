import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { v7 as uuidv7 } from 'uuid';
import type { Config } from '../../../src/config/config';
import type { CommandContext } from '../../../src/platform/cli-command';
import { createLogger } from '../../../src/platform/logger';
import { hashPassword } from '../../../src/staff/accounts/passwords';
import { createStaffUsers, type StaffRole } from '../../../src/staff/accounts/staff-users';
import { createApiTokens } from '../../../src/staff/accounts/api-tokens';
import { toPrismaStatus, type LeadStatusName } from '../../../src/leads';
import { createTestApp, type TestApp } from '../../support/test-app';

/**
 * Staff tests run the whole app with TRUST_PROXY on, so each sign-in can come
 * from its own X-Forwarded-For address and the per-IP login limit of one test
 * never spills into the next.
 */
export function createStaffTestApp(options: Parameters<typeof createTestApp>[0] = {}): Promise<TestApp> {
  return createTestApp({ ...options, env: { TRUST_PROXY: '1', ...options.env } });
}

export const PASSWORD = 'correct horse battery staple';

let counter = 0;
const unique = () => `${process.pid}-${++counter}-${randomUUID().slice(0, 8)}`;

/**
 * A fresh client address for each sign-in, from 198.18.0.0/15 (set aside for
 * benchmarks). IPv4 on purpose: express-rate-limit counts a whole IPv6 /56 as one client.
 */
export const nextIp = () => {
  counter += 1;
  return `198.18.${(counter >> 8) & 255}.${counter & 255}`;
};

export interface TestStaff {
  id: string;
  email: string;
  name: string;
  role: StaffRole;
  password: string;
}

export async function addStaff(t: TestApp, options: { role?: StaffRole; name?: string; email?: string; password?: string } = {}): Promise<TestStaff> {
  const email = options.email ?? `advisor-${unique()}@college.test`;
  const name = options.name ?? 'Avery Advisor';
  const role = options.role ?? 'staff';
  const password = options.password ?? PASSWORD;
  const user = await createStaffUsers(t.db).create({ email, name, role, passwordHash: await hashPassword(password), at: t.clock.now() });
  return { id: user.id, email: user.email, name, role, password };
}

export async function issueToken(t: TestApp, staff: TestStaff, label = `script-${unique()}`): Promise<string> {
  return (await createApiTokens(t.db).issue(staff.id, label, t.clock.now())).token;
}

/** The CSRF token in a page's forms. */
export function csrfFrom(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('no CSRF token in the page');
  return match[1]!;
}

/** A browser-like agent (cookies kept, Accept: text/html) signed in as `staff`. */
export async function signIn(t: TestApp, staff: TestStaff, ip = nextIp()) {
  const agent = request.agent(t.app);
  const page = await agent.get('/admin/login').set('Accept', 'text/html').set('X-Forwarded-For', ip).expect(200);
  const response = await agent
    .post('/admin/login')
    .type('form')
    .set('Accept', 'text/html')
    .set('X-Forwarded-For', ip)
    .send({ _csrf: csrfFrom(page.text), email: staff.email, password: staff.password });
  if (response.status !== 303) throw new Error(`sign-in answered ${response.status}: ${response.text.slice(0, 300)}`);
  return agent;
}

export interface LeadFields {
  createdAt?: Date;
  firstName?: string;
  lastName?: string;
  email?: string;
  phone?: string;
  postalCode?: string | null;
  programCode?: string;
  educationLevel?: string | null;
  message?: string | null;
  status?: LeadStatusName;
  duplicateOfId?: string | null;
  articleSlug?: string | null;
  utmSource?: string | null;
  utmMedium?: string | null;
  utmCampaign?: string | null;
  utmTerm?: string | null;
  utmContent?: string | null;
  referrer?: string | null;
  consent?: { text?: string; version?: string; sha256?: string; pageUrl?: string; ip?: string; userAgent?: string } | null;
}

let leadClock = Date.parse('2026-10-01T12:00:00.000Z');

/**
 * Stores a lead as the inquiry flow would (UUIDv7 id from its time, consent
 * record), straight through Prisma, so tests can put anything in any field.
 * Without `createdAt`, each lead is one second after the previous one.
 */
export async function insertLead(t: TestApp, fields: LeadFields = {}) {
  const createdAt = fields.createdAt ?? new Date((leadClock += 1000));
  const id = uuidv7({ msecs: createdAt.getTime() });
  const consent = fields.consent === null ? undefined : {
    text: 'I agree that Frontdesk College may contact me.',
    version: '2026-11-01',
    sha256: 'a'.repeat(64),
    pageUrl: 'http://localhost:3000/articles/campus-visit-day',
    ip: '203.0.113.7',
    userAgent: 'TestBrowser/1.0',
    ...fields.consent,
  };
  return t.db.lead.create({
    data: {
      id,
      createdAt,
      firstName: fields.firstName ?? 'Maya',
      lastName: fields.lastName ?? 'Okafor',
      email: fields.email ?? `lead-${unique()}@example.org`,
      phone: fields.phone ?? '+12125550147',
      postalCode: fields.postalCode === undefined ? '10001' : fields.postalCode,
      programCode: fields.programCode ?? 'HCA-BS',
      educationLevel: fields.educationLevel === undefined ? 'associate' : fields.educationLevel,
      message: fields.message === undefined ? 'Can I start in January?' : fields.message,
      status: toPrismaStatus(fields.status ?? 'new'),
      duplicateOfId: fields.duplicateOfId ?? null,
      articleSlug: fields.articleSlug === undefined ? 'campus-visit-day' : fields.articleSlug,
      utmSource: fields.utmSource ?? null,
      utmMedium: fields.utmMedium ?? null,
      utmCampaign: fields.utmCampaign ?? null,
      utmTerm: fields.utmTerm ?? null,
      utmContent: fields.utmContent ?? null,
      referrer: fields.referrer ?? null,
      ...(consent ? { consent: { create: { ...consent, consentedAt: createdAt } } } : {}),
    },
    include: { consent: true },
  });
}

/** A CLI command context on the test app's database, printing into `lines`. */
export function commandContext(t: TestApp, args: string[], lines: string[] = []): CommandContext<Config> {
  return { config: t.config, db: t.db, connectionString: t.connectionString, logger: createLogger('silent'), args, print: (line) => void lines.push(line) };
}
