import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import express from 'express';
import { pinoHttp } from 'pino-http';
import { articleRouter } from './articles/article-routes';
import { createArticleRepository } from './articles/article-repository';
import type { Config } from './config/config';
import { healthRouter } from './health/health-routes';
import { officeHoursRouter } from './office-hours/office-hours-routes';
import type { Clock } from './platform/clock';
import type { Database } from './platform/database';
import { errorHandler, notFoundHandler } from './platform/http-errors';
import type { Logger } from './platform/logger';
import { createMetrics, type Metrics } from './platform/metrics';
import { createPageRenderer } from './platform/pages';
import { securityHeaders } from './platform/security';
import { createViews } from './platform/views';

export const STATIC_DIR = path.resolve(__dirname, '../static');

export interface AppDeps {
  config: Config;
  db: Database;
  clock: Clock;
  logger: Logger;
  metrics?: Metrics;
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

  app.use(healthRouter({ db, metrics }));
  app.use(officeHoursRouter({ officeHours: config.officeHours, clock }));
  app.use(articleRouter({ articles: createArticleRepository(db), renderPage }));

  app.use(notFoundHandler);
  app.use(errorHandler({ logger, renderPage }));
  return app;
}

/** A short hash of the stylesheet, so a changed file gets a new URL. */
function assetVersion(): string {
  return createHash('sha256').update(readFileSync(path.join(STATIC_DIR, 'site.css'))).digest('hex').slice(0, 10);
}
