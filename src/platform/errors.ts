/**
 * The error catalogue: every error the app means to show someone, each with a
 * stable `code` that scripts, tests and logs can match on.
 *
 * Which to use:
 * - In a route or middleware, `throw errors.<name>(…)`. The one handler in
 *   http-errors.ts answers with the error's status, as JSON through
 *   `errorBody` or as the error page.
 *     errors.badRequest(message)          400 bad_request        the request itself cannot be read
 *     errors.malformedJson()              400 malformed_json     a JSON body that does not parse
 *     errors.requestAborted()             400 request_aborted    the body never arrived
 *     errors.invalidAt(value?)            400 invalid_at         GET /api/office-hours?at=
 *     errors.invalidFilter(issues)        400 invalid_filter     staff list, export and audit filters
 *     errors.invalidStatus(statuses)      400 invalid_status     a lead status that does not exist
 *     errors.invalidContact(issues)       400 invalid_contact    a contact logged on a lead with a bad channel, outcome or note
 *     errors.invalidIdempotencyKey(max)   400 invalid_idempotency_key
 *     errors.invalidFormToken()           400 invalid_form_token
 *     errors.invalidAvailability()        400 invalid_availability  `available` that is not yes or no
 *     errors.unknownPrograms(codes)       400 unknown_programs   advisor programs that are not in the catalogue
 *     errors.advisorDisabled()            400 advisor_disabled   making a disabled account available
 *     errors.invalidLeadToken()           400 invalid_lead_token a call booked with a missing, forged or expired lead token
 *     errors.unauthenticated()            401 unauthenticated    staff routes without a session or token
 *     errors.invalidToken()               401 invalid_token      a bad `Authorization: Bearer` token
 *     errors.forbidden()                  403 forbidden          admin-only pages
 *     errors.forbiddenOrigin()            403 forbidden_origin   a form posted from another site
 *     errors.sessionRequired()            403 session_required   changes made with an API token
 *     errors.invalidCsrfToken()           403 invalid_csrf_token
 *     errors.notFound(message?)           404 not_found
 *     errors.deliveryInProgress()         409 delivery_in_progress  "Resend" while a dispatcher is sending that webhook
 *     errors.payloadTooLarge(message?)    413 payload_too_large
 *     errors.unsupportedMediaType(msg?)   415 unsupported_media_type
 *     errors.unsupportedEncoding()        415 unsupported_encoding
 *     errors.validationFailed(issues)     422 validation_failed  per-field issues; the body has no message
 *     errors.idempotencyKeyReused()       422 idempotency_key_reused
 *     errors.slotNotOffered(slots, why)   422 slot_not_offered   a call time that is not one of the offered slots (body: `slots`)
 *     errors.slotFull(slots)              409 slot_full          the last place in the slot went meanwhile (body: `slots`)
 *     errors.rateLimited()                429 rate_limited
 *     errors.internal()                   500 internal_error     what every unexpected error becomes
 *     errors.serviceUnavailable(message?) 503 service_unavailable
 * - In an `npm run cli` command, `throw cliErrors.usage(message)` for a
 *   mistake in how it was called (exit status 2), `cliErrors.failed(message)`
 *   when it could not do its work (exit status 1); cli.ts prints one line.
 * - When a process cannot start until an operator acts, a StartupError:
 *   database_not_started (database-server.ts; embedded-postgres.ts stands
 *   alone and throws a plain Error) or migration_failed (MigrationError).
 *
 * Error classes that live elsewhere, and why they stay classes:
 * - ConfigError (config/config.ts): names the bad variable; boot and the CLI
 *   print it as one line and exit 1. Platform code may not import config.
 * - ScheduleError (office-hours/schedule.ts): the office-hours core imports
 *   nothing; configuration turns it into a ConfigError naming its variable.
 * - MigrationError (platform/migrations.ts): a StartupError.
 * - IdempotencyConflict (inquiries/idempotency-keys.ts): a signal between the
 *   idempotency record and the API route that is never shown to anyone.
 *
 * Operational errors are the expected ones: bad input, a missing record, a
 * database that is down. They are built here, answered with their status and
 * message, and never need a stack trace in the log. Anything else thrown is a
 * programmer error (a bug, a broken invariant): a plain Error, logged in full
 * and answered with a 500 that reveals nothing.
 */

import { z } from 'zod';

export interface ErrorIssue {
  path: string;
  message: string;
}

/** An operational HTTP error: what went wrong (`code`), the answer (`status`), a message for people, and per-field `issues`. */
export class AppError extends Error {
  readonly issues: ErrorIssue[] | undefined;
  /** More of the body, for the few errors whose answer carries data (the fresh slots of a 409). */
  readonly extra: Record<string, unknown> | undefined;

  // Built by the catalogue below; a new kind of error gets an entry there, not a `new AppError` at the throw site.
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    issues?: ErrorIssue[],
    options?: { cause?: unknown; extra?: Record<string, unknown> },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.issues = issues;
    this.extra = options?.extra;
  }
}

export const isAppError = (error: unknown): error is AppError => error instanceof AppError;

/** A catalogue entry: a function that builds the error, carrying the code and status it always has. */
type Entry<A extends unknown[]> = ((...args: A) => AppError) & { readonly code: string; readonly status: number };

function entry<A extends unknown[]>(
  code: string,
  status: number,
  describe: (...args: A) => { message: string; issues?: ErrorIssue[]; cause?: unknown; extra?: Record<string, unknown> },
): Entry<A> {
  const build = (...args: A) => {
    const { message, issues, cause, extra } = describe(...args);
    return new AppError(code, status, message, issues, cause === undefined && extra === undefined ? undefined : { cause, extra });
  };
  return Object.assign(build, { code, status });
}

const INSTANT_EXAMPLE = '2026-11-29T15:30:00Z';

export const errors = {
  badRequest: entry('bad_request', 400, (message: string) => ({ message })),
  malformedJson: entry('malformed_json', 400, () => ({ message: 'The request body is not valid JSON.' })),
  requestAborted: entry('request_aborted', 400, () => ({ message: 'The request was aborted before its body arrived.' })),
  /** Without a value: `at` was given more than once. */
  invalidAt: entry('invalid_at', 400, (value?: string) => ({
    message: value === undefined
      ? `"at" must be given once, as an ISO-8601 instant such as ${INSTANT_EXAMPLE}`
      : `"at" must be an ISO-8601 instant with a time zone offset, such as ${INSTANT_EXAMPLE}; got "${value.slice(0, 64)}"`,
  })),
  invalidFilter: entry('invalid_filter', 400, (issues: ErrorIssue[]) => ({ message: issues.map((issue) => issue.message).join(' '), issues })),
  invalidStatus: entry('invalid_status', 400, (statuses: readonly string[]) => ({
    message: `Choose a status from the list (${statuses.join(', ')}).`,
    issues: [{ path: 'status', message: 'Unknown status' }],
  })),
  invalidContact: entry('invalid_contact', 400, (issues: ErrorIssue[] = []) => ({ message: issues.map((issue) => issue.message).join(' ') || 'The contact could not be logged.', issues })),
  invalidIdempotencyKey: entry('invalid_idempotency_key', 400, (maxLength: number) => ({ message: `Idempotency-Key must be 1–${maxLength} visible ASCII characters.` })),
  invalidAvailability: entry('invalid_availability', 400, () => ({
    message: 'Say whether you are taking leads: "available" must be yes or no.',
    issues: [{ path: 'available', message: 'Must be yes or no' }],
  })),
  unknownPrograms: entry('unknown_programs', 400, (codes: readonly string[]) => ({
    message: `There is no program with the code ${codes.map((code) => `"${code.slice(0, 40)}"`).join(', ')}. Choose programs from the list.`,
    issues: [{ path: 'programs', message: 'Unknown program' }],
  })),
  advisorDisabled: entry('advisor_disabled', 400, () => ({ message: 'This account is disabled, so it cannot take leads. Nothing was changed.' })),
  invalidLeadToken: entry('invalid_lead_token', 400, () => ({
    message: 'This link to book a call is not one we issued, or it is more than 7 days old. Send your question again, or call us.',
    issues: [{ path: 'lead', message: 'Unknown or expired lead token' }],
  })),
  invalidFormToken: entry('invalid_form_token', 400, () => ({ message: 'formToken is not one we issued, or it is more than 24 hours old. Fetch the form again.' })),

  unauthenticated: entry('unauthenticated', 401, () => ({ message: 'Sign in at /admin/login, or send an API token as Authorization: Bearer <token>.' })),
  invalidToken: entry('invalid_token', 401, () => ({ message: 'The API token is malformed, unknown or revoked, or its account is disabled.' })),

  forbidden: entry('forbidden', 403, () => ({ message: 'Only administrators can see this page.' })),
  forbiddenOrigin: entry('forbidden_origin', 403, () => ({ message: 'This form can only be sent from our own pages.' })),
  sessionRequired: entry('session_required', 403, () => ({ message: 'Sign in to make changes; API tokens can only read and export.' })),
  invalidCsrfToken: entry('invalid_csrf_token', 403, () => ({ message: 'This form has expired or did not come from this site. Go back, reload the page and try again.' })),

  notFound: entry('not_found', 404, (message: string = 'The page you asked for does not exist.') => ({ message })),
  deliveryInProgress: entry('delivery_in_progress', 409, () => ({ message: 'This webhook is being sent right now. Reload the page in a few seconds and resend it if it failed.' })),
  payloadTooLarge: entry('payload_too_large', 413, (message: string = 'The request body is too large.') => ({ message })),
  unsupportedMediaType: entry('unsupported_media_type', 415, (message: string = 'Send the inquiry as JSON with Content-Type: application/json.') => ({ message })),
  unsupportedEncoding: entry('unsupported_encoding', 415, () => ({ message: 'The request body uses an encoding this server does not accept.' })),

  validationFailed: entry('validation_failed', 422, (issues: ErrorIssue[]) => ({ message: 'Some fields are missing or not valid.', issues })),
  idempotencyKeyReused: entry('idempotency_key_reused', 422, () => ({ message: 'This Idempotency-Key was already used with a different inquiry.' })),

  slotNotOffered: entry('slot_not_offered', 422, (slots: unknown[] = [], why: string = 'That time is not one we offer. Please choose one of the times listed.') => ({
    message: why,
    issues: [{ path: 'slot', message: why }],
    extra: { slots },
  })),
  slotFull: entry('slot_full', 409, (slots: unknown[] = []) => ({
    message: 'That time was just taken. Please choose another.',
    extra: { slots },
  })),

  rateLimited: entry('rate_limited', 429, () => ({ message: 'You have sent several questions in a short time. Please wait a few minutes and try again, or call us.' })),

  internal: entry('internal_error', 500, () => ({ message: 'Something went wrong on our side. Please try again.' })),
  serviceUnavailable: entry('service_unavailable', 503, (message: string = 'We cannot save or show this right now. Please try again in a few minutes.', cause?: unknown) => ({ message, cause })),
};

/** The shape of every JSON error answer; also described in the API document (api-docs/). */
export const errorBodySchema = z.object({
  error: z.string().meta({ description: 'A stable code from the error catalogue (docs/http-api.md#error-codes).' }),
  message: z.string().optional().meta({ description: 'What went wrong, for people.' }),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional().meta({ description: 'Problems by field or parameter.' }),
});

/** The documented fields, and any a particular error adds (the fresh `slots` of a full call slot). */
export type ErrorBody = z.infer<typeof errorBodySchema> & { [extra: string]: unknown };

// The 422 body has been { error, issues } since the first release (docs/http-api.md): the issues are the message.
const WITHOUT_MESSAGE = new Set<string>([errors.validationFailed.code]);

/** The JSON body of every error answer: `{ error, message, issues? }`. */
export function errorBody(error: AppError): ErrorBody {
  return {
    error: error.code,
    ...(WITHOUT_MESSAGE.has(error.code) ? {} : { message: error.message }),
    ...(error.issues ? { issues: error.issues } : {}),
    ...error.extra,
  };
}

// ---------------------------------------------------------------- CLI

/** A failed `npm run cli` command: cli.ts prints its message as one line and exits with `exitCode`. */
export class CliError extends Error {
  constructor(
    readonly code: string,
    readonly exitCode: 1 | 2,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CliError';
  }
}

/** A mistake in how a command was called: exit status 2, and nothing was changed. */
export class UsageError extends CliError {
  constructor(message: string) {
    super('usage', 2, message);
    this.name = 'UsageError';
  }
}

export const cliErrors = {
  usage: (message: string) => new UsageError(message),
  /** The command was called correctly but could not do its work. */
  failed: (message: string, cause?: unknown) => new CliError('command_failed', 1, message, cause === undefined ? undefined : { cause }),
  invalidArticleFile: (source: string, problem: string) => new CliError('invalid_article_file', 1, `${source}: ${problem}`),
};

// ---------------------------------------------------------------- start-up

/** The process cannot start until an operator acts: logged as one fatal line, exit status 1. */
export class StartupError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StartupError';
  }
}
