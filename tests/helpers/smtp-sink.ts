import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export type SinkMode = 'accept' | 'unavailable' | 'reject';

/**
 * A real SMTP server in the test process. It parses what it receives, and
 * can be told to answer 421 "try later" to every connection (an outage) or
 * 550 "no" to every recipient (a permanent rejection), optionally only for
 * some addresses.
 */
export async function startSmtpSink() {
  const messages: ParsedMail[] = [];
  let mode: SinkMode = 'accept';
  let only: ((address: string) => boolean) | undefined;
  let waiting: Array<{ count: number; resolve: () => void }> = [];

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onConnect(_session, callback) {
      if (mode === 'unavailable' && !only) return callback(Object.assign(new Error('Service not available, try again later'), { responseCode: 421 }));
      callback();
    },
    onRcptTo(address, _session, callback) {
      const affected = !only || only(address.address);
      if (affected && mode === 'reject') return callback(Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 }));
      if (affected && mode === 'unavailable') return callback(Object.assign(new Error('Try again later'), { responseCode: 451 }));
      callback();
    },
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          messages.push(parsed);
          waiting = waiting.filter((waiter) => (messages.length >= waiter.count ? (waiter.resolve(), false) : true));
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;

  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    setMode(next: SinkMode, onlyFor?: (address: string) => boolean) {
      mode = next;
      only = onlyFor;
    },
    /** Resolves when `count` messages in all have arrived (bounded by jest's test timeout). */
    waitFor(count: number): Promise<void> {
      if (messages.length >= count) return Promise.resolve();
      return new Promise((resolve) => waiting.push({ count, resolve }));
    },
    clear() {
      messages.length = 0;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type SmtpSink = Awaited<ReturnType<typeof startSmtpSink>>;

/** Lead ids a message is about, from the X-Frontdesk-Leads header. */
export function leadIdsOf(message: ParsedMail): string[] {
  const header = message.headers.get('x-frontdesk-leads');
  return typeof header === 'string' ? header.split(' ').filter(Boolean) : [];
}

export function recipientsOf(message: ParsedMail): string[] {
  const to = Array.isArray(message.to) ? message.to : message.to ? [message.to] : [];
  return to.flatMap((group) => group.value.map((entry) => entry.address ?? ''));
}
