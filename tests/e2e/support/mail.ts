import { setTimeout as sleep } from 'node:timers/promises';
import type { ParsedMail } from 'mailparser';
import { recipientsOf, type SmtpSink } from '../../support/smtp-sink';

/** Resolves with the first message the sink received that matches; the app's dispatcher sends within a few seconds. */
export async function waitForMail(sink: SmtpSink, matches: (message: ParsedMail) => boolean, what: string, timeoutMs = 30_000): Promise<ParsedMail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = sink.messages.find(matches);
    if (found) return found;
    if (Date.now() > deadline) {
      const seen = sink.messages.map((message) => `${recipientsOf(message).join(',')}: ${message.subject}`);
      throw new Error(`No email ${what} arrived within ${timeoutMs / 1000} s. Received: ${seen.length ? seen.join(' | ') : 'nothing'}`);
    }
    await sleep(100);
  }
}

export const to = (address: string) => (message: ParsedMail) => recipientsOf(message).includes(address);
