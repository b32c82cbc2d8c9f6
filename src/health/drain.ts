import type { Server } from 'node:http';

/** The timers a drain waits on; tests pass their own so no test sleeps for the wall clock. */
export interface DrainTimers {
  /** Resolves after `ms`. */
  sleep(ms: number): Promise<void>;
  /** Calls `tick` every `ms` until the returned function is called. */
  every(ms: number, tick: () => void): () => void;
}

export const realTimers: DrainTimers = {
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  every(ms, tick) {
    const handle = setInterval(tick, ms);
    return () => clearInterval(handle);
  },
};

/**
 * Idle keep-alive sockets are closed once a second in the second half of the
 * drain, not at the signal: closing a socket at the instant a client sends on
 * it resets that request, and the load balancer may still send here until it
 * has seen /readyz fail (DRAIN_SECONDS is chosen longer than that). Until then
 * a request on such a socket is answered with Connection: close, which ends
 * the socket without a race.
 */
export const IDLE_SWEEP_MS = 1_000;

export interface Drain {
  /** True from the signal on: /readyz answers 503 and every response carries Connection: close. */
  readonly draining: boolean;
  /**
   * Serves `seconds` longer (in the second half, closing idle keep-alive sockets as they appear),
   * then stops accepting and resolves once every request in flight has been
   * answered. Idempotent.
   */
  drain(): Promise<void>;
}

/**
 * A rolling restart without lost requests: on SIGTERM the load balancer sees
 * /readyz fail and moves traffic away while this server keeps answering what
 * still arrives, telling every client to reconnect elsewhere; only then does
 * it close. `server` must not be listening yet when the drain is created, so
 * that no response escapes the Connection: close marking.
 */
export function createDrain(options: { server: Server; seconds: number; timers?: DrainTimers }): Drain {
  const { server, seconds } = options;
  const timers = options.timers ?? realTimers;
  let draining = false;
  let closing = false;
  let drained: Promise<void> | undefined;

  // Before the app's own listener, so every response, whatever route answers it, is marked.
  server.prependListener('request', (_req, res) => {
    if (draining) res.setHeader('Connection', 'close');
    // A response begun before the signal leaves its socket idle when it ends; once the
    // server is closing nobody sends here any more, so that socket need not wait for a sweep.
    res.once('finish', () => {
      if (closing) setImmediate(() => server.closeIdleConnections());
    });
  });

  async function run(): Promise<void> {
    draining = true;
    const halfMs = (seconds * 1_000) / 2;
    if (halfMs > 0) await timers.sleep(halfMs);
    // A socket whose response began before the signal becomes idle after it: sweep repeatedly.
    server.closeIdleConnections();
    const stopSweeping = timers.every(IDLE_SWEEP_MS, () => server.closeIdleConnections());
    try {
      if (halfMs > 0) await timers.sleep(halfMs);
      closing = true;
      await new Promise<void>((resolve) => {
        // Stop accepting; close() resolves once the sockets of requests in flight close after their responses.
        server.close(() => resolve());
        server.closeIdleConnections();
      });
    } finally {
      stopSweeping();
    }
  }

  return {
    get draining() {
      return draining;
    },
    drain: () => (drained ??= run()),
  };
}
