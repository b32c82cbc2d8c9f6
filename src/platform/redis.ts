import { createClient } from 'redis';
import type { Logger } from './logger';

export type Redis = ReturnType<typeof createClient>;

/** The shared Redis for rate limits when several instances run (REDIS_URL). */
export async function connectRedis(url: string, logger: Logger): Promise<Redis> {
  // No offline queue: while the connection is down a command fails at once
  // instead of waiting for the reconnection, so rate limiting fails open
  // (the request goes through) rather than holding every inquiry.
  const client = createClient({ url, disableOfflineQueue: true, socket: { connectTimeout: 5_000, reconnectStrategy: (retries) => Math.min(retries * 200, 5_000) } });
  // Without a listener a lost connection is an unhandled 'error' event; the
  // client reconnects by itself.
  client.on('error', (error: Error) => logger.warn({ event: 'redis.error', err: { message: error.message } }));
  await client.connect();
  return client;
}
