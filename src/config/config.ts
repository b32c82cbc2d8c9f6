import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { createOfficeHours, ScheduleError, type OfficeHours } from '../office-hours';

/**
 * Every setting in docs/configuration.md, parsed once at boot. Anything invalid stops the
 * process with one line naming the variable (ConfigError), so an operator
 * never finds out about a typo from a half-working server.
 */
export class ConfigError extends Error {
  constructor(readonly variable: string, problem: string) {
    super(`Invalid configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

const onOff = z.enum(['on', 'off'], { error: 'must be "on" or "off"' }).transform((value) => value === 'on');

const optionalUrl = (protocols: string[], example: string) =>
  z
    .string()
    .trim()
    .refine((value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    }, `must be a URL like ${example}`)
    .optional();

const emailList = z
  .string()
  .transform((value) => value.split(',').map((address) => address.trim()).filter(Boolean))
  .pipe(z.array(z.email({ error: 'must be a comma-separated list of email addresses' })).min(1, 'must name at least one address'));

/** `5/10m` → 5 requests per 10 minutes. */
const rateLimit = z
  .string()
  .trim()
  .transform((value, context) => {
    const match = /^(\d+)\s*\/\s*(\d*)\s*(s|m|h)$/.exec(value);
    if (!match || Number(match[1]) < 1) {
      context.addIssue({ code: 'custom', message: 'must look like 5/10m (count per window; window in s, m or h)' });
      return z.NEVER;
    }
    const unitMs = { s: 1000, m: 60_000, h: 3_600_000 }[match[3] as 's' | 'm' | 'h'];
    return { limit: Number(match[1]), windowMs: Number(match[2] || '1') * unitMs };
  });

/** `15m` → 900000 ms: a number and s, m or h. */
const duration = z
  .string()
  .trim()
  .transform((value, context) => {
    const match = /^(\d+)\s*(s|m|h)$/.exec(value);
    if (!match || Number(match[1]) < 1) {
      context.addIssue({ code: 'custom', message: 'must be a duration like 90s, 15m or 2h' });
      return z.NEVER;
    }
    return Number(match[1]) * { s: 1000, m: 60_000, h: 3_600_000 }[match[2] as 's' | 'm' | 'h'];
  });

/** `5` → 5: whole seconds, 0 or more (0: no drain, close at once). */
const wholeSeconds = z
  .string()
  .trim()
  .regex(/^\d+$/, 'must be a whole number of seconds, 0 or more (e.g. 5)')
  .transform(Number);

const trustProxy = z
  .string()
  .trim()
  .transform((value): boolean | number | string => {
    if (value === 'true') return true;
    if (value === 'false') return false;
    if (/^\d+$/.test(value)) return Number(value);
    return value; // addresses or subnets, as Express understands them
  })
  .optional();

const environmentSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number({ error: 'must be a port number' }).int('must be a whole number').min(0).max(65535, 'must be at most 65535').default(3000),
  HOST: z.string().trim().min(1).default('0.0.0.0'),
  BASE_URL: optionalUrl(['http:', 'https:'], 'https://enroll.example.edu'),
  DATABASE_URL: optionalUrl(['postgres:', 'postgresql:'], 'postgresql://user:pass@host:5432/db'),
  DATA_DIR: z.string().trim().min(1).default('.data'),
  SMTP_URL: optionalUrl(['smtp:', 'smtps:'], 'smtp://user:pass@mail.example.edu:587'),
  MAIL_FROM: z.string().trim().min(3).default('Admissions <admissions@localhost>'),
  ADMISSIONS_EMAIL: emailList.default(['admissions@localhost']),
  OFFICE_TIMEZONE: z.string().trim().default('America/New_York'),
  OFFICE_HOURS: z.string().default('Mon-Fri 09:00-21:00'),
  OFFICE_HOLIDAYS: z.string().default(''),
  AUTOREPLY: onOff.default(true),
  SITE_NAME: z.string().trim().min(1, 'must not be empty').max(80).default('Frontdesk College'),
  ADMISSIONS_PHONE: z.string().trim().min(3, 'must be a phone number').max(40).default('1-800-555-0199'),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters (try: openssl rand -hex 32)').optional(),
  TRUST_PROXY: trustProxy,
  INQUIRY_RATE_LIMIT: rateLimit.default({ limit: 5, windowMs: 600_000 }),
  REDIS_URL: optionalUrl(['redis:', 'rediss:'], 'redis://127.0.0.1:6379'),
  DISPATCHER: onOff.default(true),
  ROUTING: z.enum(['round-robin', 'off'], { error: 'must be "round-robin" or "off"' }).default('round-robin'),
  RESPONSE_TARGET: duration.default(15 * 60_000),
  ESCALATION: z.enum(['notify', 'reassign', 'off'], { error: 'must be "notify", "reassign" or "off"' }).default('notify'),
  ESCALATION_EMAIL: emailList.optional(),
  WEBHOOK_ALLOW_PRIVATE: onOff.default(false),
  DRAIN_SECONDS: wholeSeconds.default(5),
  CALLBACKS: onOff.default(true),
  CALLBACK_SLOT_MINUTES: z
    .string()
    .trim()
    .regex(/^\d+$/, 'must be a whole number of minutes from 5 to 240 (e.g. 15)')
    .transform(Number)
    .refine((minutes) => minutes >= 5 && minutes <= 240, 'must be a whole number of minutes from 5 to 240 (e.g. 15)')
    .default(15),
  CALLBACK_DAYS: z
    .string()
    .trim()
    .regex(/^\d+$/, 'must be a whole number of open days from 1 to 30 (e.g. 5)')
    .transform(Number)
    .refine((days) => days >= 1 && days <= 30, 'must be a whole number of open days from 1 to 30 (e.g. 5)')
    .default(5),
  CALLBACK_NOTICE: duration.default(30 * 60_000),
  CALLBACK_REMINDER: duration.default(10 * 60_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { error: 'must be one of fatal, error, warn, info, debug, trace, silent' }).default('info'),
});

export interface Config {
  readonly env: 'development' | 'production' | 'test';
  readonly port: number;
  readonly host: string;
  readonly baseUrl: string;
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  readonly smtpUrl: string | undefined;
  readonly mailFrom: string;
  readonly admissionsEmail: readonly string[];
  readonly officeHours: OfficeHours;
  readonly autoreply: boolean;
  readonly siteName: string;
  readonly admissionsPhone: string;
  readonly sessionSecret: string;
  readonly trustProxy: boolean | number | string | undefined;
  readonly inquiryRateLimit: { readonly limit: number; readonly windowMs: number };
  readonly redisUrl: string | undefined;
  readonly dispatcher: boolean;
  readonly logLevel: string;
  /** `round-robin`: each lead is assigned to an eligible advisor; `off`: all lead mail to ADMISSIONS_EMAIL. */
  readonly routing: 'round-robin' | 'off';
  /** Open office time a lead's first response may take after it became due. */
  readonly responseTargetMs: number;
  readonly escalation: 'notify' | 'reassign' | 'off';
  /** Recipients of overdue alerts; ADMISSIONS_EMAIL unless set. */
  readonly escalationEmail: readonly string[];
  /** Webhooks may go to loopback and private addresses, and to http:// URLs (tests, an internal CRM). */
  readonly webhookAllowPrivate: boolean;
  /** After SIGTERM: how long /readyz answers 503 while requests are still served, before the server closes. */
  readonly drainSeconds: number;
  /** Call-back requests and booked calls (SPEC §11). */
  readonly callbacks: {
    readonly enabled: boolean;
    readonly slotMs: number;
    /** How many open office days ahead slots are offered. */
    readonly days: number;
    /** The earliest bookable slot starts at least this long from now. */
    readonly noticeMs: number;
    /** The advisor's reminder goes out this long before a booked call. */
    readonly reminderMs: number;
  };
}

/** Parses an environment (process.env by default). Throws ConfigError. */
export function loadConfig(environment: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings mean "unset", as they do in most .env files.
  const present = Object.fromEntries(Object.entries(environment).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = environmentSchema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(String(issue.path[0] ?? 'environment'), issue.message);
  }
  const values = parsed.data;

  let officeHours: OfficeHours;
  try {
    officeHours = createOfficeHours({ timezone: values.OFFICE_TIMEZONE, hours: values.OFFICE_HOURS, holidays: values.OFFICE_HOLIDAYS });
  } catch (error) {
    if (!(error instanceof ScheduleError)) throw error;
    const variable = { timezone: 'OFFICE_TIMEZONE', hours: 'OFFICE_HOURS', holidays: 'OFFICE_HOLIDAYS' }[error.setting];
    throw new ConfigError(variable, error.message);
  }

  const dataDir = path.resolve(values.DATA_DIR);
  return Object.freeze({
    env: values.NODE_ENV,
    port: values.PORT,
    host: values.HOST,
    baseUrl: (values.BASE_URL ?? `http://localhost:${values.PORT}`).replace(/\/+$/, ''),
    databaseUrl: values.DATABASE_URL,
    dataDir,
    smtpUrl: values.SMTP_URL,
    mailFrom: values.MAIL_FROM,
    admissionsEmail: Object.freeze(values.ADMISSIONS_EMAIL),
    officeHours,
    autoreply: values.AUTOREPLY,
    siteName: values.SITE_NAME,
    admissionsPhone: values.ADMISSIONS_PHONE,
    sessionSecret: values.SESSION_SECRET ?? developmentSecret(values.NODE_ENV, dataDir),
    trustProxy: values.TRUST_PROXY,
    inquiryRateLimit: Object.freeze(values.INQUIRY_RATE_LIMIT),
    redisUrl: values.REDIS_URL,
    dispatcher: values.DISPATCHER,
    logLevel: values.LOG_LEVEL,
    routing: values.ROUTING,
    responseTargetMs: values.RESPONSE_TARGET,
    escalation: values.ESCALATION,
    escalationEmail: Object.freeze(values.ESCALATION_EMAIL ?? values.ADMISSIONS_EMAIL),
    webhookAllowPrivate: values.WEBHOOK_ALLOW_PRIVATE,
    drainSeconds: values.DRAIN_SECONDS,
    callbacks: Object.freeze({
      enabled: values.CALLBACKS,
      slotMs: values.CALLBACK_SLOT_MINUTES * 60_000,
      days: values.CALLBACK_DAYS,
      noticeMs: values.CALLBACK_NOTICE,
      reminderMs: values.CALLBACK_REMINDER,
    }),
  });
}

/**
 * Outside production a missing SESSION_SECRET is generated once and kept in
 * DATA_DIR, so form tokens and sessions survive restarts on a developer's
 * machine without anyone having to invent a secret.
 */
function developmentSecret(env: Config['env'], dataDir: string): string {
  if (env === 'production') throw new ConfigError('SESSION_SECRET', 'is required in production (at least 32 characters)');
  const file = path.join(dataDir, 'session-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}
