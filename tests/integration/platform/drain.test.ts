import http, { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import pino from 'pino';
import { buildApp } from '../../../src/app';
import { createDrain, IDLE_SWEEP_MS, type Drain, type DrainTimers } from '../../../src/health';
import { createTestApp, type TestApp } from '../../support/test-app';

/**
 * The drain of a stopping web process (src/health/drain.ts), on a real
 * listening server and real keep-alive sockets; its timers are the test's,
 * so the drain's seconds pass when the test says.
 */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

class ManualTimers implements DrainTimers {
  private now = 0;
  private sleepers: Array<{ at: number; wake: () => void }> = [];
  private repeaters = new Set<{ every: number; next: number; tick: () => void }>();

  sleep(ms: number): Promise<void> {
    return new Promise((wake) => this.sleepers.push({ at: this.now + ms, wake }));
  }

  every(ms: number, tick: () => void): () => void {
    const repeater = { every: ms, next: this.now + ms, tick };
    this.repeaters.add(repeater);
    return () => this.repeaters.delete(repeater);
  }

  /** Moves time on, firing what falls due in order; what a woken sleeper does next (another sleep) runs before time moves further. */
  async advance(ms: number): Promise<void> {
    const until = this.now + ms;
    for (;;) {
      const nextRepeat = Math.min(...[...this.repeaters].map((r) => r.next));
      const nextSleep = Math.min(...this.sleepers.map((s) => s.at));
      const next = Math.min(nextRepeat, nextSleep);
      if (next > until) break;
      this.now = next;
      for (const repeater of [...this.repeaters].filter((r) => r.next === next)) {
        repeater.next += repeater.every;
        repeater.tick();
      }
      for (const sleeper of this.sleepers.filter((s) => s.at === next)) sleeper.wake();
      this.sleepers = this.sleepers.filter((s) => s.at !== next);
      await settle();
    }
    this.now = until;
  }

  get pendingSleeps(): number {
    return this.sleepers.length;
  }
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  socket: Socket;
}

function get(url: string, agent: http.Agent): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, socket: req.socket! }));
    });
    req.on('error', reject);
  });
}

const closed = (socket: Socket) => new Promise<void>((resolve) => (socket.destroyed ? resolve() : socket.once('close', () => resolve())));

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('Draining a stopping web process', () => {
  let t: TestApp;
  let server: Server;
  let drain: Drain;
  let timers: ManualTimers;
  let url: string;
  let agent: http.Agent;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  beforeEach(async () => {
    timers = new ManualTimers();
    server = createServer();
    // No idle timeout of Node's own: only the drain may close an idle socket here.
    server.keepAliveTimeout = 0;
    drain = createDrain({ server, seconds: 5, timers });
    server.on('request', buildApp({ config: t.config, db: t.db, clock: t.clock, logger: pino({ level: 'silent' }), drain }));
    url = await listen(server);
    agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  });
  afterEach(async () => {
    agent.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  test('when the process is not stopping, then /readyz answers 200 and connections are kept alive', async () => {
    const ready = await get(`${url}/readyz`, agent);
    expect(ready.status).toBe(200);
    expect(ready.headers.connection).toBe('keep-alive');
    expect(drain.draining).toBe(false);
  });

  test('when the drain begins, then /readyz answers 503 at once, saying it is draining, while pages and /healthz are still served', async () => {
    void drain.drain();
    expect(drain.draining).toBe(true);
    const ready = await get(`${url}/readyz`, agent);
    expect(ready.status).toBe(503);
    expect(JSON.parse(ready.body)).toEqual({ status: 'draining' });
    expect(ready.headers['cache-control']).toBe('no-store');
    expect((await get(`${url}/healthz`, agent)).status).toBe(200);
    expect((await get(`${url}/articles/how-online-classes-work`, agent)).status).toBe(200);
  });

  test('when draining, then every response says Connection: close and its socket is closed after it', async () => {
    void drain.drain();
    for (const path of ['/articles/how-online-classes-work', '/no-such-page', '/healthz']) {
      const answer = await get(`${url}${path}`, agent);
      expect(answer.headers.connection).toBe('close');
      await closed(answer.socket);
    }
  });

  test('when a keep-alive socket sits idle from before the signal, then it is left to the balancer for the first half of the drain and closed at the half', async () => {
    const before = await get(`${url}/healthz`, agent);
    expect(before.headers.connection).toBe('keep-alive');
    void drain.drain();
    await timers.advance(2_499);
    await settle();
    expect(before.socket.destroyed).toBe(false);
    await timers.advance(1);
    await closed(before.socket);
  });

  test('when the drain seconds have passed, then the server stops accepting and the drain ends', async () => {
    const drained = drain.drain();
    await timers.advance(4_999);
    await settle();
    expect(server.listening).toBe(true);
    await timers.advance(1);
    await drained;
    expect(server.listening).toBe(false);
    await expect(get(`${url}/healthz`, new http.Agent())).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  test('when a second signal asks for the drain again, then it is the same drain, not a shorter one', async () => {
    const first = drain.drain();
    await timers.advance(3_000);
    expect(drain.drain()).toBe(first);
    await settle();
    expect(server.listening).toBe(true);
    await timers.advance(2_000);
    await first;
    expect(server.listening).toBe(false);
  });
});

/** Every request to `server` waits until `release()`; `inFlight` resolves once one has arrived. */
function holdRequests(server: http.Server): { release: () => void; inFlight: Promise<void> } {
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  let arrived: () => void = () => undefined;
  const inFlight = new Promise<void>((resolve) => (arrived = resolve));
  server.on('request', (_req, res) => {
    arrived();
    void held.then(() => res.end('done'));
  });
  return { release: () => release(), inFlight };
}

describe('Sockets freed during a drain', () => {
  test('when a response begun before the signal ends in the second half, then its socket, now idle, is closed at the next sweep', async () => {
    const timers = new ManualTimers();
    const server = createServer();
    server.keepAliveTimeout = 0;
    const drain = createDrain({ server, seconds: 5, timers });
    const { release, inFlight } = holdRequests(server);
    const url = await listen(server);
    const agent = new http.Agent({ keepAlive: true });
    try {
      const answer = get(url, agent);
      await inFlight;
      void drain.drain();
      await timers.advance(2_500);
      release();
      const reply = await answer;
      // Its headers were decided before the signal: nothing told the client to let go of the socket.
      expect(reply.headers.connection).toBe('keep-alive');
      await settle();
      expect(reply.socket.destroyed).toBe(false);
      await timers.advance(IDLE_SWEEP_MS);
      await closed(reply.socket);
    } finally {
      agent.destroy();
      server.closeAllConnections();
      server.close();
    }
  });
});

describe('The end of a drain', () => {
  test('when a request is in flight as the drain ends, then it is answered before the drain resolves', async () => {
    const timers = new ManualTimers();
    const server = createServer();
    const drain = createDrain({ server, seconds: 0, timers });
    const { release, inFlight } = holdRequests(server);
    const url = await listen(server);
    const agent = new http.Agent({ keepAlive: true });
    try {
      const answer = get(url, agent);
      await inFlight;
      let drained = false;
      const drainEnded = drain.drain().then(() => (drained = true));
      await settle();
      expect(server.listening).toBe(false);
      expect(drained).toBe(false);
      release();
      const reply = await answer;
      expect(reply).toMatchObject({ status: 200, body: 'done' });
      await drainEnded;
      expect(drained).toBe(true);
    } finally {
      agent.destroy();
      server.closeAllConnections();
    }
  });
});
