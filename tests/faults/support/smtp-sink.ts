import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { ADMISSIONS } from './processes';
import { logDir, REPO_ROOT, sleep, within } from './run';

/** One message the sink accepted. */
export interface Delivery {
  admissions: boolean;
  leads: string[];
  at: number;
}

/**
 * What the sink received, kept in the test process so it survives the sink's
 * restarts: per lead, how many admissions emails and auto-replies arrived.
 */
export class MailLog {
  readonly deliveries: Delivery[] = [];
  private readonly admissionsPerLead = new Map<string, number>();
  private readonly autoreplyPerLead = new Map<string, number>();
  private readonly firstAdmissionsAt = new Map<string, number>();

  add(delivery: Delivery): void {
    this.deliveries.push(delivery);
    const counts = delivery.admissions ? this.admissionsPerLead : this.autoreplyPerLead;
    for (const lead of delivery.leads) {
      counts.set(lead, (counts.get(lead) ?? 0) + 1);
      if (delivery.admissions && !this.firstAdmissionsAt.has(lead)) this.firstAdmissionsAt.set(lead, delivery.at);
    }
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
}

export interface SmtpSink {
  /** smtp://127.0.0.1:<port>, for SMTP_URL; the same across restarts. */
  readonly url: string;
  readonly port: number;
  readonly mail: MailLog;
  isRunning(): boolean;
  /** Holds every RCPT TO for `ms` (0: answer at once). */
  setDelay(ms: number): void;
  /** Shuts the mail server down like an MTA (421 to new transactions, port closed). */
  stop(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Starts support/smtp-sink-process.ts in its own process. */
export async function startSmtpSink(name = 'smtp-sink'): Promise<SmtpSink> {
  const mail = new MailLog();
  let child: ChildProcess | undefined;
  let port = 0;
  let delayMs = 0;
  let generation = 0;

  const launch = async () => {
    generation += 1;
    const log = createWriteStream(path.join(logDir(), `${name}-${generation}.log`));
    const started = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'smtp-sink-process.ts')], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, SINK_PORT: String(port), SINK_ADMISSIONS: ADMISSIONS },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    started.stdout?.pipe(log);
    started.stderr?.pipe(log);
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
        reject(new Error(`the SMTP sink exited during start-up (code ${code}); see ${name}-${generation}.log`));
      });
    });
    port = readyPort;
    child = started;
    running.add(started);
    started.once('exit', () => running.delete(started));
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
      if (!(await within(exited, 8_000))) running.kill('SIGKILL');
      await exited;
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
          await sleep(500);
        }
      }
    },
  };
}
