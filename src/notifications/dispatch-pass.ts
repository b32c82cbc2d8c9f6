import type { AdvisorContact } from '../advisors';
import type { LeadAssignmentState } from '../leads';
import { isOpen, officeTimeBetween, type OfficeHours } from '../office-hours';
import { CALL_NOTIFICATION_KINDS, type ClaimedNotification, type OutboxRepository } from '../outbox';
import type { Clock } from '../platform/clock';
import type { Logger } from '../platform/logger';
import { isPermanentMailError, type Mailer, type OutgoingMail } from '../platform/mailer';
import { DIGEST_LIST_LIMIT, type EmailContent } from './email-content';
import type { KeptOutcomes } from './kept-outcomes';
import type { LeadRouting } from './lead-routing';
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
  /** Assigns leads as their admissions mail becomes due (SPEC §10); without it nothing is routed nor escalated. */
  routing?: LeadRouting;
  /**
   * Mail about calls (SPEC §11), built with the call held as it was queued:
   * `work` gets null when the call has moved or been cancelled since.
   * Without it, call mail stays queued.
   */
  calls?: {
    whileCurrent<T>(row: ClaimedNotification, work: (mail: OutgoingMail | null) => Promise<T>): Promise<T>;
  };
  /** Where leads stand and who their advisors are, for escalations and advisors' digests. */
  assignments?: {
    states(leadIds: string[]): Promise<Map<string, LeadAssignmentState>>;
    advisors(ids: string[]): Promise<Map<string, AdvisorContact>>;
  };
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
 * queued while it was closed. With routing, leads are assigned as their
 * mail becomes due, just before it is sent: an assigned lead's email goes to
 * its advisor, and at the opening each advisor also gets a digest of their
 * own. Escalations, too, go out only while the office is open.
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

  /**
   * The leads held while the office was closed: each advisor's digest of
   * their own first, then the team's, which settles the rows. Each advisor's
   * digest is recorded on its rows as it goes, so when a failure retries the
   * batch, only the digests not sent yet go again: nobody gets theirs twice,
   * and the team never misses one. An advisor whose address is refused for
   * good is logged and skipped: the team digest, which names each lead's
   * advisor, still goes.
   */
  async function sendHeld(held: ClaimedNotification[], pass: Pass) {
    const states = deps.assignments ? await deps.assignments.states(held.map((row) => row.leadId)) : new Map<string, LeadAssignmentState>();
    const byAdvisor = new Map<string, ClaimedNotification[]>();
    for (const row of held) {
      const advisorId = states.get(row.leadId)?.assignedToId;
      if (advisorId && !row.advisorDigestSentAt) byAdvisor.set(advisorId, [...(byAdvisor.get(advisorId) ?? []), row]);
    }
    const teamIds = held.slice(0, DIGEST_LIST_LIMIT).map((row) => row.leadId);
    const advisorIds = [...byAdvisor.values()].flatMap((rows) => rows.slice(0, DIGEST_LIST_LIMIT).map((row) => row.leadId));
    const leads = await deps.content.loadLeads([...new Set([...teamIds, ...advisorIds])]);
    for (const rows of byAdvisor.values()) {
      const own = rows.flatMap((row) => leads.get(row.leadId) ?? []);
      const advisor = own[0]?.advisor;
      if (!advisor) continue;
      try {
        await deps.mailer.send(deps.content.advisorDigest(advisor, own, rows.length));
      } catch (error) {
        if (!isPermanentMailError(error)) return failedAttempt(held, 'admissions', error, pass);
        logger.error({ event: 'notification.advisor_digest_refused', count: rows.length, error: (error instanceof Error ? error.message : String(error)).slice(0, 200) });
        continue;
      }
      const ids = rows.map((row) => row.id);
      await outcomes.write(ids, () => outbox.markAdvisorDigestSent(ids, owner, deps.clock.now()));
    }
    const listed = teamIds.flatMap((id) => leads.get(id) ?? []);
    await deliver(held, 'admissions', () => deps.content.digest(listed, held.length), pass);
  }

  /**
   * Escalations due (the office is open): one whose lead has had its first
   * response is cancelled; otherwise the lead may move on (ESCALATION=reassign)
   * and its advisor and the escalation address hear how long it has waited.
   */
  async function escalate(rows: ClaimedNotification[], pass: Pass) {
    if (rows.length === 0 || !deps.routing || !deps.assignments) return;
    const states = await deps.assignments.states(rows.map((row) => row.leadId));
    for (const row of rows) {
      const state = states.get(row.leadId);
      if (!state) continue; // erased meanwhile; its row went with it
      if (state.firstResponseAt) {
        pass.untried.delete(row.id);
        await outcomes.write([row.id], () => outbox.markCancelled([row.id], owner));
        logger.info({ event: 'notification.cancelled', kind: row.kind });
        continue;
      }
      const moved = await deps.routing.reassign(row.leadId, row.scheduledAt);
      const advisors = await deps.assignments.advisors([state.assignedToId, moved?.to].flatMap((id) => (id ? [id] : [])));
      const lead = (await deps.content.loadLeads([row.leadId])).get(row.leadId);
      if (!lead) continue;
      const waitedMs = officeTimeBetween(deps.officeHours, state.dueAt ?? row.scheduledAt, deps.clock.now());
      const details = {
        advisor: (state.assignedToId && advisors.get(state.assignedToId)) || null,
        reassignedTo: (moved && advisors.get(moved.to)) || null,
        waitedMs,
      };
      await deliver([row], 'escalation', () => deps.content.escalation(lead, details), pass);
    }
  }

  /**
   * Mail about calls, at any hour: a reminder is due at its own time, not at
   * the next opening. A row whose call moved or was cancelled since it was
   * queued is cancelled, never sent.
   */
  async function sendCalls(rows: ClaimedNotification[], pass: Pass) {
    if (!deps.calls) return;
    for (const row of rows) {
      await deps.calls.whileCurrent(row, async (mail) => {
        if (mail) return deliver([row], row.kind, () => mail, pass);
        pass.untried.delete(row.id);
        await outcomes.write([row.id], () => outbox.markCancelled([row.id], owner));
        logger.info({ event: 'notification.cancelled', kind: row.kind });
      });
    }
  }

  /**
   * Routes the leads of these admissions rows as their mail becomes due,
   * timed: the time it takes is added to each lead's email (the metric, and
   * a debug log the routing bench reads from the dispatchers it runs).
   */
  async function route(rows: ClaimedNotification[], batch: 'open' | 'held') {
    if (!deps.routing || rows.length === 0) return;
    const started = performance.now();
    await deps.routing.routeDue(rows.map((row) => ({ leadId: row.leadId, dueAt: row.scheduledAt })));
    const ms = performance.now() - started;
    deps.metrics.routed(batch, ms / 1000);
    logger.debug({ event: 'lead.routing', batch, leads: rows.length, ms: Math.round(ms * 1000) / 1000 });
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
      if (deps.calls) await sendCalls(await claim([...CALL_NOTIFICATION_KINDS], false), pass);
      if (isOpen(deps.officeHours, deps.clock.now())) {
        const open = await claim(['admissions'], false);
        await route(open, 'open');
        await sendEach(open, pass);
        // Everything that queued while the office was closed goes out as one email.
        const held = await claim(['admissions'], true, 100_000);
        if (held.length > 0) {
          await route(held, 'held');
          await sendHeld(held, pass);
        }
        if (deps.routing && deps.assignments) await escalate(await claim(['escalation'], false), pass);
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
