import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { z } from 'zod';
import { EDUCATION_LEVELS, type Attribution } from '../leads';

/**
 * The one definition of a valid inquiry, shared by the HTML form and the JSON
 * API. Messages are written for the person filling in the form. Single-line
 * fields never keep a control character (CR/LF included), so nothing a
 * person types can break a mail header or a CSV row.
 */
export const INQUIRY_FIELDS = [
  'firstName', 'lastName', 'email', 'phone', 'postalCode', 'program', 'educationLevel', 'message', 'consent',
] as const;
export type InquiryField = (typeof INQUIRY_FIELDS)[number];

export const ATTRIBUTION_FIELDS = ['article', 'utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content', 'referrer'] as const;

// C0 and C1 control characters, DEL, and the Unicode line/paragraph separators.
// oxlint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
// oxlint-disable-next-line no-control-regex -- as above
const CONTROL_EXCEPT_NEWLINE_AND_TAB = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g;
// Letters of any script (with their combining marks), spaces, apostrophes (' and ’), hyphens, periods.
const NAME = /^[\p{L}\p{M}][\p{L}\p{M} '’.-]*$/u;

interface TextRule {
  /** Message when the field is absent or blank; omit for optional fields. */
  required?: string;
  max: number;
  tooLong: string;
  /** Checked after trimming; also the message for a wrong type or a control character. */
  pattern?: RegExp;
  invalid: string;
}

/**
 * A single-line text field: trimmed, inner whitespace collapsed, NFC
 * normalised. A control character anywhere (CR/LF included) is refused rather
 * than silently removed, so what we store is what the person saw.
 */
function singleLine(rule: TextRule) {
  // The JSON Schema of the API document (api-docs/): what a client sends, a string of at most `max` characters.
  return z.unknown().meta({ type: 'string', maxLength: rule.max }).transform((raw, context) => {
    const fail = (message: string) => {
      context.addIssue({ code: 'custom', message });
      return z.NEVER;
    };
    if (raw === undefined || raw === null || raw === '') return rule.required ? fail(rule.required) : undefined;
    if (typeof raw !== 'string') return fail(rule.invalid);
    if (CONTROL.test(raw)) return fail(rule.invalid);
    const value = raw.normalize('NFC').trim().replace(/\s+/g, ' ');
    if (value === '') return rule.required ? fail(rule.required) : undefined;
    if (value.length > rule.max) return fail(rule.tooLong);
    if (rule.pattern && !rule.pattern.test(value)) return fail(rule.invalid);
    return value;
  });
}

const required = (rule: TextRule & { required: string }) => singleLine(rule) as z.ZodType<string, unknown>;
const optional = (rule: TextRule) => singleLine(rule).optional();

const nameField = (label: string) =>
  required({
    required: `Enter your ${label.toLowerCase()}`,
    max: 60,
    tooLong: `${label} must be 60 characters or fewer`,
    pattern: NAME,
    invalid: `${label} can only contain letters, spaces, apostrophes, hyphens and periods`,
  });

const PHONE_MESSAGE = 'Enter a phone number we can call, like (212) 555-0147';
const EMAIL_MESSAGE = 'Enter an email address like name@example.com';
const PROGRAM_MESSAGE = "Choose the program you're interested in";
// The WHATWG (HTML form) address syntax, which accepts everything a mail
// server does in practice (`=1+1@example.org` included), plus a dotted domain.
const isEmail = z.email({ pattern: z.regexes.html5Email });
const hasDottedDomain = (value: string) => /@[^@]+\.[a-z]{2,}$/i.test(value);

export const inquirySchema = z.object({
  firstName: nameField('First name').meta({ description: "Letters, spaces, ' - and . (1–60 characters after trimming)." }),
  lastName: nameField('Last name').meta({ description: "Letters, spaces, ' - and . (1–60 characters after trimming)." }),
  email: required({ required: 'Enter your email address', max: 254, tooLong: 'Email address must be 254 characters or fewer', invalid: EMAIL_MESSAGE })
    .transform((value) => value.toLowerCase())
    .refine((value) => isEmail.safeParse(value).success && hasDottedDomain(value), EMAIL_MESSAGE)
    .meta({ description: 'An email address; stored lower-cased.' }),
  phone: required({ required: 'Enter your phone number', max: 40, tooLong: PHONE_MESSAGE, invalid: PHONE_MESSAGE }).transform((value, context) => {
    const parsed = parsePhoneNumberFromString(value, 'US');
    if (parsed?.isValid()) return parsed.number; // E.164
    context.addIssue({ code: 'custom', message: PHONE_MESSAGE });
    return z.NEVER;
  }).meta({ description: 'A phone number: US by default, or international starting with +. Stored as E.164.' }),
  postalCode: optional({
    max: 12,
    tooLong: 'Postal code must be 12 characters or fewer',
    pattern: /^[A-Za-z0-9][A-Za-z0-9 -]*$/,
    invalid: 'Enter a postal code like 10001 or K1A 0B1',
  }),
  program: required({ required: PROGRAM_MESSAGE, max: 40, tooLong: PROGRAM_MESSAGE, invalid: PROGRAM_MESSAGE }).meta({ description: 'The code of an active program, e.g. HCA-BS.' }),
  educationLevel: z.preprocess(
    (value) => (value === '' || value === null ? undefined : value),
    z.enum(EDUCATION_LEVELS.map((level) => level.value) as [string, ...string[]], { error: 'Choose your education level from the list' }).optional(),
  ),
  // The one multi-line field: line breaks are kept (as \n), other control characters removed.
  message: z.preprocess(
    (value) =>
      typeof value === 'string'
        ? value.normalize('NFC').replace(/\r\n?/g, '\n').replace(CONTROL_EXCEPT_NEWLINE_AND_TAB, '').trim() || undefined
        : value === '' || value === null
          ? undefined
          : value,
    z.string({ error: 'Your message must be text' }).max(2000, 'Your message must be 2,000 characters or fewer').optional(),
  ),
  consent: z.preprocess(
    (value) => value === true || value === 'on' || value === 'true' || value === 'yes' || value === '1',
    z.literal(true, { error: 'Tick the box to let us contact you about your inquiry' }),
  ).meta({ description: 'Must be true: the person agrees to be contacted.' }),
});

export type Inquiry = z.infer<typeof inquirySchema>;

const hidden = (description: string, max = 200) => z.string().max(max).optional().meta({ description });

/**
 * The body of POST /api/inquiries as the API document (api-docs/) describes
 * it: the person's fields, validated by inquirySchema above, and the hidden
 * ones, which parseAttribution tidies rather than refuses, plus the optional
 * form token.
 */
export const inquiryApiBodySchema = inquirySchema.extend({
  article: hidden('Slug of the article the inquiry was sent from.'),
  utm_source: hidden('Campaign tag from the article URL.'),
  utm_medium: hidden('Campaign tag from the article URL.'),
  utm_campaign: hidden('Campaign tag from the article URL.'),
  utm_term: hidden('Campaign tag from the article URL.'),
  utm_content: hidden('Campaign tag from the article URL.'),
  referrer: hidden('Where the visitor came from (an http or https URL).', 2000),
  formToken: z.string().optional().meta({ description: 'The signed token of a rendered form; when given it must be valid and under 24 hours old.' }),
});

/** The Idempotency-Key header of POST /api/inquiries: 1–255 visible ASCII characters. */
export const idempotencyKeySchema = z.string().regex(/^[\x21-\x7e]{1,255}$/);

/** The 201 answer of POST /api/inquiries (and what an Idempotency-Key replays). */
export const inquiryAcceptedSchema = z.object({
  id: z.uuid().meta({ description: 'The lead id (UUIDv7).' }),
  status: z.literal('new'),
  notifyAdmissionsAt: z.iso.datetime().nullable().meta({ description: 'When admissions will be emailed about it: now while the office is open, else at the next opening.' }),
  leadToken: z.string().optional().meta({ description: 'With CALLBACKS=on: the signed token (valid 7 days) for GET /api/callback-slots and POST /api/callbacks.' }),
});

export type InquiryAccepted = z.infer<typeof inquiryAcceptedSchema>;

/**
 * Hidden fields are ours, not the person's: they are tidied rather than
 * refused (control characters removed, lengths capped, a referrer kept only
 * when it is an http(s) URL), so a mangled tracking parameter never costs a lead.
 */
export function parseAttribution(input: Record<string, unknown>): Attribution {
  const clean = (value: unknown, max: number) => {
    if (typeof value !== 'string') return undefined;
    const tidy = value.replace(new RegExp(CONTROL.source, 'g'), '').trim().slice(0, max);
    return tidy || undefined;
  };
  const slug = clean(input.article, 200);
  const referrer = clean(input.referrer, 2000);
  return {
    articleSlug: slug && /^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(slug) ? slug : undefined,
    utmSource: clean(input.utm_source, 200),
    utmMedium: clean(input.utm_medium, 200),
    utmCampaign: clean(input.utm_campaign, 200),
    utmTerm: clean(input.utm_term, 200),
    utmContent: clean(input.utm_content, 200),
    referrer: referrer && /^https?:\/\/[^\s]+$/i.test(referrer) ? referrer : undefined,
  };
}

export interface FieldIssue {
  path: string;
  message: string;
}

export type InquiryParse = { success: true; inquiry: Inquiry } | { success: false; issues: FieldIssue[] };

/** Validates the person's fields; `program` must be the code of an active program. */
export function parseInquiry(input: unknown, activeProgramCodes: ReadonlySet<string>): InquiryParse {
  const body = input && typeof input === 'object' && !Array.isArray(input) ? (input as Record<string, unknown>) : {};
  const result = inquirySchema.safeParse(body);
  const issues: FieldIssue[] = [];
  if (!result.success) {
    for (const issue of result.error.issues) {
      const path = String(issue.path[0] ?? 'body');
      // One message per field: the first is the one that matters to a person.
      if (!issues.some((existing) => existing.path === path)) issues.push({ path, message: issue.message });
    }
  }
  const program = result.success ? result.data.program : typeof body.program === 'string' ? body.program.trim() : undefined;
  if (program && !activeProgramCodes.has(program) && !issues.some((issue) => issue.path === 'program')) {
    issues.push({ path: 'program', message: "Choose the program you're interested in from the list" });
  }
  if (issues.length > 0 || !result.success) {
    issues.sort((a, b) => fieldOrder(a.path) - fieldOrder(b.path));
    return { success: false, issues };
  }
  return { success: true, inquiry: result.data };
}

function fieldOrder(path: string): number {
  const index = INQUIRY_FIELDS.indexOf(path as InquiryField);
  return index === -1 ? INQUIRY_FIELDS.length : index;
}
