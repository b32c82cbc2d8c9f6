import autocannon from 'autocannon';
import { onCleanup } from './process';

/** What one load run measured. Latencies in milliseconds. */
export interface LoadStats {
  rps: number;
  p50: number;
  p99: number;
  /** Completed responses whose status was not 2xx (autocannon counts 1xx, 3xx, 4xx, 5xx). */
  non2xx: number;
  /** Connection errors and timeouts: requests that never got a response. */
  errors: number;
  /** Responses by status code, e.g. { '200': 41000, '429': 12 }. */
  statusCodes: Record<string, number>;
  requests: number;
  seconds: number;
}

export interface LoadOptions {
  /** Absolute URL; its path is requested unless `requests` say otherwise. */
  url: string;
  connections: number;
  durationSec: number;
  /** Load applied first and thrown away: JIT, connection pools and caches warm up. 0 for none. */
  warmupSec: number;
  /** Anything else autocannon accepts (method, headers, body, requests…), for POST scenarios. */
  autocannon?: Omit<autocannon.Options, 'url' | 'connections' | 'duration' | 'amount'>;
}

/**
 * Runs autocannon in this process (warm-up, then the measured run). On the
 * 2-core bench machine it competes with the server under test, and its cost
 * grows with the request rate: a fast baseline is held back more than a slow
 * app, so a ratio errs in the app's favour. Absolute numbers depend on the
 * machine; compare ratios taken in the same run.
 */
export async function measure(options: LoadOptions): Promise<LoadStats> {
  const base = { url: options.url, connections: options.connections, ...options.autocannon };
  if (options.warmupSec > 0) await run({ ...base, duration: options.warmupSec });
  const result = await run({ ...base, duration: options.durationSec });
  return {
    // Completed requests over the measured time; autocannon's `requests.average`
    // is a mean of whole-second samples and drops a partial last second.
    rps: result.duration > 0 ? result.requests.total / result.duration : 0,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, count])),
    requests: result.requests.total,
    seconds: result.duration,
  };
}

/**
 * One autocannon run that Ctrl-C can stop: otherwise its keep-alive connections
 * hold the app's graceful shutdown open until the run would have ended.
 */
async function run(options: autocannon.Options): Promise<autocannon.Result> {
  const instance = autocannon(options);
  const unregister = onCleanup(async () => instance.stop());
  try {
    return await instance;
  } finally {
    unregister();
  }
}

/**
 * Why a run cannot be trusted as a measurement of the page, or undefined.
 * A run of 429s, 500s or refused connections measures the error path.
 */
export function problemWith(stats: LoadStats, expectedStatus = 200): string | undefined {
  const unexpected = Object.entries(stats.statusCodes).filter(([code]) => Number(code) !== expectedStatus);
  if (stats.errors === 0 && stats.non2xx === 0 && unexpected.length === 0 && stats.requests > 0) return undefined;
  if (stats.requests === 0) return 'no responses';
  const parts = [];
  if (stats.errors > 0) parts.push(`${stats.errors} errors/timeouts`);
  if (unexpected.length > 0) parts.push(`unexpected status ${unexpected.map(([code, count]) => `${code}×${count}`).join(', ')}`);
  return parts.join('; ');
}

/** Two runs of one target as one: exact req/s, counts and statuses; p50 approximated, p99 the worse half's. */
export function combineHalves(a: LoadStats, b: LoadStats): LoadStats {
  const requests = a.requests + b.requests;
  const seconds = a.seconds + b.seconds;
  const statusCodes: Record<string, number> = { ...a.statusCodes };
  for (const [code, count] of Object.entries(b.statusCodes)) statusCodes[code] = (statusCodes[code] ?? 0) + count;
  return {
    rps: seconds > 0 ? requests / seconds : 0,
    p50: requests > 0 ? Math.round(((a.p50 * a.requests + b.p50 * b.requests) / requests) * 100) / 100 : 0,
    p99: Math.max(a.p99, b.p99),
    non2xx: a.non2xx + b.non2xx,
    errors: a.errors + b.errors,
    statusCodes,
    requests,
    seconds,
  };
}
