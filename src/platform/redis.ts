import { createClient } from 'redis';
import type { Logger } from './logger';

export type Redis = ReturnType<typeof createClient>;

/** The shared Redis for rate limits when several instances run (REDIS_URL). */
export async function connectRedis(url: string, logger: Logger): Promise<Redis> {
  const client = createClient({ url, socket: { connectTimeout: 5_000, reconnectStrategy: (retries) => Math.min(retries * 200, 5_000) } });
  // Without a listener a lost connection is an unhandled 'error' event; the
  // client reconnects by itself, and rate limiting fails open meanwhile.
  client.on('error', (error: Error) => logger.warn({ event: 'redis.error', err: { message: error.message } }));
  await client.connect();
  return client;
}
