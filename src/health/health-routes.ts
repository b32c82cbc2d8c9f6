import express from 'express';
import type { Database } from '../platform/database';
import type { Metrics } from '../platform/metrics';

/** Liveness, readiness and metrics for operators and load balancers. */
export function healthRouter(deps: { db: Database; metrics: Metrics; drain?: { readonly draining: boolean } }): express.Router {
  const router = express.Router();

  router.get('/healthz', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });

  router.get('/readyz', async (_req, res) => {
    res.set('Cache-Control', 'no-store');
    // Stopping: the load balancer must send new requests elsewhere, though this process still answers them.
    if (deps.drain?.draining) {
      res.status(503).json({ status: 'draining' });
      return;
    }
    try {
      await deps.db.$queryRaw`SELECT 1`;
      res.json({ status: 'ready', database: 'up' });
    } catch {
      res.status(503).json({ status: 'unavailable', database: 'down' });
    }
  });

  router.get('/metrics', async (_req, res) => {
    res.set('Cache-Control', 'no-store').type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });

  return router;
}
