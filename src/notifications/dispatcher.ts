import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { isOpen, type OfficeHours } from '../office-hours';
import type { Clock } from '../platform/clock';
import { isDatabaseUnavailable } from '../platform/database';
import type { Logger } from '../platform/logger';
import { isPermanentMailError, type Mailer, type OutgoingMail } from '../platform/mailer';
import type { EmailContent } from './email-content';
import type { NotificationMetrics } from './notification-metrics';
import { OUTBOX_CHANNEL, type ClaimedNotification, type OutboxRepository } from './outbox-repository';
import { nextAttempt } from './retry-policy';

export interface DispatcherDeps {
  outbox: OutboxRepository;
  content: EmailContent;
  mailer: Mailer;
  clock: Clock;
  officeHours: OfficeHours;
  logger: Logger;
  metrics: NotificationMetrics;
  /** Long enough for a batch of sends; a crashed dispatcher's rows come back after it. */
  leaseMs?: number;
  batchSize?: number;
  /** How many messages are in flight at once. */
  concurrency?: number;
}

export interface DispatchReport {
  sent: number;
  retried: number;
  failed: number;
}

/**
 * Sends what the outbox holds. Auto-replies go at any hour; admissions mail
 * only while the office is open: one email per lead queued during open hours,
 * one digest for everything queued while it was closed. `runOnce` does one
 * pass (tests drive it with a fixed clock); `start` loops, woken by
 * LISTEN/NOTIFY when a lead is stored and by a short poll otherwise.
 */
export function createDispatcher(deps: DispatcherDeps) {
  const owner = `${process.pid}-${randomUUID().slice(0, 8)}`;
  const leaseMs = deps.leaseMs ?? 5 * 60_000;
  const batchSize = deps.batchSize ?? 50;
  const concurrency = deps.concurrency ?? 10;
  const { outbox, logger } = deps;

  // Outcomes this process could not write because the database was away: a
  // delivered email whose row could not be marked sent, a failure that could
  // not be recorded, rows claimed but never tried. Each is written first thing
  // on the next pass, while this process still holds the rows' lease. Without
  // this, a database outage would send every such email again once its lease
  // ran out, and park the untried rows until then.
  const unwritten: Array<{ ids: string[]; write: () => Promise<unknown> }> = [];

  /** Writes an outcome now, or keeps it for the next pass if the database is away. */
  async function writeOutcome(ids: string[], write: () => Promise<unknown>): Promise<void> {
    try {
      await write();
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
      unwritten.push({ ids, write });
    }
  }

  /** Writes what earlier passes could not; throws (ending this pass) while the database is still away. */
  async function writeKeptOutcomes(): Promise<void> {
    if (unwritten.length === 0) return;
    const count = unwritten.reduce((sum, entry) => sum + entry.ids.length, 0);
    while (unwritten.length > 0) {
      await unwritten[0]!.write();
      unwritten.shift();
    }
    logger.info({ event: 'dispatcher.outcomes_written', count });
  }

  /** One pass's tally, and the rows it claimed that have no outcome yet. */
  interface Pass {
    report: DispatchReport;
    untried: Set<string>;
  }

  async function failedAttempt(rows: ClaimedNotification[], kind: ClaimedNotification['kind'], error: unknown, pass: Pass) {
    const now = deps.clock.now();
    const permanent = isPermanentMailError(error);
    const attempts = Math.max(...rows.map((row) => row.attempts)) + 1;
    const retryAt = nextAttempt({ attempts, now, kind, officeHours: deps.officeHours, permanent });
    const message = error instanceof Error ? error.message : String(error);
    const ids = rows.map((row) => row.id);
    ids.forEach((id) => pass.untried.delete(id));
    await writeOutcome(ids, () => outbox.markAttemptFailed(ids, owner, { error: message, retryAt }));
    if (retryAt) {
      pass.report.retried += rows.length;
      logger.warn({ event: 'notification.send_failed', kind, count: rows.length, attempts, retryAt: retryAt.toISOString(), error: message.slice(0, 200) });
    } else {
      pass.report.failed += rows.length;
      deps.metrics.failed(kind, rows.length);
      logger.error({ event: 'notification.failed', kind, count: rows.length, attempts, permanent, error: message.slice(0, 200) });
    }
  }

  /** Builds and sends one email for `rows`; any failure, even rendering, becomes a recorded attempt. */
  async function deliver(rows: ClaimedNotification[], kind: ClaimedNotification['kind'], buildMail: () => OutgoingMail, pass: Pass) {
    let messageId: string;
    try {
      ({ messageId } = await deps.mailer.send(buildMail()));
    } catch (error) {
      await failedAttempt(rows, kind, error, pass);
      return;
    }
    const sentAt = deps.clock.now();
    const ids = rows.map((row) => row.id);
    ids.forEach((id) => pass.untried.delete(id)); // tried: never handed back, whatever the write below does
    await writeOutcome(ids, () => outbox.markSent(ids, owner, { messageId, sentAt }));
    pass.report.sent += rows.length;
    deps.metrics.sent(kind, rows.length, rows.map((row) => (sentAt.getTime() - row.scheduledAt.getTime()) / 1000));
    logger.info({ event: 'notification.sent', kind, count: rows.length, digest: rows.length > 1 || rows[0]?.digest === true });
  }

  /** Sends each claimed row as its own email, a few at a time. */
  async function sendEach(rows: ClaimedNotification[], pass: Pass) {
    if (rows.length === 0) return;
    const leads = await deps.content.loadLeads(rows.map((row) => row.leadId));
    const queue = [...rows];
    const worker = async () => {
      for (let row = queue.shift(); row; row = queue.shift()) {
        const lead = leads.get(row.leadId);
        if (!lead) continue; // erased meanwhile; its row went with it
        await deliver([row], row.kind, () => (row.kind === 'autoreply' ? deps.content.autoreply(lead, row.scheduledAt) : deps.content.admissions(lead)), pass);
      }
    };
    // Every worker finishes before a failure ends the pass: the pass then gives back only rows nobody is sending.
    const settled = await Promise.allSettled(Array.from({ length: Math.min(concurrency, rows.length) }, worker));
    const failure = settled.find((result) => result.status === 'rejected');
    if (failure) throw failure.reason;
  }

  async function runOnce(): Promise<DispatchReport> {
    await writeKeptOutcomes();
    const pass: Pass = { report: { sent: 0, retried: 0, failed: 0 }, untried: new Set() };
    const claim = async (kinds: ClaimedNotification['kind'][], digest: boolean, limit = batchSize) => {
      const rows = await outbox.claim({ kinds, digest, now: deps.clock.now(), owner, leaseMs, limit });
      rows.forEach((row) => pass.untried.add(row.id));
      return rows;
    };

    try {
      await sendEach(await claim(['autoreply'], false), pass);
      if (isOpen(deps.officeHours, deps.clock.now())) {
        await sendEach(await claim(['admissions'], false), pass);
        // Everything that queued while the office was closed goes out as one email.
        const held = await claim(['admissions'], true, 100_000);
        if (held.length > 0) {
          const leads = await deps.content.loadLeads(held.slice(0, 100).map((row) => row.leadId));
          const listed = held.slice(0, 100).flatMap((row) => leads.get(row.leadId) ?? []);
          await deliver(held, 'admissions', () => deps.content.digest(listed, held.length), pass);
        }
      }
    } catch (error) {
      // Rows claimed but never tried go back at once (or when the database returns), not when their lease ends.
      const untried = [...pass.untried];
      if (untried.length > 0) await writeOutcome(untried, () => outbox.release(untried, owner)).catch(() => undefined);
      throw error;
    }
    return pass.report;
  }

  // ------------------------------------------------------------ the loop

  let running = false;
  let loop: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  let listener: Client | undefined;

  async function listen(connectionString: string) {
    try {
      const client = new Client({ connectionString });
      client.on('error', () => {
        listener = undefined; // polling carries on; we listen again next round
      });
      await client.connect();
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
      client.on('notification', () => wake?.());
      listener = client;
    } catch {
      listener = undefined;
    }
  }

  async function run(connectionString: string | undefined, pollMs: number) {
    while (running) {
      if (connectionString && !listener) await listen(connectionString);
      try {
        let report: DispatchReport;
        do report = await runOnce();
        while (running && report.sent + report.retried + report.failed >= batchSize);
      } catch (error) {
        logger.warn({ event: 'dispatcher.pass_failed', error: (error as Error).message?.slice(0, 200) });
      }
      if (!running) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pollMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  }

  return {
    owner,
    runOnce,
    /** Starts the loop: LISTEN on `connectionString` for new rows, and poll every `pollMs` regardless. */
    start(options: { connectionString?: string; pollMs?: number } = {}) {
      if (running) return;
      running = true;
      loop = run(options.connectionString, options.pollMs ?? 2_000);
      logger.info({ event: 'dispatcher.started', owner });
    },
    /** Finishes the pass in progress (a send completes), then stops. */
    async stop() {
      running = false;
      wake?.();
      await loop;
      await writeKeptOutcomes().catch(() => {
        // Still away: those rows keep their lease and go out again once it ends.
        logger.warn({ event: 'dispatcher.outcomes_unwritten', count: unwritten.reduce((sum, entry) => sum + entry.ids.length, 0) });
      });
      await listener?.end().catch(() => undefined);
      listener = undefined;
      logger.info({ event: 'dispatcher.stopped', owner });
    },
  };
}

export type Dispatcher = ReturnType<typeof createDispatcher>;
