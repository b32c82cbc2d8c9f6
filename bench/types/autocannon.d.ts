// autocannon ships no types and @types/autocannon is not a dependency, so the
// harness declares the part of its programmatic API it uses (autocannon 8).
// Extend this when a scenario needs another option; keep it truthful to
// node_modules/autocannon/README.md rather than loosening it to `any`.
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';

  namespace autocannon {
    interface Request {
      method?: string;
      path?: string;
      headers?: Record<string, string>;
      body?: string | Buffer;
      /** Mutates the raw request; a falsy return restarts the sequence. */
      setupRequest?: (request: Request, context: Record<string, unknown>) => Request | undefined | null | false;
      onResponse?: (status: number, body: string, context: Record<string, unknown>, headers: Record<string, string>) => void;
    }

    interface Options {
      url: string;
      connections?: number;
      /** Seconds. */
      duration?: number;
      amount?: number;
      pipelining?: number;
      /** Seconds before a request counts as a timeout (and an error). */
      timeout?: number;
      method?: string;
      headers?: Record<string, string>;
      body?: string | Buffer;
      requests?: Request[];
      initialContext?: Record<string, unknown>;
      expectBody?: string;
      verifyBody?: (body: string) => boolean;
      overallRate?: number;
      connectionRate?: number;
      reconnectRate?: number;
      idReplacement?: boolean;
      excludeErrorStats?: boolean;
      setupClient?: (client: EventEmitter & { setHeaders(h: Record<string, string>): void; setBody(b: string | Buffer): void }) => void;
    }

    /** hdr-histogram-percentiles-obj: mean/stddev/min/max plus p0_001 … p99_999. */
    interface Histogram {
      average: number;
      mean: number;
      stddev: number;
      min: number;
      max: number;
      total: number;
      p50: number;
      p90: number;
      p97_5: number;
      p99: number;
      [percentile: string]: number;
    }

    interface Result {
      url: string;
      connections: number;
      /** Seconds, to 10 ms. */
      duration: number;
      errors: number;
      timeouts: number;
      mismatches: number;
      non2xx: number;
      resets: number;
      '1xx': number;
      '2xx': number;
      '3xx': number;
      '4xx': number;
      '5xx': number;
      statusCodeStats: Record<string, { count: number }>;
      /** Milliseconds. */
      latency: Histogram;
      /** Per-second samples; `total` is all completed requests. */
      requests: Histogram & { sent: number };
      /** Bytes per second samples; `total` is all bytes read. */
      throughput: Histogram;
    }

    interface Instance extends EventEmitter, PromiseLike<Result> {
      stop(): void;
    }
  }

  function autocannon(options: autocannon.Options): autocannon.Instance;
  export = autocannon;
}
