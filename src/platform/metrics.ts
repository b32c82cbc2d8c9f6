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

  /** Times every request; labelled by the route *pattern* so a slug never becomes a label. */
  function measureRequests(req: Request, res: Response, next: NextFunction): void {
    const stop = httpDuration.startTimer();
    res.on('finish', () => {
      const route = req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : req.path.startsWith('/static/') ? '/static' : 'unmatched';
      stop({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  }

  return { registry, measureRequests };
}

export type Metrics = ReturnType<typeof createMetrics>;
