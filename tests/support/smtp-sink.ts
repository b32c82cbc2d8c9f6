import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

/**
 * The one SMTP sink of the tests and the bench: a real SMTP server on
 * 127.0.0.1 that keeps what it receives.
 *
 * - `startSmtpSink()` runs in the test process and parses every message
 *   (unit, integration and browser tests read the mail a person would get).
 * - `startSmtpSinkProcess()` runs it in a process of its own
 *   (smtp-sink-process.ts), so that stopping it is a real outage (the port
 *   closes) and its CPU is not the caller's (fault tests, bench). It reads
 *   only headers and reports each message to a MailLog in the caller.
 */

/** What both kinds of sink share: no TLS, no AUTH, nothing to negotiate. */
export const SINK_SERVER_OPTIONS: SMTPServerOptions = { authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'], logger: false };

export type SinkMode = 'accept' | 'unavailable' | 'reject';

/**
 * The in-process sink. It can be told to answer 421 "try later" to every
 * connection (an outage) or 550 "no" to every recipient (a permanent
 * rejection), optionally only for some addresses.
 */
export async function startSmtpSink() {
  const messages: ParsedMail[] = [];
  let mode: SinkMode = 'accept';
  let only: ((address: string) => boolean) | undefined;
  let waiting: Array<{ count: number; resolve: () => void }> = [];

  const server = new SMTPServer({
    ...SINK_SERVER_OPTIONS,
    onConnect(_session, callback) {
      if (mode === 'unavailable' && !only) return callback(Object.assign(new Error('Service not available, try again later'), { responseCode: 421 }));
      callback();
    },
    onRcptTo(address, _session, callback) {
      const affected = !only || only(address.address);
      if (affected && mode === 'reject') return callback(Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 }));
      // An outage of the whole server also ends a connection opened before it (a pooled one) with 421.
      if (affected && mode === 'unavailable' && !only) return callback(Object.assign(new Error('Service not available, try again later'), { responseCode: 421 }));
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

/** One message the separate-process sink accepted. */
export interface Delivery {
  /** Sent to the admissions address (else an auto-reply to the person). */
  admissions: boolean;
  /** The lead ids of its X-Frontdesk-Leads header. */
  leads: string[];
  at: number;
}

/**
 * What a separate-process sink received, kept in the caller so it survives
 * the sink's restarts: per lead, how many admissions emails and auto-replies arrived.
 */
export class MailLog {
  readonly deliveries: Delivery[] = [];
  private admissionsPerLead = new Map<string, number>();
  private autoreplyPerLead = new Map<string, number>();
  private firstAdmissionsAt = new Map<string, number>();

  add(delivery: Delivery): void {
    this.deliveries.push(delivery);
    const counts = delivery.admissions ? this.admissionsPerLead : this.autoreplyPerLead;
    for (const lead of delivery.leads) {
      counts.set(lead, (counts.get(lead) ?? 0) + 1);
      if (delivery.admissions && !this.firstAdmissionsAt.has(lead)) this.firstAdmissionsAt.set(lead, delivery.at);
    }
  }

  /** Forgets everything received so far. */
  clear(): void {
    this.deliveries.length = 0;
    this.admissionsPerLead = new Map();
    this.autoreplyPerLead = new Map();
    this.firstAdmissionsAt = new Map();
  }

  admissionsFor(lead: string): number {
    return this.admissionsPerLead.get(lead) ?? 0;
  }

  autorepliesFor(lead: string): number {
    return this.autoreplyPerLead.get(lead) ?? 0;
  }

  firstAdmissionsAtOf(lead: string): number | undefined {
    return this.firstAdmissionsAt.get(lead);
  }

  /** Of `leads`, how many have at least one admissions email (and auto-reply, if asked). */
  delivered(leads: Iterable<string>, options: { autoreply?: boolean } = {}): number {
    let count = 0;
    for (const lead of leads) if (this.admissionsFor(lead) > 0 && (!options.autoreply || this.autorepliesFor(lead) > 0)) count += 1;
    return count;
  }

  /** Leads emailed to admissions more than once, and auto-replied more than once. */
  duplicates(): { admissions: string[]; autoreplies: string[] } {
    const over = (counts: Map<string, number>) => [...counts].filter(([, n]) => n > 1).map(([lead]) => lead);
    return { admissions: over(this.admissionsPerLead), autoreplies: over(this.autoreplyPerLead) };
  }

  /** Lead ids that were emailed but are not in `known` (mail about a lead nobody was told about). */
  unknownLeads(known: Set<string>): string[] {
    return [...this.admissionsPerLead.keys(), ...this.autoreplyPerLead.keys()].filter((lead) => !known.has(lead));
  }

  /** Counts over every message, whoever it went to: a lead id in two messages is a duplicate send. */
  stats(): MailStats {
    const perLead = new Map<string, number>();
    for (const delivery of this.deliveries) for (const lead of delivery.leads) perLead.set(lead, (perLead.get(lead) ?? 0) + 1);
    const counts = [...perLead.values()];
    return {
      messages: this.deliveries.length,
      withLeadHeader: this.deliveries.filter((delivery) => delivery.leads.length > 0).length,
      distinctLeads: perLead.size,
      duplicateLeads: counts.filter((n) => n > 1).length,
      maxPerLead: Math.max(0, ...counts),
    };
  }
}

export interface MailStats {
  messages: number;
  /** Messages that carried an X-Frontdesk-Leads header. */
  withLeadHeader: number;
  /** Distinct lead ids over all those headers (a digest lists at most 100). */
  distinctLeads: number;
  /** Lead ids that arrived in more than one message: duplicate sends. */
  duplicateLeads: number;
  maxPerLead: number;
}

export interface SmtpSinkProcess {
  /** smtp://127.0.0.1:<port>, for SMTP_URL; the same across restarts. */
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  readonly mail: MailLog;
  isRunning(): boolean;
  /** Holds every RCPT TO for `ms` (0: answer at once). */
  setDelay(ms: number): void;
  /** Shuts the mail server down like an MTA (421 to new transactions, port closed). */
  stop(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
}

const runningSinks = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of runningSinks) child.kill('SIGKILL');
});

/**
 * The sink in a process of its own (`node --import tsx smtp-sink-process.ts`).
 * `admissions` (an address, or `@domain`) tells admissions mail from auto-replies by the envelope
 * recipient; `logFile` receives the process's output (appended across restarts).
 */
export async function startSmtpSinkProcess(options: { admissions?: string; logFile?: string } = {}): Promise<SmtpSinkProcess> {
  const mail = new MailLog();
  let child: ChildProcess | undefined;
  let port = 0;
  let delayMs = 0;

  const launch = async () => {
    const started = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'smtp-sink-process.ts')], {
      cwd: path.resolve(__dirname, '../..'), // so `--import tsx` resolves from this project's node_modules
      env: { PATH: process.env.PATH, HOME: process.env.HOME, SINK_PORT: String(port), SINK_ADMISSIONS: options.admissions ?? '' },
      stdio: ['ignore', options.logFile ? 'pipe' : 'ignore', options.logFile ? 'pipe' : 'inherit', 'ipc'],
    });
    if (options.logFile) {
      const log = createWriteStream(options.logFile, { flags: 'a' });
      started.stdout?.pipe(log);
      started.stderr?.pipe(log);
    }
    started.on('message', (message: { type?: string } & Partial<Delivery>) => {
      if (message.type === 'message') mail.add({ admissions: Boolean(message.admissions), leads: message.leads ?? [], at: message.at ?? Date.now() });
    });
    const readyPort = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the SMTP sink did not start within 30 s')), 30_000);
      started.on('message', (message: { type?: string; port?: number }) => {
        if (message.type === 'ready' && message.port) {
          clearTimeout(timer);
          resolve(message.port);
        }
      });
      started.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the SMTP sink exited during start-up (code ${code})${options.logFile ? `; see ${options.logFile}` : ''}`));
      });
    });
    port = readyPort;
    child = started;
    runningSinks.add(started);
    started.once('exit', () => runningSinks.delete(started));
    if (delayMs) child.send({ type: 'delay', ms: delayMs });
  };

  await launch();
  return {
    get url() {
      return `smtp://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    get pid() {
      return child?.pid ?? -1;
    },
    mail,
    isRunning: () => child !== undefined,
    setDelay(ms) {
      delayMs = ms;
      child?.send({ type: 'delay', ms });
    },
    async stop() {
      const running = child;
      if (!running) return;
      child = undefined;
      const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
      running.kill('SIGTERM');
      const timer = setTimeout(() => running.kill('SIGKILL'), 8_000);
      await exited;
      clearTimeout(timer);
    },
    async start() {
      if (child) return;
      // The port was just released; retry briefly in case the OS still holds it.
      for (let attempt = 1; ; attempt += 1) {
        try {
          await launch();
          return;
        } catch (error) {
          if (attempt >= 5) throw error;
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
      }
    },
  };
}
