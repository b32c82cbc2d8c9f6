import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** How the receiver answers: by default 204. */
export type Responder = (request: IncomingMessage, response: ServerResponse, received: ReceivedWebhook) => void;

/**
 * A real HTTP server on 127.0.0.1 that receives webhooks and keeps each
 * request (headers and raw body) for the test to verify, answering as the
 * test says.
 */
export async function startWebhookReceiver() {
  const received: ReceivedWebhook[] = [];
  let respond: Responder = (_request, response) => {
    response.statusCode = 204;
    response.end();
  };
  const sockets = new Set<import('node:net').Socket>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const entry = { path: request.url ?? '/', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(entry);
      respond(request, response, entry);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: (path = '/hooks') => `http://127.0.0.1:${port}${path}`,
    received,
    /** Requests to one path. */
    at: (path: string) => received.filter((entry) => entry.path === path),
    answer(responder: Responder) {
      respond = responder;
    },
    answerStatus(status: number) {
      respond = (_request, response) => {
        response.statusCode = status;
        response.end();
      };
    },
    reset() {
      received.length = 0;
      respond = (_request, response) => {
        response.statusCode = 204;
        response.end();
      };
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type WebhookReceiver = Awaited<ReturnType<typeof startWebhookReceiver>>;
