import express, { type Request, type RequestHandler, type Response } from 'express';
import { v7 as uuidv7 } from 'uuid';
import type { Clock } from '../platform/clock';
import { errors } from '../platform/errors';
import type { Logger } from '../platform/logger';
import type { FormTokens } from './form-token';
import { IdempotencyConflict, requestHash, type IdempotencyKeys, type StoredResponse } from './idempotency-keys';
import { BODY_LIMIT, sameOrigin, sender } from './inquiry-guards';
import type { InquiryMetrics } from './inquiry-metrics';
import { idempotencyKeySchema, inquiryAcceptedSchema, type InquiryAccepted } from './inquiry-schema';
import type { SubmitInquiry } from './submit-inquiry';

export interface ApiRouteDeps {
  baseUrl: string;
  clock: Clock;
  logger: Logger;
  submitInquiry: SubmitInquiry;
  idempotencyKeys: IdempotencyKeys;
  formTokens: FormTokens;
  metrics: InquiryMetrics;
  /** Shared with the form: every inquiry from an IP counts in one window. */
  rateLimit: RequestHandler;
  /** With CALLBACKS=on: the signed token that books a call for the lead (GET /api/callback-slots, POST /api/callbacks). */
  leadToken?: (leadId: string) => string;
}

const MAX_IDEMPOTENCY_KEY = 255;


/**
 * POST /api/inquiries: JSON in, 201 `{ id, status, notifyAdmissionsAt }` out,
 * 422 with the problems by field. An `Idempotency-Key` makes a retry safe: its
 * first response is stored with the lead and replayed for 24 hours.
 */
export function inquiryApiRouter(deps: ApiRouteDeps): express.Router {
  const router = express.Router();

  /** The 201 body, also what an Idempotency-Key replays. */
  const acceptedBody = (leadId: string, notifyAdmissionsAt: Date | null): InquiryAccepted => ({
    id: leadId,
    status: 'new' as const,
    notifyAdmissionsAt: notifyAdmissionsAt?.toISOString() ?? null,
    ...(deps.leadToken ? { leadToken: deps.leadToken(leadId) } : {}),
  });

  const requireJson: RequestHandler = (req, _res, next) => {
    if (!req.is('application/json')) throw errors.unsupportedMediaType();
    next();
  };

  /**
   * The stored answer again. It comes back from a jsonb column, which keeps
   * keys in an order of its own: the answer's schema puts them back in the
   * order the first answer had, so the replay is byte for byte the same.
   */
  function replay(res: Response, response: StoredResponse) {
    res.set('Idempotent-Replayed', 'true');
    const accepted = inquiryAcceptedSchema.safeParse(response.body);
    res.status(response.statusCode).json(accepted.success ? accepted.data : response.body);
  }

  async function submitJson(req: Request, res: Response) {
    const body = req.body as unknown;
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      deps.metrics.count('invalid');
      throw errors.validationFailed([{ path: 'body', message: 'Send a JSON object with the inquiry fields.' }]);
    }
    const fields = body as Record<string, unknown>;
    const key = req.get('idempotency-key');
    if (key !== undefined && !idempotencyKeySchema.safeParse(key).success) {
      throw errors.invalidIdempotencyKey(MAX_IDEMPOTENCY_KEY);
    }
    let sentTooFast = false;
    if (fields.formToken !== undefined && fields.formToken !== null && fields.formToken !== '') {
      const token = deps.formTokens.check(fields.formToken, deps.clock.now());
      if (!token.valid) {
        deps.metrics.count('invalid');
        throw errors.invalidFormToken();
      }
      sentTooFast = token.tooFast;
    }

    // One answer per request, built once: the one stored for an Idempotency-Key
    // replay must be byte for byte the one sent (the lead token inside is timed).
    let built: InquiryAccepted | undefined;
    const answer = (leadId: string, notifyAdmissionsAt: Date | null) => (built ??= acceptedBody(leadId, notifyAdmissionsAt));

    const hash = key ? requestHash(fields) : '';
    if (hash === null) {
      deps.metrics.count('invalid');
      throw errors.validationFailed([{ path: 'body', message: 'The inquiry is nested too deeply to be read.' }]);
    }
    const previous = key ? await deps.idempotencyKeys.find(key, deps.clock.now()) : null;
    if (previous) {
      if (previous.requestHash !== hash) throw errors.idempotencyKeyReused();
      return replay(res, previous);
    }

    const now = deps.clock.now();
    const result = await deps.submitInquiry({
      fields,
      sentTooFast,
      endpointPath: '/api/inquiries',
      ...sender(req),
      alsoInTransaction: key
        ? (tx, accepted) => deps.idempotencyKeys.save(tx, key, hash, { statusCode: 201, body: answer(accepted.leadId, accepted.notifyAdmissionsAt) }, now)
        : undefined,
    }).catch(async (error: unknown) => {
      // Two requests with one Idempotency-Key at once: the loser replays the winner.
      if (!(error instanceof IdempotencyConflict) || !key) throw error;
      const winner = await deps.idempotencyKeys.find(key, now);
      if (!winner) throw new Error('Idempotency record vanished between conflict and replay', { cause: error });
      return { outcome: 'replayed' as const, winner };
    });

    switch (result.outcome) {
      case 'replayed':
        if (result.winner.requestHash !== hash) throw errors.idempotencyKeyReused();
        return replay(res, result.winner);
      case 'invalid':
        throw errors.validationFailed(result.issues);
      case 'spam':
        // Indistinguishable from success for the sender.
        return res.status(201).json(answer(result.lead?.id ?? uuidv7(), result.notifyAdmissionsAt));
      case 'accepted':
      case 'duplicate':
        return res.status(201).json(answer(result.lead.id, result.notifyAdmissionsAt));
    }
  }

  router.post('/api/inquiries', sameOrigin(deps.baseUrl, deps.logger), deps.rateLimit, requireJson, express.json({ limit: BODY_LIMIT, strict: true }), submitJson);
  return router;
}
