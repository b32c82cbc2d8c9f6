import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { Logger } from './logger';

export interface MailAddress {
  name: string;
  address: string;
}

export interface OutgoingMail {
  from: string;
  to: string[] | MailAddress;
  replyTo?: MailAddress;
  subject: string;
  text: string;
  html: string;
  /** Our own headers, for tracing a message back to its outbox rows. */
  headers?: Record<string, string>;
  /** Files sent along (a call's iCalendar entry). */
  attachments?: Array<{ filename: string; content: string; contentType: string }>;
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<{ messageId: string }>;
  close(): void;
}

/** SMTP errors carry the server's reply code; 5xx means "never", 4xx "not now". */
export function isPermanentMailError(error: unknown): boolean {
  const code = (error as { responseCode?: unknown })?.responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

/**
 * SMTP_URL → a pooled SMTP transport. Unset → each message is written as an
 * .eml file to DATA_DIR/outbox and logged, so `npm start` works with no mail
 * server and a developer can open what would have been sent.
 */
export function createMailer(options: { smtpUrl?: string; dataDir: string; logger: Logger }): Mailer {
  if (options.smtpUrl) {
    const url = new URL(options.smtpUrl);
    const transport = nodemailer.createTransport({
      pool: true,
      maxConnections: 5,
      host: url.hostname,
      port: Number(url.port || (url.protocol === 'smtps:' ? 465 : 587)),
      secure: url.protocol === 'smtps:',
      auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
      // Loopback test servers offer no certificate; anything else must.
      tls: { rejectUnauthorized: !['127.0.0.1', 'localhost', '::1'].includes(url.hostname) },
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    });
    return {
      async send(mail) {
        const info: { messageId: string } = await transport.sendMail(mail);
        return { messageId: info.messageId };
      },
      close: () => transport.close(),
    };
  }

  const outbox = path.join(options.dataDir, 'outbox');
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    async send(mail) {
      const info = await transport.sendMail(mail);
      mkdirSync(outbox, { recursive: true });
      const file = path.join(outbox, `${new Date().toISOString().replace(/[:.]/g, '-')}-${info.messageId.replace(/[^\w.-]/g, '')}.eml`);
      writeFileSync(file, info.message as Buffer); // buffer: true above
      options.logger.info({ event: 'mail.written', file });
      return { messageId: info.messageId };
    },
    close: () => undefined,
  };
}
