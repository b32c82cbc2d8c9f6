import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small load balancer on 127.0.0.1, behaving as nginx or an ALB does in
 * front of Frontdesk: it keeps connections alive to the instances, checks
 * `/readyz` on each every `checkEveryMs`, takes an instance out after one
 * failed check (an error, a status other than 200, or no answer within
 * 5 s, an ALB's default) and puts it back after one passing check, and sends each
 * request to the next instance in service. It retries nothing: a request
 * whose instance fails it is answered 502 and counted, as it would be in
 * production.
 */

export interface BalancerEvent {
  at: number;
  backend: string;
  change: 'in' | 'out';
  why: string;
}

interface Backend {
  name: string;
  url: string;
  healthy: boolean;
  checking: boolean;
  agent: http.Agent;
}

// Hop-by-hop headers (RFC 9110 §7.6.1) belong to one connection, never forwarded.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host']);

function endToEnd(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name.toLowerCase())));
}

export class Balancer {
  readonly events: BalancerEvent[] = [];
  /** Requests the balancer could not complete, by reason (an instance's reset, none in service). */
  readonly failures = new Map<string, number>();
  /** When each failure happened (ms since the epoch), for telling them apart from the restarts. */
  readonly failureTimes: Array<{ at: number; reason: string }> = [];
  forwarded = 0;
  private readonly backends = new Map<string, Backend>();
  private next = 0;
  private server: http.Server | undefined;
  private checks: NodeJS.Timeout | undefined;
  private port = 0;

  constructor(private readonly checkEveryMs = 250) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Registers (or re-registers, after a restart on a new port) an instance; it takes traffic after its first passing check. */
  setBackend(name: string, url: string): void {
    this.backends.get(name)?.agent.destroy();
    // Its idle connections end before Node's 5 s keep-alive timeout on the instance, as the operations guide asks of a balancer.
    this.backends.set(name, { name, url, healthy: false, checking: false, agent: new http.Agent({ keepAlive: true, timeout: 4_000 }) });
  }

  isInService(name: string): boolean {
    return this.backends.get(name)?.healthy ?? false;
  }

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => this.forward(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    // Each instance on its own rhythm: a slow answer from one must not delay the checks of the other.
    this.checks = setInterval(() => {
      for (const backend of this.backends.values()) if (!backend.checking) void this.check(backend);
    }, this.checkEveryMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.checks);
    for (const backend of this.backends.values()) backend.agent.destroy();
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server!.close(resolve));
    this.server = undefined;
  }

  private async check(backend: Backend): Promise<void> {
    backend.checking = true;
    const why = await new Promise<string>((resolve) => {
      // A connection of its own, as health checkers open: the check must not wait behind traffic.
      const req = http.get(`${backend.url}/readyz`, { agent: false, timeout: 5_000 }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode === 200 ? '' : `HTTP ${res.statusCode}`));
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    });
    backend.checking = false;
    // The instance may have been replaced while the check ran.
    if (this.backends.get(backend.name) !== backend) return;
    const healthy = why === '';
    if (healthy !== backend.healthy) this.events.push({ at: Date.now(), backend: backend.name, change: healthy ? 'in' : 'out', why: why || 'HTTP 200' });
    backend.healthy = healthy;
  }

  private pick(): Backend | undefined {
    const inService = [...this.backends.values()].filter((backend) => backend.healthy);
    if (inService.length === 0) return undefined;
    this.next = (this.next + 1) % inService.length;
    return inService[this.next];
  }

  private fail(res: http.ServerResponse, reason: string): void {
    this.failures.set(reason, (this.failures.get(reason) ?? 0) + 1);
    this.failureTimes.push({ at: Date.now(), reason });
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain', 'x-balancer-error': reason }).end(reason);
    else res.destroy();
  }

  private forward(req: http.IncomingMessage, res: http.ServerResponse): void {
    const backend = this.pick();
    if (!backend) {
      this.fail(res, 'no instance in service');
      req.resume();
      return;
    }
    this.forwarded += 1;
    const upstream = http.request(`${backend.url}${req.url ?? '/'}`, { method: req.method, headers: endToEnd(req.headers), agent: backend.agent }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, endToEnd(answer.headers));
      answer.pipe(res);
      answer.on('error', (error: NodeJS.ErrnoException) => this.fail(res, `${backend.name}: response ${error.code ?? error.message}`));
    });
    upstream.on('error', (error: NodeJS.ErrnoException) => this.fail(res, `${backend.name}: ${error.code ?? error.message}`));
    req.pipe(upstream);
  }
}
