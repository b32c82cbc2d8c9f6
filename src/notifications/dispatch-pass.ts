import { isOpen, type OfficeHours } from '../office-hours';
import type { ClaimedNotification, OutboxRepository } from '../outbox';
import type { Clock } from '../platform/clock';
import type { Logger } from '../platform/logger';
import { isPermanentMailError, type Mailer, type OutgoingMail } from '../platform/mailer';
import type { EmailContent } from './email-content';
import type { KeptOutcomes } from './kept-outcomes';
import type { NotificationMetrics } from './notification-metrics';
import { nextAttempt } from './retry-policy';

export interface DispatchReport {
  sent: number;
  retried: number;
  failed: number;
}

/** What sending needs, whether one pass or the loop. */
export interface SendingDeps {
  outbox: OutboxRepository;
  content: EmailContent;
  mailer: Mailer;
  clock: Clock;
  officeHours: OfficeHours;
  logger: Logger;
  metrics: NotificationMetrics;
}

export interface DispatchPassDeps extends SendingDeps {
  outcomes: KeptOutcomes;
  /** The lease holder's name: this process. */
  owner: string;
  leaseMs: number;
  batchSize: number;
  /** How many messages are in flight at once. */
  concurrency: number;
}

/** One pass's tally, and the rows it claimed that have no outcome yet. */
interface Pass {
  report: DispatchReport;
  untried: Set<string>;
}

/**
 * One pass over the outbox: claim a batch, send it, record each outcome.
 * Auto-replies go at any hour; admissions mail only while the office is open:
 * one email per lead queued during open hours, one digest for everything
 * queued while it was closed.
 */
export function createDispatchPass(deps: DispatchPassDeps): () => Promise<DispatchReport> {
  const { outbox, logger, outcomes, owner } = deps;

  async function failedAttempt(rows: ClaimedNotification[], kind: ClaimedNotification['kind'], error: unknown, pass: Pass) {
    const now = deps.clock.now();
    const permanent = isPermanentMailError(error);
    const attempts = Math.max(...rows.map((row) => row.attempts)) + 1;
    const retryAt = nextAttempt({ attempts, now, kind, officeHours: deps.officeHours, permanent });
    const message = error instanceof Error ? error.message : String(error);
    const ids = rows.map((row) => row.id);
    ids.forEach((id) => pass.untried.delete(id));
    await outcomes.write(ids, () => outbox.markAttemptFailed(ids, owner, { error: message, retryAt }));
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
    await outcomes.write(ids, () => outbox.markSent(ids, owner, { messageId, sentAt }));
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
    const settled = await Promise.allSettled(Array.from({ length: Math.min(deps.concurrency, rows.length) }, worker));
    const failure = settled.find((result) => result.status === 'rejected');
    if (failure) throw failure.reason;
  }

  return async function runPass(): Promise<DispatchReport> {
    await outcomes.writeKept();
    const pass: Pass = { report: { sent: 0, retried: 0, failed: 0 }, untried: new Set() };
    const claim = async (kinds: ClaimedNotification['kind'][], digest: boolean, limit = deps.batchSize) => {
      const rows = await outbox.claim({ kinds, digest, now: deps.clock.now(), owner, leaseMs: deps.leaseMs, limit });
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
      if (untried.length > 0) await outcomes.write(untried, () => outbox.release(untried, owner)).catch(() => undefined);
      throw error;
    }
    return pass.report;
  };
}
