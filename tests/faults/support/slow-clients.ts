import http from 'node:http';
import net from 'node:net';
import type { Reply } from './traffic';

/**
 * Hostile clients for the soak: slowloris-style connections that trickle
 * their headers or their body a byte at a time, and 1 MB bodies, with and
 * without Content-Length.
 */
export interface SlowClient {
  readonly kind: 'headers' | 'body';
  readonly openedAt: number;
  /** The status line's code, if the server answered. */
  status?: number;
  answeredAt?: number;
  closedAt?: number;
  /** Stops trickling and closes the connection. */
  stop(): void;
}

function trickle(kind: SlowClient['kind'], port: number, head: string, drip: (n: number) => string, everyMs: number): SlowClient {
  const client: SlowClient = { kind, openedAt: Date.now(), stop: () => undefined };
  const socket = net.connect(port, '127.0.0.1');
  let n = 0;
  let timer: NodeJS.Timeout | undefined;
  let response = '';
  socket.on('connect', () => {
    socket.write(head);
    timer = setInterval(() => {
      if (!socket.destroyed && socket.writable) socket.write(drip(n++));
    }, everyMs);
  });
  socket.on('data', (chunk: Buffer) => {
    if (client.status !== undefined) return;
    response += chunk.toString('latin1');
    const match = /^HTTP\/1\.1 (\d{3})/.exec(response);
    if (match) {
      client.status = Number(match[1]);
      client.answeredAt = Date.now();
    }
  });
  socket.on('error', () => undefined);
  socket.on('close', () => {
    clearInterval(timer);
    client.closedAt = Date.now();
  });
  client.stop = () => {
    clearInterval(timer);
    socket.destroy();
  };
  return client;
}

/** Sends a request line, then one more header line every `everyMs`, never finishing the headers. */
export function slowHeaders(port: number, everyMs = 5_000): SlowClient {
  return trickle('headers', port, 'GET / HTTP/1.1\r\nHost: enroll.college.test\r\n', (n) => `X-Slow-${n}: ${'a'.repeat(8)}\r\n`, everyMs);
}

/** Sends complete headers for a 1,000-byte JSON inquiry, then one byte of body every `everyMs`. */
export function slowBody(port: number, everyMs = 5_000): SlowClient {
  const head = 'POST /api/inquiries HTTP/1.1\r\nHost: enroll.college.test\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{';
  return trickle('body', port, head, () => ' ', everyMs);
}

/** POSTs `bytes` of `contentType` body, with Content-Length or chunked; resolves with the reply (status 0 if the connection broke first). */
export function bigBody(url: string, options: { bytes: number; contentType: string; chunked: boolean }): Promise<Reply> {
  const sentAt = Date.now();
  const body = Buffer.alloc(options.bytes, options.contentType.includes('json') ? ' ' : 'a');
  if (options.contentType.includes('json')) {
    body.write('{"message":"');
    body.write('"}', options.bytes - 2);
  } else {
    body.write('message=');
  }
  return new Promise((resolve) => {
    const headers: Record<string, string> = { 'content-type': options.contentType };
    if (!options.chunked) headers['content-length'] = String(body.length);
    // The server may answer 413 and close before the whole body is written: keep the status it sent.
    let answered: http.IncomingMessage | undefined;
    let text = '';
    const req = http.request(url, { method: 'POST', headers, agent: false }, (res) => {
      answered = res;
      res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers, sentAt, at: Date.now() }));
      res.on('error', () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers, sentAt, at: Date.now() }));
    });
    req.on('error', (error: NodeJS.ErrnoException) =>
      resolve({ status: answered?.statusCode ?? 0, body: text, headers: answered?.headers ?? {}, error: error.code ?? error.message, sentAt, at: Date.now() }));
    if (options.chunked) {
      for (let offset = 0; offset < body.length; offset += 64 * 1024) req.write(body.subarray(offset, offset + 64 * 1024));
      req.end();
    } else {
      req.end(body);
    }
  });
}
