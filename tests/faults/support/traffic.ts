import http, { type IncomingHttpHeaders } from 'node:http';
import { InquirySeries } from '../../support/inquiries';
import { runInfo } from './run';

/**
 * The load side: plain node:http with keep-alive agents (fetch costs several
 * times more CPU per request, and this machine has two cores for the apps,
 * PostgreSQL and us), inquiries with personal data marked by the run id, and
 * worker pools that keep N requests in flight.
 */

export interface Reply {
  /** 0 when no response came (the error says why). */
  status: number;
  body: string;
  headers: IncomingHttpHeaders;
  error?: string;
  sentAt: number;
  at: number;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  agent?: http.Agent | false;
  timeoutMs?: number;
}

/** One HTTP request; never rejects (a failure is status 0 with `error`). */
export function send(url: string, options: RequestOptions = {}): Promise<Reply> {
  const sentAt = Date.now();
  return new Promise((resolve) => {
    let settled = false;
    const finish = (reply: Omit<Reply, 'sentAt' | 'at'>) => {
      if (settled) return;
      settled = true;
      resolve({ ...reply, sentAt, at: Date.now() });
    };
    const headers: Record<string, string> = { ...options.headers };
    if (options.body !== undefined) headers['content-length'] = String(Buffer.byteLength(options.body));
    const req = http.request(url, { method: options.method ?? 'GET', headers, agent: options.agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => finish({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
      res.on('error', (error) => finish({ status: 0, body: '', headers: {}, error: `response: ${error.message}` }));
    });
    req.setTimeout(options.timeoutMs ?? 60_000, () => req.destroy(new Error(`no answer within ${options.timeoutMs ?? 60_000} ms`)));
    req.on('error', (error: NodeJS.ErrnoException) => finish({ status: 0, body: '', headers: {}, error: error.code ?? error.message }));
    req.end(options.body);
  });
}

/**
 * A keep-alive client as docs/operations.md asks of a balancer: an idle
 * connection is dropped after 4 s, before the app's 5 s keep-alive timeout
 * closes it. (Without it, a socket left idle in the pool for 5 s can be
 * reused at the instant the app closes it, and that request is reset before
 * the app ever sees it.)
 */
export const keepAlive = (maxSockets: number) => new http.Agent({ keepAlive: true, maxSockets, timeout: 4_000 });

/** Runs `task(i)` for i in [0, total) with `concurrency` in flight. */
export async function runConcurrently(total: number, concurrency: number, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < total) {
      const index = next;
      next += 1;
      await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
}

/** Runs `task(i)` repeatedly with `concurrency` in flight until `until()` says stop. */
export async function runWhile(until: () => boolean, concurrency: number, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (until()) {
      const index = next;
      next += 1;
      await task(index);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

export { ARTICLES } from '../../support/inquiries';

/**
 * Valid inquiries whose email addresses, phone numbers and messages carry the
 * run id, so the logs of the whole run can be searched for them
 * (99-secrets-in-logs).
 */
export class Inquiries extends InquirySeries {
  constructor(readonly scenario: string) {
    super(`fault.${runInfo().id}.${scenario.replace(/[^a-z0-9]/g, '')}`, { marker: runInfo().id, utmSource: 'faults' });
  }
}

/** POSTs one JSON inquiry; returns the reply and the lead id of a 201. */
export async function postInquiry(baseUrl: string, body: string, agent?: http.Agent | false, headers: Record<string, string> = {}): Promise<Reply & { id?: string }> {
  const reply = await send(`${baseUrl}/api/inquiries`, { method: 'POST', body, agent, headers: { 'content-type': 'application/json', ...headers } });
  if (reply.status !== 201) return reply;
  try {
    return { ...reply, id: (JSON.parse(reply.body) as { id: string }).id };
  } catch {
    return { ...reply, error: 'a 201 without a JSON body' };
  }
}

/** Counts of replies by status (0 = no answer), for messages. */
export class Tally {
  readonly byStatus = new Map<number, number>();
  readonly errors = new Map<string, number>();
  total = 0;

  add(reply: Reply): void {
    this.total += 1;
    this.byStatus.set(reply.status, (this.byStatus.get(reply.status) ?? 0) + 1);
    if (reply.error) this.errors.set(reply.error, (this.errors.get(reply.error) ?? 0) + 1);
  }

  count(status: number): number {
    return this.byStatus.get(status) ?? 0;
  }

  count5xx(): number {
    return [...this.byStatus].filter(([status]) => status >= 500).reduce((sum, [, n]) => sum + n, 0);
  }

  toString(): string {
    const statuses = [...this.byStatus].sort(([a], [b]) => a - b).map(([status, n]) => `${status || 'no answer'}: ${n}`).join(', ');
    const errors = [...this.errors].map(([error, n]) => `${error} ×${n}`).join(', ');
    return `${statuses}${errors ? ` (${errors})` : ''}`;
  }
}
