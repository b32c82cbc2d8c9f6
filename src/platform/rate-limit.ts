import type { Request, RequestHandler, Response } from 'express';
import { rateLimit, type Store } from 'express-rate-limit';
import { RedisStore } from 'rate-limit-redis';
import type { Redis } from './redis';

export interface RateLimitOptions {
  /** Keys in Redis start with this, so each limiter has its own counters. */
  name: string;
  limit: number;
  windowMs: number;
  redis?: Redis;
  /** Key per client; defaults to the client IP (honouring TRUST_PROXY through req.ip). */
  key?: (req: Request) => string;
  onLimited: (req: Request, res: Response) => void;
}

/**
 * express-rate-limit with an in-process store, or Redis when several
 * instances must share one count. If the store fails the request goes
 * through: a Redis outage must not turn away prospective students.
 */
export function createRateLimit(options: RateLimitOptions): RequestHandler {
  const store: Store | undefined = options.redis
    ? new RedisStore({ prefix: `frontdesk:rl:${options.name}:`, sendCommand: (...args: string[]) => options.redis!.sendCommand(args) })
    : undefined;
  return rateLimit({
    windowMs: options.windowMs,
    limit: options.limit,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    passOnStoreError: true,
    ...(store ? { store } : {}),
    ...(options.key ? { keyGenerator: options.key } : {}),
    handler: (req, res) => options.onLimited(req, res),
  });
}
