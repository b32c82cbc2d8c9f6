import express, { type Request, type RequestHandler, type Response } from 'express';
import type { ArticleCache } from '../articles';
import { replyExpectation, type OfficeHours } from '../office-hours';
import type { Clock } from '../platform/clock';
import { isDatabaseUnavailable } from '../platform/database';
import type { Logger } from '../platform/logger';
import type { RenderPage } from '../platform/pages';
import type { ProgramCatalog } from '../programs';
import type { ConsentDisclosure } from './consent';
import type { FormTokens } from './form-token';
import { BODY_LIMIT, sameOrigin, sender } from './inquiry-guards';
import { formModel, type InquiryFormModel } from './inquiry-form';
import type { InquiryMetrics } from './inquiry-metrics';
import type { SubmitInquiry } from './submit-inquiry';

export interface FormRouteDeps {
  baseUrl: string;
  admissionsPhone: string;
  officeHours: OfficeHours;
  clock: Clock;
  logger: Logger;
  submitInquiry: SubmitInquiry;
  programs: ProgramCatalog;
  articles: ArticleCache;
  formTokens: FormTokens;
  consent: ConsentDisclosure;
  renderPage: RenderPage;
  metrics: InquiryMetrics;
  /** Shared with the API: every inquiry from an IP counts in one window. */
  rateLimit: RequestHandler;
  /** With CALLBACKS=on: the thanks page's call offer (SPEC §11), wired by app.ts. */
  callOffer?: {
    /** After an inquiry is stored: lets the thanks page know whose it was. */
    remember(res: Response, leadId: string): void;
    /** The offer's view model, or null when there is none to show. */
    forThanksPage(req: Request): Promise<Record<string, unknown> | null>;
  };
}

type FormOptions = Omit<Parameters<typeof formModel>[0], 'formToken' | 'programs' | 'consent' | 'body'>;

/**
 * The HTML form: POST /inquiries answers 303 to the thanks page, or shows the
 * form again (on its article when it can) with everything the person typed:
 * 422 with the problems by field, 400 for a stale or foreign form token, 503
 * when the database is away. Works without JavaScript.
 */
export function inquiryFormRouter(deps: FormRouteDeps): express.Router {
  const router = express.Router();

  async function showFormAgain(res: Response, status: number, body: Record<string, unknown>, form: FormOptions) {
    const databaseDown = status === 503;
    const programs = databaseDown ? deps.programs.lastKnown() : await deps.programs.active();
    const model: InquiryFormModel = formModel({ ...form, body, formToken: deps.formTokens.issue(deps.clock.now()), programs, consent: deps.consent });
    const slug = typeof body.article === 'string' ? body.article : '';
    const found = !databaseDown && /^[a-z0-9-]{1,200}$/.test(slug) ? await deps.articles.find(slug) : null;
    res.set('Cache-Control', 'no-store');
    if (databaseDown) res.set('Retry-After', '30');
    if (found) {
      deps.renderPage(res, 'articles/article', { title: found.article.title, article: found.article, bodyHtml: found.bodyHtml, form: model }, status);
    } else {
      deps.renderPage(res, 'inquiries/form-page', { title: 'Ask admissions a question', form: model }, status);
    }
  }

  async function submitForm(req: Request, res: Response) {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const token = deps.formTokens.check(body.formToken, deps.clock.now());
    if (!token.valid) {
      deps.metrics.count('invalid');
      deps.logger.info({ event: 'inquiry.bad_form_token', reason: token.reason });
      return showFormAgain(res, 400, body, {
        notice: {
          kind: 'warning',
          title: 'Please send your question once more',
          text: token.reason === 'expired'
            ? 'This form was open for a long time, so we could not accept it. Everything you typed is still here.'
            : 'We could not confirm this form came from our page. Everything you typed is still here.',
        },
      });
    }
    try {
      const result = await deps.submitInquiry({
        fields: body,
        sentTooFast: token.tooFast,
        endpointPath: '/inquiries',
        ...sender(req),
      });
      if (result.outcome === 'invalid') return showFormAgain(res, 422, body, { issues: result.issues });
      if (result.outcome !== 'spam') deps.callOffer?.remember(res, result.lead.id);
      res.redirect(303, '/inquiries/thanks');
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
      deps.logger.warn({ event: 'inquiry.unavailable' });
      return showFormAgain(res, 503, body, {
        notice: {
          kind: 'error',
          title: 'We could not save your question just now',
          text: `Nothing was sent. Please try again in a few minutes, or call us at ${deps.admissionsPhone}. Everything you typed is still here.`,
        },
      });
    }
  }

  router.post(
    '/inquiries',
    sameOrigin(deps.baseUrl, deps.logger),
    deps.rateLimit,
    express.urlencoded({ extended: false, limit: BODY_LIMIT, parameterLimit: 50 }),
    submitForm,
  );

  router.get('/inquiries/thanks', async (req, res) => {
    res.set('Cache-Control', 'no-store');
    const callOffer = (await deps.callOffer?.forThanksPage(req)) ?? null;
    deps.renderPage(res, 'inquiries/thanks', { title: 'Thank you', replyExpectation: replyExpectation(deps.officeHours, deps.clock.now()), callOffer });
  });

  return router;
}
