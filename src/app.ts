import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import express from 'express';
import { apiDocsRouter } from './api-docs/http';
import { createArticleCache, createArticleRepository, createArticleViews, type ArticleViews } from './articles';
import { articleRouter } from './articles/http';
import { createAdvisorAssignment } from './advisors';
import { callEventData, createCallbackBooking, createCallTokens } from './callbacks';
import { callbackRouter, callOfferForThanks } from './callbacks/http';
import { createOutboxRepository } from './outbox';
import type { Config } from './config/config';
import { healthRouter } from './health/http';
import { consentDisclosure, createFormTokens, createIdempotencyKeys, createInquiryMetrics, createSubmitInquiry } from './inquiries';
import { createArticleForm, inquiryApiRouter, inquiryFormRouter, sameOrigin } from './inquiries/http';
import { createLeadCallees, createLeadRepository } from './leads';
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
import { createDeliveryRepository, createEndpointRepository, queueWebhookEvent } from './webhooks';
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
  /**
   * The article view counter (SPEC §12). server.ts makes it, starts its timer
   * and writes it out at shutdown; without one, buildApp makes one that only
   * writes when its flush() is called (tests do).
   */
  articleViews?: ArticleViews;
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
  const articleViews = deps.articleViews ?? createArticleViews({ db, clock, timezone: config.officeHours.timezone, logger });
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

  // Calls from an advisor (SPEC §11); CALLBACKS=off: no offer on the thanks page, and their routes answer 404.
  const callTokens = createCallTokens(config.sessionSecret);
  const advisorAssignment = createAdvisorAssignment();
  const callbackBooking = config.callbacks.enabled
    ? createCallbackBooking({
        db, clock, logger, officeHours: config.officeHours, rules: config.callbacks,
        callees: createLeadCallees(db), advisors: advisorAssignment, outbox: createOutboxRepository(db),
        onChange: (tx, change) => queueWebhookEvent(tx, { type: change.type, leadId: change.call.leadId, at: clock.now(), extra: { call: callEventData(change.call) } }).then(() => undefined),
      })
    : null;
  const callOffer = callbackBooking ? callOfferForThanks({ booking: callbackBooking, tokens: callTokens, clock, officeHours: config.officeHours, baseUrl: config.baseUrl }) : undefined;

  // Article pages first: they are most of the traffic.
  app.use(
    articleRouter({
      articles,
      rendered: renderedArticles,
      renderPage,
      clock,
      articleAside: createArticleForm({ programs, formTokens, consent, clock }),
      views: articleViews,
    }),
  );
  app.use(
    inquiryFormRouter({
      baseUrl: config.baseUrl, admissionsPhone: config.admissionsPhone, officeHours: config.officeHours, clock, logger,
      submitInquiry, programs, articles: renderedArticles, formTokens, consent, renderPage, metrics: inquiryMetrics, rateLimit: inquiryRateLimit,
      callOffer,
    }),
  );
  app.use(
    inquiryApiRouter({
      baseUrl: config.baseUrl, clock, logger, submitInquiry, idempotencyKeys: createIdempotencyKeys(db), formTokens, metrics: inquiryMetrics,
      rateLimit: inquiryRateLimit,
      leadToken: callbackBooking ? (leadId) => callTokens.issueLeadToken(leadId, clock.now()) : undefined,
    }),
  );
  if (callbackBooking) {
    app.use(callbackRouter({
      db, baseUrl: config.baseUrl, officeHours: config.officeHours, clock, logger, booking: callbackBooking, tokens: callTokens,
      advisors: advisorAssignment, renderPage, rateLimit: inquiryRateLimit, sameOrigin: sameOrigin(config.baseUrl, logger),
    }));
  }
  app.use(healthRouter({ db, metrics, drain: deps.drain }));
  app.use(officeHoursRouter({ officeHours: config.officeHours, clock }));
  app.use(apiDocsRouter({ siteName: config.siteName, version: packageVersion(), baseUrl: config.baseUrl }));

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

/** The version in package.json (one directory above src/ and dist/), for the API document. */
function packageVersion(): string {
  return (JSON.parse(readFileSync(path.resolve(__dirname, '../package.json'), 'utf8')) as { version: string }).version;
}
