import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import express from 'express';
import { createArticleCache, createArticleRepository } from './articles';
import { articleRouter } from './articles/http';
import type { Config } from './config/config';
import { healthRouter } from './health/http';
import { consentDisclosure, createFormTokens, createIdempotencyKeys, createInquiryMetrics, createSubmitInquiry } from './inquiries';
import { createArticleForm, inquiryApiRouter, inquiryFormRouter } from './inquiries/http';
import { createLeadRepository } from './leads';
import { bannerHoursLabel, createOfficeBanner, hoursLabel } from './office-hours';
import { officeHoursRouter } from './office-hours-api/http';
import { accessLog } from './platform/access-log';
import type { Clock } from './platform/clock';
import type { Database } from './platform/database';
import { errorHandler, notFoundHandler } from './platform/http-errors';
import { errors } from './platform/errors';
import type { Logger } from './platform/logger';
import { createMetrics, type Metrics } from './platform/metrics';
import { createPageRenderer } from './platform/pages';
import { createRateLimit } from './platform/rate-limit';
import { refuseControlCharacters, refuseOptions } from './platform/request-guards';
import type { Redis } from './platform/redis';
import { securityHeaders } from './platform/security';
import { createViews } from './platform/views';
import { createProgramCatalog, createProgramRepository } from './programs';
import { staffWorkspace } from './staff/http';
import { createDeliveryRepository, createEndpointRepository } from './webhooks';
import { webhookAdminPage } from './webhooks/http';

export const STATIC_DIR = path.resolve(__dirname, '../static');

export interface AppDeps {
  config: Config;
  db: Database;
  clock: Clock;
  logger: Logger;
  /** Shared with the dispatcher when one process runs both, so /metrics shows its counters. */
  metrics?: Metrics;
  /** Shared rate-limit store when several instances run (REDIS_URL). */
  redis?: Redis;
  /** Set while the process stops (server.ts): /readyz then answers 503. */
  drain?: { readonly draining: boolean };
  /** The connection string `db` uses; the staff workspace opens its own pg connections (sessions, streamed exports). Defaults to DATABASE_URL. */
  databaseUrl?: string;
}

/** Builds the HTTP app from its dependencies. Never listens (see server.ts) and sends no mail (see dispatcher.ts). */
export function buildApp(deps: AppDeps): express.Express {
  const { config, db, clock, logger } = deps;
  const metrics = deps.metrics ?? createMetrics();
  const views = createViews({ cache: config.env !== 'development' });
  const site = {
    name: config.siteName,
    phone: config.admissionsPhone,
    hours: hoursLabel(config.officeHours),
    bannerHours: bannerHoursLabel(config.officeHours),
  };
  const renderPage = createPageRenderer({ views, site, bannerAt: createOfficeBanner(config.officeHours), clock, assetVersion: assetVersion() });

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy ?? false);
  app.set('query parser', 'simple');

  app.use(metrics.measureRequests(accessLog(logger)));
  app.use(securityHeaders({ https: config.baseUrl.startsWith('https:') }));
  app.use(refuseOptions, refuseControlCharacters);
  // Asset URLs carry a content hash (?v=), so browsers may keep them for a year.
  app.use('/static', express.static(STATIC_DIR, { maxAge: '365d', immutable: true, index: false, fallthrough: true }));

  const articles = createArticleRepository(db);
  const renderedArticles = createArticleCache({ articles, clock });
  const programs = createProgramCatalog({ programs: createProgramRepository(db), clock });
  const formTokens = createFormTokens(config.sessionSecret);
  const consent = consentDisclosure(config.siteName);
  const inquiryMetrics = createInquiryMetrics(metrics.registry);
  const leads = createLeadRepository(db);
  const submitInquiry = createSubmitInquiry({
    leads, programs, officeHours: config.officeHours, consent, baseUrl: config.baseUrl, autoreply: config.autoreply,
    articleExists: async (slug) => (await renderedArticles.find(slug)) !== null,
    clock, logger, metrics: inquiryMetrics,
  });
  const inquiryRateLimit = createRateLimit({
    name: 'inquiries',
    ...config.inquiryRateLimit,
    redis: deps.redis,
    logger,
    clock,
    onLimited: (_req, _res, next) => {
      inquiryMetrics.count('rate_limited');
      logger.info({ event: 'inquiry.rate_limited' });
      next(errors.rateLimited());
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
  app.use(
    inquiryFormRouter({
      baseUrl: config.baseUrl, admissionsPhone: config.admissionsPhone, officeHours: config.officeHours, clock, logger,
      submitInquiry, programs, articles: renderedArticles, formTokens, consent, renderPage, metrics: inquiryMetrics, rateLimit: inquiryRateLimit,
    }),
  );
  app.use(
    inquiryApiRouter({
      baseUrl: config.baseUrl, clock, logger, submitInquiry, idempotencyKeys: createIdempotencyKeys(db), formTokens, metrics: inquiryMetrics,
      rateLimit: inquiryRateLimit,
    }),
  );
  app.use(healthRouter({ db, metrics, drain: deps.drain }));
  app.use(officeHoursRouter({ officeHours: config.officeHours, clock }));

  // Staff workspace: /admin sign-in, lead review, exports, audit (src/staff).
  app.use(staffWorkspace({
    config, db, databaseUrl: deps.databaseUrl ?? config.databaseUrl, clock, logger, renderPage, redis: deps.redis, metricsRegistry: metrics.registry,
    adminPages: [webhookAdminPage({ endpoints: createEndpointRepository(db), deliveries: createDeliveryRepository(db), clock, logger })],
  }));

  app.use(notFoundHandler);
  app.use(errorHandler({ logger, renderPage }));
  return app;
}

/** A short hash of the stylesheet and the script, so a changed file gets a new URL. */
function assetVersion(): string {
  const hash = createHash('sha256');
  for (const file of ['site.css', 'site.js']) hash.update(readFileSync(path.join(STATIC_DIR, file)));
  return hash.digest('hex').slice(0, 10);
}
