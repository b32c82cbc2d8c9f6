import { z } from 'zod';
import { callBookedSchema, callbackRequestSchema, callbackSlotsQuerySchema, callOfferSchema } from '../callbacks';
import { idempotencyKeySchema, inquiryAcceptedSchema, inquiryApiBodySchema } from '../inquiries';
import { EXPORT_KEYS } from '../leads';
import { officeHoursQuerySchema, officeStatusSchema } from '../office-hours-api';
import { errors } from '../platform/errors';
import { exportQuerySchema } from '../staff';

/** An entry of the error catalogue (platform/errors.ts): its code and status. */
export interface CatalogueEntry {
  readonly code: string;
  readonly status: number;
}

export interface ApiRoute {
  method: 'get' | 'post';
  /** In OpenAPI's form: /api/things/{id}. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  /** Staff routes: a session cookie or an API token. */
  staff?: boolean;
  /** The zod schema the route reads its query string with. */
  query?: z.ZodObject;
  headers?: ReadonlyArray<{ name: string; description: string; schema: z.ZodType }>;
  /** The zod schema of a JSON body. */
  body?: z.ZodType;
  success: {
    status: number;
    description: string;
    /** Media type → the body's schema. */
    content: Record<string, z.ZodType | { text: string }>;
    headers?: Record<string, string>;
  };
  /** The errors this route answers with, straight from the catalogue. */
  errors: readonly CatalogueEntry[];
  /** Fields some of those errors add to the error body, by status (a full call slot's fresh `slots`). */
  errorFields?: Partial<Record<number, z.ZodRawShape>>;
}

/** Answers that may come from any JSON route: the database is away. */
const ALWAYS = [errors.serviceUnavailable];
const STAFF = [errors.unauthenticated, errors.invalidToken];

/**
 * The routes GET /api/openapi.json describes. Documenting a route is one
 * entry here, with the zod schemas its code validates with, and the errors
 * it can answer (tests/integration/api-docs checks each against real answers).
 */
export const API_ROUTES: readonly ApiRoute[] = [
  {
    method: 'post',
    path: '/api/inquiries',
    operationId: 'createInquiry',
    summary: 'Send an inquiry',
    description:
      'Stores a lead and queues its admissions email (SPEC §6). The inquiry rate limit (INQUIRY_RATE_LIMIT) counts these requests. ' +
      'An Origin header, if sent, must be the site’s own.',
    tag: 'Inquiries',
    headers: [{ name: 'Idempotency-Key', description: 'A repeat with the same key within 24 h returns the first response and creates nothing (1–255 visible ASCII characters).', schema: idempotencyKeySchema }],
    body: inquiryApiBodySchema,
    success: {
      status: 201,
      description: 'The lead is stored (a suspected spam answer looks the same).',
      content: { 'application/json': inquiryAcceptedSchema },
      headers: { 'Idempotent-Replayed': '"true" when this is the stored answer to an earlier request with the same Idempotency-Key.' },
    },
    errors: [
      errors.malformedJson, errors.invalidIdempotencyKey, errors.invalidFormToken, errors.forbiddenOrigin, errors.payloadTooLarge,
      errors.unsupportedMediaType, errors.validationFailed, errors.idempotencyKeyReused, errors.rateLimited, ...ALWAYS,
    ],
  },
  {
    method: 'get',
    path: '/api/office-hours',
    operationId: 'getOfficeHours',
    summary: 'Is the office open?',
    description: 'The office-hours status now, or at `at` (SPEC §5).',
    tag: 'Office hours',
    query: officeHoursQuerySchema,
    success: { status: 200, description: 'The status at the instant.', content: { 'application/json': officeStatusSchema } },
    errors: [errors.invalidAt],
  },
  {
    method: 'get',
    path: '/api/callback-slots',
    operationId: 'getCallbackSlots',
    summary: 'Times an advisor can call',
    description:
      'The call times offered to a lead (SPEC §11): slots of CALLBACK_SLOT_MINUTES inside open hours over the next CALLBACK_DAYS open days, ' +
      'starting at least CALLBACK_NOTICE from now, each with the places left. Only with CALLBACKS=on (404 otherwise).',
    tag: 'Calls',
    query: callbackSlotsQuerySchema,
    success: { status: 200, description: 'The offer.', content: { 'application/json': callOfferSchema } },
    errors: [errors.invalidLeadToken, ...ALWAYS],
  },
  {
    method: 'post',
    path: '/api/callbacks',
    operationId: 'bookCallback',
    summary: 'Book a call, or ask to be called now',
    description:
      'Books a call for the lead, or moves the one it has (a lead has at most one active call). The inquiry rate limit counts these requests. ' +
      'Only with CALLBACKS=on (404 otherwise).',
    tag: 'Calls',
    body: callbackRequestSchema,
    success: {
      status: 201,
      description: 'The call is booked; the person is emailed a confirmation with an .ics attachment.',
      content: { 'application/json': callBookedSchema },
      headers: { Location: 'The confirmation page, with its signed token.' },
    },
    errors: [
      errors.malformedJson, errors.invalidLeadToken, errors.slotFull, errors.payloadTooLarge, errors.unsupportedMediaType,
      errors.validationFailed, errors.slotNotOffered, errors.rateLimited, ...ALWAYS,
    ],
    errorFields: {
      409: { slots: z.array(callOfferSchema.shape.slots.element).meta({ description: 'The slots offered now.' }) },
      422: { slots: z.array(callOfferSchema.shape.slots.element).optional().meta({ description: 'With slot_not_offered: the slots offered now.' }) },
    },
  },
  ...(['csv', 'ndjson'] as const).map((format): ApiRoute => ({
    method: 'get',
    path: `/admin/leads/export.${format}`,
    operationId: format === 'csv' ? 'exportLeadsCsv' : 'exportLeadsNdjson',
    summary: `Export leads as ${format === 'csv' ? 'CSV' : 'NDJSON'}`,
    description:
      'Streamed, in lead id order; audited. ' +
      (format === 'csv'
        ? 'RFC 4180 with a header row; a text cell that starts with = + - @ tab or CR is prefixed with \'.'
        : 'One JSON object per line, with the CSV’s columns as keys.') +
      ` Columns: ${EXPORT_KEYS.join(', ')}.`,
    tag: 'Staff',
    staff: true,
    query: exportQuerySchema,
    success: {
      status: 200,
      description: 'The leads, as a download.',
      content: format === 'csv'
        ? { 'text/csv': { text: 'CSV, UTF-8' } }
        : { 'application/x-ndjson': { text: 'NDJSON, UTF-8' } },
      headers: { 'Content-Disposition': 'attachment; filename="leads-<date>.<format>"' },
    },
    errors: [errors.invalidFilter, ...STAFF, ...ALWAYS],
  })),
];
