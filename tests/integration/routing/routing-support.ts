import pino from 'pino';
import { Registry } from 'prom-client';
import { v7 as uuidv7 } from 'uuid';
import type { ParsedMail } from 'mailparser';
import type { Config } from '../../../src/config/config';
import { buildDispatcher } from '../../../src/dispatcher';
import type { Dispatcher } from '../../../src/notifications';
import { createMailer } from '../../../src/platform/mailer';
import { json, postJson, validInquiry } from '../../support/inquiries';
import { recipientsOf, type SmtpSink } from '../../support/smtp-sink';
import { createTestAppWithSink, resetMail, type TestApp } from '../../support/test-app';

export const ADMISSIONS = 'admissions@college.test';
export const ESCALATIONS = 'escalations@college.test';
export const ROUTING_ENV = {
  INQUIRY_RATE_LIMIT: '100000/1m',
  ADMISSIONS_EMAIL: ADMISSIONS,
  ESCALATION_EMAIL: ESCALATIONS,
  BASE_URL: 'https://enroll.college.test',
  MAIL_FROM: 'Admissions <admissions@college.test>',
};

/** Monday Nov 30 2026, 10:00 EST: the office is open. */
export const OPEN = '2026-11-30T15:00:00.000Z';

/**
 * One app with a mail sink for a test file, and before each test: no mail,
 * nobody available, the clock at OPEN. Read `t` and `sink` from the returned
 * object inside the tests (they exist once beforeAll has run).
 */
export function routingApp(env: Record<string, string> = ROUTING_ENV): { t: TestApp; sink: SmtpSink } {
  const context = {} as { t: TestApp; sink: SmtpSink };
  beforeAll(async () => {
    Object.assign(context, await createTestAppWithSink({ env }));
  });
  afterAll(() => context.t.close());
  beforeEach(async () => {
    await resetMail(context.t, context.sink);
    await everyoneAway(context.t);
    context.t.clock.set(OPEN);
  });
  return context;
}

let advisors = 0;

/** An enabled advisor, available unless told otherwise; `programs` empty = every program. */
export async function addAdvisor(t: TestApp, name: string, options: { programs?: string[]; available?: boolean; createdAt?: Date } = {}) {
  advisors += 1;
  const email = `${name.toLowerCase().replace(/\W+/g, '.')}.${advisors}@college.test`;
  return t.db.staffUser.create({
    data: {
      id: uuidv7(),
      email,
      name,
      passwordHash: 'not-used-here',
      programs: options.programs ?? [],
      available: options.available ?? true,
      createdAt: options.createdAt ?? new Date(Date.UTC(2026, 0, 1) + advisors * 1000),
    },
  });
}

/** Posts one inquiry through the API and returns its lead id. */
export async function postLead(t: TestApp, overrides: Record<string, unknown> = {}): Promise<string> {
  const { body } = await postJson(t, json(validInquiry(overrides))).expect(201);
  return body.id as string;
}

/** A second dispatcher on the same database, with its own lease owner (and optionally other settings). */
export function anotherDispatcher(t: TestApp, sink: SmtpSink, config: Partial<Config> = {}): { dispatcher: Dispatcher; close: () => Promise<void> } {
  const logger = pino({ level: 'silent' });
  const mailer = createMailer({ smtpUrl: sink.url, dataDir: t.config.dataDir, logger });
  const dispatcher = buildDispatcher({ config: { ...t.config, ...config }, db: t.db, clock: t.clock, logger, mailer, registry: new Registry() });
  return {
    dispatcher,
    async close() {
      await dispatcher.stop();
      mailer.close();
    },
  };
}

export const mailTo = (sink: SmtpSink, address: string): ParsedMail[] => sink.messages.filter((message) => recipientsOf(message).includes(address));

/** Between tests: nobody is available, so each test's advisors are the only ones routed to. */
export async function everyoneAway(t: TestApp): Promise<void> {
  await t.db.staffUser.updateMany({ data: { available: false } });
}
