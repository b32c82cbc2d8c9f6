import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import express from 'express';
import { articleRouter } from './articles/article-routes';
import { createArticleCache } from './articles/article-cache';
import { createArticleRepository } from './articles/article-repository';
import type { Config } from './config/config';
import { healthRouter } from './health/health-routes';
import { consentDisclosure } from './inquiries/consent';
import { createFormTokens } from './inquiries/form-token';
import { createArticleForm } from './inquiries/inquiry-form';
import { createInquiryMetrics } from './inquiries/inquiry-metrics';
import { inquiryRouter } from './inquiries/inquiry-routes';
import { createLeadRepository } from './inquiries/lead-repository';
import { createDispatcher, type Dispatcher } from './notifications/dispatcher';
import { createEmailContent } from './notifications/email-content';
import { createNotificationMetrics } from './notifications/notification-metrics';
import { createOutboxRepository } from './notifications/outbox-repository';
import { createSubmitInquiry } from './inquiries/submit-inquiry';
import { officeHoursRouter } from './office-hours/office-hours-routes';
import { accessLog } from './platform/access-log';
import type { Clock } from './platform/clock';
import type { Database } from './platform/database';
import { errorHandler, notFoundHandler, wantsJson } from './platform/http-errors';
import { createMailer, type Mailer } from './platform/mailer';
import type { Logger } from './platform/logger';
import { createMetrics, type Metrics } from './platform/metrics';
import { createPageRenderer } from './platform/pages';
import { createRateLimit } from './platform/rate-limit';
import type { Redis } from './platform/redis';
import { securityHeaders } from './platform/security';
import { createViews } from './platform/views';
import { createProgramCatalog } from './programs/program-catalog';
import { createProgramRepository } from './programs/program-repository';
import { staffWorkspace } from './staff/staff-workspace';

export const STATIC_DIR = path.resolve(__dirname, '../static');

export interface AppDeps {
  /** Where mail goes; defaults to SMTP_URL or .eml files in DATA_DIR/outbox. */
  mailer?: Mailer;
  config: Config;
  db: Database;
  clock: Clock;
  logger: Logger;
  metrics?: Metrics;
  /** Shared rate-limit store when several instances run (REDIS_URL). */
  redis?: Redis;
  /** The connection string `db` uses; the staff workspace opens its own pg connections (sessions, streamed exports). Defaults to DATABASE_URL. */
  databaseUrl?: string;
}

/** Builds the HTTP app from its dependencies. Never listens: see server.ts. */
export function buildApp(deps: AppDeps): express.Express {
  return buildFrontdesk(deps).app;
}

/** The app and the mail dispatcher, built from the same parts. server.ts runs both; worker.ts only the dispatcher. */
export function buildFrontdesk(deps: AppDeps): { app: express.Express; dispatcher: Dispatcher; mailer: Mailer } {
  const { config, db, clock, logger } = deps;
  const metrics = deps.metrics ?? createMetrics();
  const views = createViews({ cache: config.env !== 'development' });
  const renderPage = createPageRenderer({ views, config, clock, assetVersion: assetVersion() });

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy ?? false);
  app.set('query parser', 'simple');

  app.use(metrics.measureRequests(accessLog(logger)));
  app.use(securityHeaders({ https: config.baseUrl.startsWith('https:') }));
  // Asset URLs carry a content hash (?v=), so browsers may keep them for a year.
  app.use('/static', express.static(STATIC_DIR, { maxAge: '365d', immutable: true, index: false, fallthrough: true }));

  const articles = createArticleRepository(db);
  const renderedArticles = createArticleCache({ articles, clock });
  const programs = createProgramCatalog({ programs: createProgramRepository(db), clock });
  const formTokens = createFormTokens(config.sessionSecret);
  const consent = consentDisclosure(config.siteName);
  const inquiryMetrics = createInquiryMetrics(metrics.registry);
  const outbox = createOutboxRepository(db);
  const mailer = deps.mailer ?? createMailer({ smtpUrl: config.smtpUrl, dataDir: config.dataDir, logger });
  const dispatcher = createDispatcher({
    outbox,
    content: createEmailContent({ db, config }),
    mailer,
    clock,
    officeHours: config.officeHours,
    logger,
    metrics: createNotificationMetrics(metrics.registry, () => outbox.countPending()),
  });
  const submitInquiry = createSubmitInquiry({
    leads: createLeadRepository(db), programs, officeHours: config.officeHours, consent, clock, logger, metrics: inquiryMetrics,
    outbox, autoreply: config.autoreply,
  });
  const inquiryRateLimit = createRateLimit({
    name: 'inquiries',
    ...config.inquiryRateLimit,
    redis: deps.redis,
    logger,
    clock,
    onLimited: (req, res) => {
      inquiryMetrics.count('rate_limited');
      logger.info({ event: 'inquiry.rate_limited' });
      const message = 'You have sent several questions in a short time. Please wait a few minutes and try again, or call us.';
      if (wantsJson(req)) res.status(429).json({ error: 'rate_limited', message });
      else renderPage(res, 'errors/error', { title: 'Please wait a moment', problem: { status: 429, message } }, 429);
    },
  });

  // Article pages first: they are most of the traffic.
  app.use(
    articleRouter({
      articles,
      rendered: renderedArticles,
      renderPage,
      clock,
      articleAside: createArticleForm({ programs, formTokens, consent, clock }),
    }),
  );
  app.use(inquiryRouter({ config, clock, logger, submitInquiry, programs, articles: renderedArticles, formTokens, consent, renderPage, metrics: inquiryMetrics, rateLimit: inquiryRateLimit }));
  app.use(healthRouter({ db, metrics }));
  app.use(officeHoursRouter({ officeHours: config.officeHours, clock }));

  // Staff workspace: /admin sign-in, lead review, exports, audit (src/staff).
  app.use(staffWorkspace({ config, db, databaseUrl: deps.databaseUrl ?? config.databaseUrl, clock, logger, renderPage, redis: deps.redis }));

  app.use(notFoundHandler);
  app.use(errorHandler({ logger, renderPage }));
  return { app, dispatcher, mailer };
}

/** A short hash of the stylesheet and the script, so a changed file gets a new URL. */
function assetVersion(): string {
  const hash = createHash('sha256');
  for (const file of ['site.css', 'site.js']) hash.update(readFileSync(path.join(STATIC_DIR, file)));
  return hash.digest('hex').slice(0, 10);
}
