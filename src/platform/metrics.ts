import type { NextFunction, Request, Response } from 'express';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/**
 * Prometheus metrics, one registry per app so tests (and several apps in one
 * process) never share counters.
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method, route pattern and status code',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });

  /**
   * Times every request, labelled by the route *pattern* so a slug never
   * becomes a label, and hands the finished request to `onFinish` (the access
   * log): one timer and one listener per request for both.
   */
  function measureRequests(onFinish?: (req: Request, res: Response, seconds: number) => void) {
    return (req: Request, res: Response, next: NextFunction): void => {
      const started = process.hrtime.bigint();
      res.once('finish', () => {
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        const route = routeLabel(req);
        httpDuration.observe({ method: req.method, route, status: String(res.statusCode) }, seconds);
        onFinish?.(req, res, seconds);
      });
      next();
    };
  }

  return { registry, measureRequests };
}

export type Metrics = ReturnType<typeof createMetrics>;

/**
 * The pattern of the route that answered: `/admin/leads/:id`, never a slug
 * or an id. A route with several paths is labelled with the one that matched.
 */
function routeLabel(req: Request): string {
  const pattern: unknown = req.route?.path;
  if (typeof pattern === 'string') return `${req.baseUrl}${pattern}`;
  if (Array.isArray(pattern)) {
    const path = `${req.baseUrl}${req.path}`;
    return pattern.some((candidate) => `${req.baseUrl}${String(candidate)}` === path) ? path : `${req.baseUrl}${String(pattern[0])}`;
  }
  return req.path.startsWith('/static/') ? '/static' : 'unmatched';
}
