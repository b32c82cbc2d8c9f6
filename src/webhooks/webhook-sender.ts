import http from 'node:http';
import https from 'node:https';
import { Webhook } from 'standardwebhooks';
import { guardedLookup, systemLookup, type LookupFunction } from './address-policy';
import { parseWebhookUrl } from './webhook-url';

/** SPEC §13: any 2xx within this long is success. */
export const WEBHOOK_TIMEOUT_MS = 10_000;
/** How much of a response body is read before the connection is dropped: only the status matters. */
export const RESPONSE_READ_LIMIT = 64 * 1024;

export interface OutgoingWebhook {
  url: string;
  secret: string;
  /** The `webhook-id` header: the delivery's id, the same on every retry. */
  id: string;
  body: string;
  /** The attempt's time, for `webhook-timestamp` and the signature. */
  at: Date;
}

export interface SendOutcome {
  ok: boolean;
  /** The response's status, or null when none came (refused, timed out, blocked). */
  status: number | null;
  /** Why it failed, for the delivery's record; null on success. */
  error: string | null;
}

export interface SenderOptions {
  /** WEBHOOK_ALLOW_PRIVATE=on: loopback and private addresses, and http://. */
  allowPrivate: boolean;
  timeoutMs?: number;
  /** Name resolution (tests inject one). */
  lookup?: LookupFunction;
  /** How a request is opened (tests may inject a spy that must never be reached). */
  request?: typeof http.request;
}

/** The three Standard Webhooks headers: id, Unix seconds, and `v1,` + base64 HMAC-SHA256 of `id.timestamp.body`. */
export function signatureHeaders(message: OutgoingWebhook): Record<string, string> {
  return {
    'webhook-id': message.id,
    'webhook-timestamp': String(Math.floor(message.at.getTime() / 1000)),
    'webhook-signature': new Webhook(message.secret).sign(message.id, message.at, message.body),
  };
}

/**
 * Sends one signed webhook: a POST that succeeds on a 2xx within the
 * timeout. Redirects are not followed (a 3xx is a failure), at most
 * RESPONSE_READ_LIMIT bytes of the answer are read, and, unless private
 * addresses are allowed, the address connected to must be public: a literal
 * one is checked before anything is opened, a name when it resolves, in the
 * socket's own lookup.
 */
export function createWebhookSender(options: SenderOptions) {
  const timeoutMs = options.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
  const lookup = options.allowPrivate ? (options.lookup ?? systemLookup) : guardedLookup(options.lookup ?? systemLookup);

  async function send(message: OutgoingWebhook): Promise<SendOutcome> {
    const parsed = parseWebhookUrl(message.url, options.allowPrivate);
    // The scheme, and a literal address (which no lookup sees), are checked before anything is opened.
    if (!parsed.ok) return { ok: false, status: null, error: `blocked: ${parsed.problem}` };
    const open = options.request ?? (parsed.url.protocol === 'https:' ? https.request : http.request);
    const body = Buffer.from(message.body);
    return new Promise<SendOutcome>((resolve) => {
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      const finish = (outcome: SendOutcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(outcome);
      };
      let request: http.ClientRequest;
      try {
        request = open(parsed.url, {
          method: 'POST',
          agent: false,
          lookup: lookup as never,
          headers: {
            'content-type': 'application/json',
            'content-length': String(body.length),
            'user-agent': 'Frontdesk-Webhooks/1',
            ...signatureHeaders(message),
          },
        });
      } catch (error) {
        finish({ ok: false, status: null, error: String(error).slice(0, 300) });
        return;
      }
      timer = setTimeout(() => {
        request.destroy();
        finish({ ok: false, status: null, error: `timed out after ${timeoutMs / 1000} s` });
      }, timeoutMs);
      request.on('error', (error: NodeJS.ErrnoException) => {
        finish({ ok: false, status: null, error: error.code === 'EWEBHOOKBLOCKED' ? error.message : `${error.code ?? 'error'}: ${error.message}`.slice(0, 300) });
      });
      request.on('response', (response) => {
        const status = response.statusCode ?? 0;
        const outcome: SendOutcome = status >= 200 && status < 300
          ? { ok: true, status, error: null }
          : { ok: false, status, error: status >= 300 && status < 400 ? `HTTP ${status} (redirects are not followed)` : `HTTP ${status}` };
        let read = 0;
        response.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > RESPONSE_READ_LIMIT) {
            // Enough: the rest is never read, and the connection goes.
            response.destroy();
            request.destroy();
            finish(outcome);
          }
        });
        response.on('end', () => finish(outcome));
        response.on('error', () => finish(outcome));
        response.on('close', () => finish(outcome));
      });
      request.end(body);
    });
  }

  return { send, timeoutMs };
}

export type WebhookSender = ReturnType<typeof createWebhookSender>;
