import type http from 'node:http';
import { leadAudit, type ScenarioDatabase } from './database';
import type { Instance } from './processes';
import { sleep } from './run';
import type { SmtpSinkProcess as SmtpSink } from '../../support/smtp-sink';
import { keepAlive, postInquiry, runConcurrently, Tally, type Inquiries } from './traffic';

/** The outcome of sending inquiries: the ids of every 201, the replies by status, latencies. */
export interface Drive {
  ids: Set<string>;
  tally: Tally;
  latenciesMs: number[];
  seconds: number;
}

/** POSTs `count` JSON inquiries, `concurrency` at a time, round-robin over the web instances. */
export async function driveInquiries(options: { urls: string[]; count: number; concurrency: number; inquiries: Inquiries }): Promise<Drive> {
  const { urls, count, concurrency, inquiries } = options;
  const agents: http.Agent[] = urls.map(() => keepAlive(Math.ceil(concurrency / urls.length)));
  const ids = new Set<string>();
  const tally = new Tally();
  const latenciesMs: number[] = [];
  const began = Date.now();
  try {
    await runConcurrently(count, concurrency, async (index) => {
      const target = index % urls.length;
      const reply = await postInquiry(urls[target]!, inquiries.json(), agents[target]);
      tally.add(reply);
      latenciesMs.push(reply.at - reply.sentAt);
      if (reply.id) {
        if (ids.has(reply.id)) tally.add({ ...reply, status: -1, error: 'the same lead id in two 201s' });
        ids.add(reply.id);
      }
    });
  } finally {
    for (const agent of agents) agent.destroy();
  }
  return { ids, tally, latenciesMs, seconds: (Date.now() - began) / 1000 };
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export interface DeliveryReport {
  /** Leads of the 201s found in the database. */
  stored: number;
  /** Leads in the database with this scenario's addresses (more than `stored`: a lead nobody was told about). */
  storedInAll: number;
  /** 201s whose lead is not in the database. */
  lost: number;
  /** Leads stored that no 201 announced (e.g. a 503 whose commit went through). */
  unannounced: number;
  /** Leads of the 201s with at least one admissions email (and auto-reply, when expected). */
  delivered: number;
  /** Leads emailed to admissions more than once; auto-replies sent more than once. */
  duplicateAdmissions: string[];
  duplicateAutoreplies: string[];
  /** Rows by kind/status, e.g. "admissions/sent: 1000". */
  notifications: string;
  pendingOrFailed: number;
  waitedSeconds: number;
}

/** Waits until every lead of `ids` has its admissions email (and auto-reply) in the sink; false on timeout. */
export async function waitForMail(options: { sink: SmtpSink; ids: Set<string>; autoreply: boolean; timeoutMs: number }): Promise<boolean> {
  const deadline = Date.now() + options.timeoutMs;
  while (options.sink.mail.delivered(options.ids, { autoreply: options.autoreply }) < options.ids.size) {
    if (Date.now() > deadline) return false;
    await sleep(250);
  }
  return true;
}

/** Outbox rows of this scenario's leads that are not sent yet, with their lease. */
export async function unsentRows(db: Pick<ScenarioDatabase, 'query'>, emailLike: string) {
  return db.query<{ id: string; lead_id: string; kind: string; status: string; lease_owner: string | null; leased: boolean; attempts: number }>(
    `SELECT n.id, n.lead_id, n.kind::text AS kind, n.status::text AS status, n.lease_owner,
            (n.lease_until IS NOT NULL AND n.lease_until > now()) AS leased, n.attempts
       FROM notifications n JOIN leads l ON l.id = n.lead_id
      WHERE l.email LIKE $1 AND n.status <> 'sent'`,
    [emailLike],
  );
}

/**
 * Ends the leases of unsent rows (all, or one dispatcher's by its pid): what
 * the 5-minute lease (src/notifications/dispatcher.ts) does on its own, five
 * minutes later. The built app reads the real clock, so a scenario moves the
 * lease instead of waiting for it. Returns how many rows it released.
 */
export async function expireLeases(db: Pick<ScenarioDatabase, 'query'>, emailLike: string, ownerPid?: number): Promise<number> {
  const rows = await db.query<{ id: string }>(
    `UPDATE notifications n SET lease_until = now() - interval '1 second'
       FROM leads l
      WHERE l.id = n.lead_id AND l.email LIKE $1 AND n.status = 'pending' AND n.lease_until > now()
        AND ($2::text IS NULL OR n.lease_owner LIKE $2::text || '-%')
      RETURNING n.id`,
    [emailLike, ownerPid === undefined ? null : String(ownerPid)],
  );
  return rows.length;
}

/**
 * Waits until the dispatchers have done what they can: every unsent row is
 * held by a lease (a dead or confused sender's) and that set stays the same
 * for a few seconds. Returns those rows.
 */
export async function settledLeasedRows(db: Pick<ScenarioDatabase, 'query'>, emailLike: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  let previous = '';
  let stableSince = Date.now();
  for (;;) {
    const rows = await unsentRows(db, emailLike);
    const key = rows.map((row) => `${row.id}:${row.leased}`).sort().join(',');
    if (key !== previous) {
      previous = key;
      stableSince = Date.now();
    }
    if (rows.every((row) => row.leased) && Date.now() - stableSince >= 3_000) return rows;
    if (Date.now() > deadline) throw new Error(`the outbox did not settle within ${timeoutMs / 1000} s: ${rows.length} unsent row(s), ${rows.filter((row) => !row.leased).length} not leased`);
    await sleep(500);
  }
}

/** Waits until the scenario's outbox has no unsent row; false on timeout. */
export async function waitForOutboxEmpty(db: Pick<ScenarioDatabase, 'query'>, emailLike: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while ((await unsentRows(db, emailLike)).length > 0) {
    if (Date.now() > deadline) return false;
    await sleep(500);
  }
  return true;
}

/** What the database and the sink hold for the leads of `ids`. */
export async function deliveryReport(options: { db: Pick<ScenarioDatabase, 'query'>; sink: SmtpSink; ids: Set<string>; inquiries: Inquiries; autoreply: boolean; waitedSeconds?: number }): Promise<DeliveryReport> {
  const { db, sink, ids, inquiries, autoreply } = options;
  const audit = await leadAudit(db, [...ids], inquiries.emailLike);
  const duplicates = sink.mail.duplicates();
  const inScope = (lead: string) => ids.has(lead);
  return {
    stored: audit.stored,
    storedInAll: audit.total,
    lost: ids.size - audit.stored,
    unannounced: audit.total - audit.stored,
    delivered: sink.mail.delivered(ids, { autoreply }),
    duplicateAdmissions: duplicates.admissions.filter(inScope),
    duplicateAutoreplies: duplicates.autoreplies.filter(inScope),
    notifications: audit.notifications.map((row) => `${row.kind}/${row.status}: ${row.n}`).join(', '),
    pendingOrFailed: audit.notifications.filter((row) => row.status !== 'sent').reduce((sum, row) => sum + row.n, 0),
    waitedSeconds: options.waitedSeconds ?? 0,
  };
}

/**
 * Waits until every lead of `ids` has its mail and the outbox is empty, then
 * a little longer so that a late duplicate would show, and reports.
 */
export async function awaitDelivery(options: { db: Pick<ScenarioDatabase, 'query'>; sink: SmtpSink; ids: Set<string>; inquiries: Inquiries; autoreply: boolean; timeoutMs: number }): Promise<DeliveryReport> {
  const began = Date.now();
  if (await waitForMail(options)) await waitForOutboxEmpty(options.db, options.inquiries.emailLike, Math.max(5_000, began + options.timeoutMs - Date.now()));
  // A second dispatcher's copy would arrive within moments of the first.
  await sleep(2_000);
  return deliveryReport({ ...options, waitedSeconds: (Date.now() - began) / 1000 });
}

/**
 * Error-level log events of the instances, as "name: event status msg" lines.
 * The access log writes every 5xx at error level; `allow503` leaves out the
 * 503s of a scenario where the database is away on purpose, `allowEvents`
 * the events it expects (an export cut by that outage: `leads.export_failed`).
 */
export function errorLines(instances: Instance[], options: { allow503?: boolean; allowEvents?: string[] } = {}): string[] {
  return instances.flatMap((instance) =>
    instance
      .errors()
      .filter((event) => !(options.allow503 && event.event === 'http.request' && event.status === 503))
      .filter((event) => !options.allowEvents?.includes(event.event ?? ''))
      .map((event) => `${instance.name}: ${event.event ?? ''} ${event.status ?? ''} ${event.msg ?? ''}`.replace(/ +/g, ' ').trim()),
  );
}

export const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
