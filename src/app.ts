import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import express from 'express';
import { pinoHttp } from 'pino-http';
import { articleRouter } from './articles/article-routes';
import { createArticleRepository } from './articles/article-repository';
import type { Config } from './config/config';
import { healthRouter } from './health/health-routes';
import { consentDisclosure } from './inquiries/consent';
import { createFormTokens } from './inquiries/form-token';
import { attributionFromArticleRequest, formModel } from './inquiries/inquiry-form';
import { createInquiryMetrics } from './inquiries/inquiry-metrics';
import { inquiryRouter } from './inquiries/inquiry-routes';
import { createLeadRepository } from './inquiries/lead-repository';
import { createSubmitInquiry } from './inquiries/submit-inquiry';
import { officeHoursRouter } from './office-hours/office-hours-routes';
import type { Clock } from './platform/clock';
import type { Database } from './platform/database';
import { errorHandler, notFoundHandler, wantsJson } from './platform/http-errors';
import type { Logger } from './platform/logger';
import { createMetrics, type Metrics } from './platform/metrics';
import { createPageRenderer } from './platform/pages';
import { createRateLimit } from './platform/rate-limit';
import type { Redis } from './platform/redis';
import { securityHeaders } from './platform/security';
import { createViews } from './platform/views';
import { createProgramCatalog } from './programs/program-catalog';
import { createProgramRepository } from './programs/program-repository';

export const STATIC_DIR = path.resolve(__dirname, '../static');

export interface AppDeps {
  config: Config;
  db: Database;
  clock: Clock;
  logger: Logger;
  metrics?: Metrics;
  /** Shared rate-limit store when several instances run (REDIS_URL). */
  redis?: Redis;
}

/** Builds the HTTP app from its dependencies. Never listens: see server.ts. */
export function buildApp(deps: AppDeps): express.Express {
  const { config, db, clock, logger } = deps;
  const metrics = deps.metrics ?? createMetrics();
  const views = createViews({ cache: config.env !== 'development' });
  const renderPage = createPageRenderer({ views, config, clock, assetVersion: assetVersion() });

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy ?? false);
  app.set('query parser', 'simple');

  app.use(metrics.measureRequests);
  app.use(
    pinoHttp({
      logger,
      quietReqLogger: true,
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/metrics' || req.url?.startsWith('/static/') === true },
      // Method, path and status only: query strings and headers can carry personal data.
      serializers: {
        req: (req: { method: string; url: string }) => ({ method: req.method, path: req.url.split('?')[0] }),
        res: (res: { statusCode: number }) => ({ status: res.statusCode }),
      },
    }),
  );
  app.use(securityHeaders({ https: config.baseUrl.startsWith('https:') }));
  // Asset URLs carry a content hash (?v=), so browsers may keep them for a year.
  app.use('/static', express.static(STATIC_DIR, { maxAge: '365d', immutable: true, index: false, fallthrough: true }));

  const articles = createArticleRepository(db);
  const programs = createProgramCatalog({ programs: createProgramRepository(db), clock });
  const formTokens = createFormTokens(config.sessionSecret);
  const consent = consentDisclosure(config.siteName);
  const inquiryMetrics = createInquiryMetrics(metrics.registry);
  const submitInquiry = createSubmitInquiry({
    leads: createLeadRepository(db), programs, officeHours: config.officeHours, consent, clock, logger, metrics: inquiryMetrics,
  });
  const inquiryRateLimit = createRateLimit({
    name: 'inquiries',
    ...config.inquiryRateLimit,
    redis: deps.redis,
    onLimited: (req, res) => {
      inquiryMetrics.count('rate_limited');
      logger.info({ event: 'inquiry.rate_limited' });
      const message = 'You have sent several questions in a short time. Please wait a few minutes and try again, or call us.';
      if (wantsJson(req)) res.status(429).json({ error: 'rate_limited', message });
      else renderPage(res, 'errors/error', { title: 'Please wait a moment', problem: { status: 429, message } }, 429);
    },
  });

  app.use(healthRouter({ db, metrics }));
  app.use(officeHoursRouter({ officeHours: config.officeHours, clock }));
  app.use(
    articleRouter({
      articles,
      renderPage,
      articleAside: async (req, article) => ({
        form: formModel({
          body: attributionFromArticleRequest(req, article.slug),
          formToken: formTokens.issue(clock.now()),
          programs: await programs.active(),
          consent,
        }),
      }),
    }),
  );
  app.use(inquiryRouter({ config, clock, logger, submitInquiry, programs, articles, formTokens, consent, renderPage, metrics: inquiryMetrics, rateLimit: inquiryRateLimit }));

  app.use(notFoundHandler);
  app.use(errorHandler({ logger, renderPage }));
  return app;
}

/** A short hash of the stylesheet, so a changed file gets a new URL. */
function assetVersion(): string {
  return createHash('sha256').update(readFileSync(path.join(STATIC_DIR, 'site.css'))).digest('hex').slice(0, 10);
}
