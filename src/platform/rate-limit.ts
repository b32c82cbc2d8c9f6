import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { MemoryStore, rateLimit, type ClientRateLimitInfo, type Options, type Store } from 'express-rate-limit';
import { RedisStore } from 'rate-limit-redis';
import { systemClock, type Clock } from './clock';
import type { Logger } from './logger';
import type { Redis } from './redis';

// A Redis that accepts the connection but does not answer costs a request at most this long.
const REDIS_COMMAND_TIMEOUT_MS = 500;

export interface RateLimitOptions {
  /** Keys in Redis start with this, so each limiter has its own counters. */
  name: string;
  limit: number;
  windowMs: number;
  redis?: Redis;
  logger: Logger;
  /** When Redis is retried after a failure; the system clock unless given. */
  clock?: Clock;
  /** Key per client; defaults to the client IP (honouring TRUST_PROXY through req.ip). */
  key?: (req: Request) => string;
  /** Answers a refused request, or passes an error on to the error handler. */
  onLimited: (req: Request, res: Response, next: NextFunction) => void;
}

/**
 * express-rate-limit with an in-process store, or Redis when several
 * instances must share one count. While Redis is away each instance counts
 * on its own (RedisWithFallbackStore): an outage neither turns away
 * prospective students, nor holds their requests, nor lifts the limit.
 */
export function createRateLimit(options: RateLimitOptions): RequestHandler {
  const { logger, name } = options;
  return rateLimit({
    windowMs: options.windowMs,
    limit: options.limit,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    // Last resort only: the fallback store does not fail.
    passOnStoreError: true,
    logger: {
      warn: (error, detail) => logger.warn({ event: 'rate_limit.warning', limiter: name, error: String(error).slice(0, 200), detail }),
      error: (error, detail) => logger.error({ event: 'rate_limit.error', limiter: name, error: String(error).slice(0, 200), detail }),
    },
    ...(options.redis ? { store: new RedisWithFallbackStore(name, options.redis, logger, options.clock ?? systemClock) } : {}),
    ...(options.key ? { keyGenerator: options.key } : {}),
    handler: (req, res, next) => options.onLimited(req, res, next),
  });
}

/**
 * Counts in Redis; when a Redis command fails, counts in this process
 * instead, and tries Redis again at most once a second until it answers.
 * rate-limit-redis loads its Lua scripts once, in init(): a load cut by an
 * outage would fail every later call, so they are loaded again on the way back.
 */
class RedisWithFallbackStore implements Store {
  private readonly redis: RedisStore;
  private readonly local = new MemoryStore();
  private options: Options | undefined;
  /** undefined until the first answer or failure. */
  private healthy: boolean | undefined;
  private nextTryAt = 0;
  private trying: Promise<boolean> | undefined;
  localKeys = false;

  constructor(
    private readonly name: string,
    client: Redis,
    private readonly logger: Logger,
    private readonly clock: Clock,
  ) {
    this.redis = new RedisStore({
      prefix: `frontdesk:rl:${name}:`,
      // No offline queue (connectRedis): while disconnected this fails at once.
      sendCommand: (...args: string[]) => client.sendCommand(args, { timeout: REDIS_COMMAND_TIMEOUT_MS }),
    });
  }

  async init(options: Options): Promise<void> {
    this.options = options;
    this.local.init(options);
    await this.tryRedis();
  }

  async increment(key: string): Promise<ClientRateLimitInfo> {
    if (this.healthy || (await this.tryRedis())) {
      try {
        return await this.redis.increment(key);
      } catch (error) {
        this.lost(error);
      }
    }
    return this.local.increment(key);
  }

  async decrement(key: string): Promise<void> {
    await this.local.decrement(key);
    if (this.healthy) await this.redis.decrement(key).catch((error: unknown) => this.lost(error));
  }

  async resetKey(key: string): Promise<void> {
    await this.local.resetKey(key);
    if (this.healthy) await this.redis.resetKey(key).catch((error: unknown) => this.lost(error));
  }

  shutdown(): void {
    this.local.shutdown();
  }

  /** Loads the scripts (again); true when Redis is usable. One try at a time, at most one a second. */
  private tryRedis(): Promise<boolean> {
    if (!this.options || this.clock.now().getTime() < this.nextTryAt) return Promise.resolve(false);
    this.trying ??= this.redis
      .init(this.options)
      .then(() => {
        if (this.healthy === false) this.logger.info({ event: 'rate_limit.redis_restored', limiter: this.name });
        this.healthy = true;
        return true;
      })
      .catch((error: unknown) => {
        this.lost(error);
        return false;
      })
      .finally(() => (this.trying = undefined));
    return this.trying;
  }

  private lost(error: unknown): void {
    this.nextTryAt = this.clock.now().getTime() + 1_000;
    if (this.healthy === false) return; // said so already
    this.healthy = false;
    this.logger.warn({ event: 'rate_limit.redis_unavailable', limiter: this.name, error: String(error).slice(0, 200) });
  }
}
