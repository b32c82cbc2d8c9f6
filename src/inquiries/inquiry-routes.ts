import express, { type Request, type RequestHandler, type Response } from 'express';
import { v7 as uuidv7 } from 'uuid';
import type { ArticleCache } from '../articles';
import type { Config } from '../config/config';
import { replyExpectation } from '../office-hours';
import type { Clock } from '../platform/clock';
import { isDatabaseUnavailable } from '../platform/database';
import { AppError } from '../platform/errors';
import type { Logger } from '../platform/logger';
import type { RenderPage } from '../platform/pages';
import type { ProgramCatalog } from '../programs';
import type { ConsentDisclosure } from './consent';
import type { FormTokens } from './form-token';
import type { InquiryMetrics } from './inquiry-metrics';
import { formModel, type InquiryFormModel } from './inquiry-form';
import { parseAttribution, type FieldIssue } from './inquiry-schema';
import type { SubmitInquiry, Submission } from './submit-inquiry';

export interface InquiryRouteDeps {
  config: Config;
  clock: Clock;
  logger: Logger;
  submitInquiry: SubmitInquiry;
  programs: ProgramCatalog;
  articles: ArticleCache;
  formTokens: FormTokens;
  consent: ConsentDisclosure;
  renderPage: RenderPage;
  metrics: InquiryMetrics;
  /** One limiter for both endpoints: every POST from an IP counts in one window. */
  rateLimit: RequestHandler;
}

const BODY_LIMIT = '16kb';
const MAX_IDEMPOTENCY_KEY = 255;

export function inquiryRouter(deps: InquiryRouteDeps): express.Router {
  const router = express.Router();
  const siteOrigin = new URL(deps.config.baseUrl).origin;

  /** A browser posting from another site's page is refused; scripts that send no Origin are not. */
  const sameOrigin: RequestHandler = (req, _res, next) => {
    const origin = req.get('origin');
    if (origin !== undefined && origin !== siteOrigin) {
      deps.logger.info({ event: 'inquiry.foreign_origin' });
      throw new AppError('forbidden_origin', 403, 'This form can only be sent from our own pages.');
    }
    next();
  };

  const submission = (req: Request, body: Record<string, unknown>, suspectedBot: boolean, pageUrl: string): Submission => ({
    body,
    suspectedBot,
    pageUrl,
    ip: req.ip ?? req.socket.remoteAddress ?? 'unknown',
    userAgent: (req.get('user-agent') ?? '').slice(0, 512),
  });

  // ---------------------------------------------------------------- HTML form

  /** The form shown again: on its article when we can load it, otherwise on a page of its own. */
  async function showFormAgain(req: Request, res: Response, status: number, body: Record<string, unknown>, form: Omit<Parameters<typeof formModel>[0], 'formToken' | 'programs' | 'consent' | 'body'>) {
    const databaseDown = status === 503;
    const programs = databaseDown ? deps.programs.lastKnown() : await deps.programs.active();
    const model: InquiryFormModel = formModel({ ...form, body, formToken: deps.formTokens.issue(deps.clock.now()), programs, consent: deps.consent });
    const slug = typeof body.article === 'string' ? body.article : '';
    const found = !databaseDown && /^[a-z0-9-]{1,200}$/.test(slug) ? await deps.articles.find(slug) : null;
    res.set('Cache-Control', 'no-store');
    if (status === 503) res.set('Retry-After', '30');
    if (found) {
      deps.renderPage(res, 'articles/article', { title: found.article.title, article: found.article, bodyHtml: found.bodyHtml, form: model }, status);
    } else {
      deps.renderPage(res, 'inquiries/form-page', { title: 'Ask admissions a question', form: model }, status);
    }
  }

  router.post('/inquiries', sameOrigin, deps.rateLimit, express.urlencoded({ extended: false, limit: BODY_LIMIT, parameterLimit: 50 }), async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const now = deps.clock.now();
    const token = deps.formTokens.check(body.formToken, now);
    if (!token.valid) {
      deps.metrics.count('invalid');
      deps.logger.info({ event: 'inquiry.bad_form_token', reason: token.reason });
      return showFormAgain(req, res, 400, body, {
        notice: {
          kind: 'warning',
          title: 'Please send your question once more',
          text: token.reason === 'expired'
            ? 'This form was open for a long time, so we could not accept it. Everything you typed is still here.'
            : 'We could not confirm this form came from our page. Everything you typed is still here.',
        },
      });
    }
    const suspectedBot = (typeof body.website === 'string' && body.website !== '') || token.tooFast;
    const slug = parseAttribution(body).articleSlug;
    const pageUrl = slug ? `${deps.config.baseUrl}/articles/${slug}` : (req.get('referer') ?? deps.config.baseUrl);
    try {
      const result = await deps.submitInquiry.submit(submission(req, body, suspectedBot, pageUrl));
      if (result.outcome === 'invalid') return showFormAgain(req, res, 422, body, { issues: result.issues });
      res.redirect(303, '/inquiries/thanks');
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
      deps.logger.warn({ event: 'inquiry.unavailable' });
      return showFormAgain(req, res, 503, body, {
        notice: {
          kind: 'error',
          title: 'We could not save your question just now',
          text: `Nothing was sent. Please try again in a few minutes, or call us at ${deps.config.admissionsPhone}. Everything you typed is still here.`,
        },
      });
    }
  });

  router.get('/inquiries/thanks', (_req, res) => {
    res.set('Cache-Control', 'no-store');
    deps.renderPage(res, 'inquiries/thanks', {
      title: 'Thank you',
      replyExpectation: replyExpectation(deps.config.officeHours, deps.clock.now()),
    });
  });

  // ---------------------------------------------------------------- JSON API

  const requireJson: RequestHandler = (req, _res, next) => {
    if (!req.is('application/json')) throw new AppError('unsupported_media_type', 415, 'Send the inquiry as JSON with Content-Type: application/json.');
    next();
  };

  router.post('/api/inquiries', sameOrigin, deps.rateLimit, requireJson, express.json({ limit: BODY_LIMIT, strict: true }), async (req, res) => {
    const body = req.body as unknown;
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      deps.metrics.count('invalid');
      return sendIssues(res, [{ path: 'body', message: 'Send a JSON object with the inquiry fields.' }]);
    }
    const fields = body as Record<string, unknown>;
    const idempotencyKey = req.get('idempotency-key');
    if (idempotencyKey !== undefined && !/^[\x21-\x7e]{1,255}$/.test(idempotencyKey)) {
      throw new AppError('invalid_idempotency_key', 400, `Idempotency-Key must be 1–${MAX_IDEMPOTENCY_KEY} visible ASCII characters.`);
    }
    let tooFast = false;
    if (fields.formToken !== undefined && fields.formToken !== null && fields.formToken !== '') {
      const token = deps.formTokens.check(fields.formToken, deps.clock.now());
      if (!token.valid) {
        deps.metrics.count('invalid');
        throw new AppError('invalid_form_token', 400, 'formToken is not one we issued, or it is more than 24 hours old. Fetch the form again.');
      }
      tooFast = token.tooFast;
    }
    const suspectedBot = (typeof fields.website === 'string' && fields.website !== '') || tooFast;
    // The page it came from, built only from a validated slug.
    const slug = parseAttribution(fields).articleSlug;
    const pageUrl = slug ? `${deps.config.baseUrl}/articles/${slug}` : `${deps.config.baseUrl}/api/inquiries`;
    const result = await deps.submitInquiry.submit({ ...submission(req, fields, suspectedBot, pageUrl), idempotencyKey });
    switch (result.outcome) {
      case 'invalid':
        return sendIssues(res, result.issues);
      case 'replayed':
        res.set('Idempotent-Replayed', 'true');
        return res.status(result.response.statusCode).json(result.response.body);
      case 'key_reused':
        throw new AppError('idempotency_key_reused', 422, 'This Idempotency-Key was already used with a different inquiry.');
      case 'spam':
        // Indistinguishable from success for the sender.
        return res.status(201).json(deps.submitInquiry.acceptedBody(result.leadId ?? uuidv7(), result.notifyAdmissionsAt));
      case 'accepted':
        return res.status(201).json(deps.submitInquiry.acceptedBody(result.leadId, result.notifyAdmissionsAt));
    }
  });

  return router;
}

function sendIssues(res: Response, issues: FieldIssue[]): void {
  res.status(422).json({ error: 'validation_failed', issues });
}
