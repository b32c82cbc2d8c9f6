import { randomUUID } from 'node:crypto';
import { chmodSync, createWriteStream, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../src/platform/embedded-postgres';
import { deliveryReport, errorLines, expireLeases, settledLeasedRows, waitForMail, waitForOutboxEmpty } from './support/checks';
import { databaseAt } from '../support/scratch-database';
import { createScenarioDatabase } from './support/database';
import { runCli, startSinkProcess } from './support/processes';
import { logDir, numberFromEnv, recordResult, runInfo, sleep } from './support/run';
import { scenarioResources } from './support/scenario';
import { writeSecrets } from './support/secrets';
import { startTcpProxy } from '../support/tcp-proxy';
import { ARTICLES, Inquiries, keepAlive, postInquiry, runWhile, send, Tally, type Reply } from './support/traffic';

/**
 * Scenario: "Database restart mid-load". A real restart: this scenario runs
 * a PostgreSQL server of its own (the app's embedded PostgreSQL 17, started
 * with src/platform/embedded-postgres.ts), even when the run uses
 * DATABASE_URL — a shared server cannot be stopped for one test. The server
 * is stopped (PostgreSQL's fast shutdown: sessions terminated, open
 * transactions rolled back) while two instances take inquiries, kept down
 * for FAULTS_DB_OUTAGE_SECONDS (default 6), and started again on the same
 * data directory. It comes back on a new port, so the apps reach it through a
 * TCP forwarder on a fixed port, as they would through a DNS name or a proxy.
 *
 * While it is down: inquiries answer 503 with Retry-After, never 500 and never
 * a 201; pages answer 200 (from cache) or 503; /readyz answers 503; a staff
 * export streaming at that moment is cut short, the next is a 503. After it
 * returns, the same processes (no restart) answer 201 again and /readyz 200.
 * Every 201 has its lead, and every lead gets its mail.
 */
const OUTAGE_SECONDS = numberFromEnv('FAULTS_DB_OUTAGE_SECONDS', 6);

interface Timed extends Reply {
  kind: 'inquiry' | 'page' | 'readyz' | 'export';
  instance: number;
}

describe('Database restart mid-load', () => {
  const scenario = scenarioResources();
  // The scenario's own server, replaced by the restart; stopped and removed at clean-up.
  let pg: EmbeddedPostgres | undefined;
  scenario.onCleanUp(async () => {
    await pg?.stop();
    rmSync(path.join(runInfo().dir, 'restart-pg'), { recursive: true, force: true });
  });

  test(`when PostgreSQL restarts (down ${OUTAGE_SECONDS} s) while two instances take inquiries, then the outage answers 503 (never 500, never a 201 without its lead), /readyz follows it, and service resumes without restarting the app`, async () => {
    const began = Date.now();
    const dataDir = path.join(runInfo().dir, 'restart-pg');
    mkdirSync(dataDir);
    chmodSync(dataDir, 0o755);
    const pgLog = createWriteStream(path.join(logDir(), 'restart-postgres.log'));
    const log = (event: string, fields?: Record<string, unknown>) => pgLog.write(`${JSON.stringify({ time: Date.now(), event, ...fields })}\n`);
    pg = await startEmbeddedPostgres({ dataDir, log });
    writeSecrets({ 'restart-scenario database password': new URL(pg.connectionString()).password });
    const proxy = await startTcpProxy({ port: pg.port });
    scenario.onCleanUp(() => proxy.close());
    // Apps and checks reach the server through the forwarder: its port changes on restart.
    const created = await createScenarioDatabase('dbrestart', pg.connectionString('postgres'));
    const db = databaseAt(created, proxy.route(created.connectionString));
    const sink = await startSinkProcess('dbrestart-sink');
    scenario.onCleanUp(() => sink.stop());
    const settings = { databaseUrl: db.connectionString, smtpUrl: sink.url };
    const a = await scenario.web({ ...settings, name: 'dbrestart-a' });
    const b = await scenario.web({ ...settings, name: 'dbrestart-b' });
    const urls = [a.url, b.url];
    // A staff API token, for exports that stream while the database goes away.
    const staffEmail = `exports.${runInfo().id}@college.test`;
    const password = `restart-${randomUUID()}`;
    writeSecrets({ 'restart-scenario staff password': password });
    expect((await runCli(['staff:add', '--email', staffEmail, '--name', 'Export Script'], { databaseUrl: db.connectionString, env: { FRONTDESK_PASSWORD: password } })).code).toBe(0);
    const issued = await runCli(['staff:token', '--email', staffEmail, '--label', 'restart-export'], { databaseUrl: db.connectionString });
    const token = issued.stdout.trim().split('\n').pop()!.trim();
    writeSecrets({ 'restart-scenario API token': token });

    const inquiries = new Inquiries('dbrestart');
    const replies: Timed[] = [];
    const ids = new Set<string>();
    let running = true;
    const agents = urls.map(() => keepAlive(20));
    const load = Promise.all([
      // 30 inquiries in flight, round-robin.
      runWhile(() => running, 30, async (index) => {
        const instance = index % 2;
        const reply = await postInquiry(urls[instance]!, inquiries.json(), agents[instance]);
        replies.push({ ...reply, kind: 'inquiry', instance });
        if (reply.id) ids.add(reply.id);
      }),
      // A reader of pages on each instance.
      runWhile(() => running, 2, async (index) => {
        const instance = index % 2;
        const page = index % 3 === 0 ? '/' : `/articles/${ARTICLES[index % ARTICLES.length]}`;
        replies.push({ ...(await send(`${urls[instance]}${page}`, { agent: agents[instance] })), kind: 'page', instance });
        await sleep(50);
      }),
      // A script exporting leads (NDJSON, streamed) from each instance in turn.
      runWhile(() => running, 1, async (index) => {
        const instance = index % 2;
        replies.push({ ...(await send(`${urls[instance]}/admin/leads/export.ndjson`, { agent: false, headers: { authorization: `Bearer ${token}` }, timeoutMs: 30_000 })), kind: 'export', instance });
      }),
      // A load balancer's health check on each instance, every 200 ms.
      ...urls.map((url, instance) =>
        runWhile(() => running, 1, async () => {
          replies.push({ ...(await send(`${url}/readyz`, { agent: false, timeoutMs: 10_000 })), kind: 'readyz', instance });
          await sleep(200);
        }),
      ),
    ]);

    await sleep(5_000);
    const stopBegan = Date.now();
    await pg.stop();
    const downAt = Date.now();
    await sleep(OUTAGE_SECONDS * 1000);
    pg = await startEmbeddedPostgres({ dataDir, log });
    proxy.setTarget(pg.port);
    const upAt = Date.now();
    await sleep(12_000);
    running = false;
    await load;
    for (const agent of agents) agent.destroy();

    const inquiryReplies = replies.filter((reply) => reply.kind === 'inquiry');
    const tally = new Tally();
    for (const reply of inquiryReplies) tally.add(reply);
    const pageTally = new Tally();
    for (const reply of replies.filter((r) => r.kind === 'page')) pageTally.add(reply);
    const exportTally = new Tally();
    for (const reply of replies.filter((r) => r.kind === 'export')) exportTally.add(reply);
    // An export streaming when the server stops is cut short (its 200 and headers were sent already).
    const cutExports = replies.filter((r) => r.kind === 'export' && r.status === 0);
    const exportCutOutsideStop = cutExports.filter((r) => r.at < stopBegan || r.sentAt > downAt);
    const readyz = replies.filter((reply) => reply.kind === 'readyz');
    // Sent after the server was gone and answered before it was back: the outage proper.
    const duringOutage = (reply: Reply) => reply.sentAt >= downAt && reply.at <= upAt;
    const afterRecovery = (reply: Reply) => reply.sentAt >= upAt + 3_000;
    const firstSuccessAfter = inquiryReplies.filter((reply) => reply.status === 201 && reply.sentAt >= upAt).sort((x, y) => x.at - y.at)[0];
    const recoverySeconds = firstSuccessAfter ? (firstSuccessAfter.at - upAt) / 1000 : Infinity;

    // Mail: every lead of a 201 is emailed, once. What a dispatcher could not
    // write while the database was away (a sent email's row; rows it had
    // claimed but not tried) it writes when the database returns, so nothing
    // is sent twice and nothing waits for its lease (5 min). Only a claim that
    // committed as its connection died leaves rows its dispatcher never heard
    // of (never sent): those do wait for the lease. Count them once the
    // dispatchers have done what they can, and any that were sent already.
    const stranded = await settledLeasedRows(db, inquiries.emailLike, 90_000);
    const strandedDelivered = stranded.filter((row) => (row.kind === 'admissions' ? sink.mail.admissionsFor(row.lead_id) : sink.mail.autorepliesFor(row.lead_id)) > 0);
    // What the lease does by itself five minutes later.
    await expireLeases(db, inquiries.emailLike);
    const drained = await waitForOutboxEmpty(db, inquiries.emailLike, 60_000);
    const mailed = await waitForMail({ sink, ids, autoreply: true, timeoutMs: 30_000 });
    await sleep(2_000);
    const delivery = await deliveryReport({ db, sink, ids, inquiries, autoreply: true });
    const duplicates = delivery.duplicateAdmissions.length + delivery.duplicateAutoreplies.length;

    const stoppingWindow = inquiryReplies.filter((reply) => reply.status === 503 && reply.at >= stopBegan && reply.at <= downAt + 1_000).length;
    recordResult({
      scenario: 'Database restart mid-load',
      setup: `2 instances, 30 inquiries + page reads + a streaming staff export in flight; PostgreSQL fast-stopped, down ${OUTAGE_SECONDS} s, restarted (new port, behind a forwarder)`,
      inputs: replies.length,
      outcome: !a.hasExited() && !b.hasExited() && tally.count(0) === 0 && tally.count5xx() === tally.count(503) && delivery.lost === 0 && Number.isFinite(recoverySeconds) ? 'survived' : 'FAILED',
      leadsLost: delivery.lost,
      duplicates,
      notes:
        `inquiries ${tally}; pages ${pageTally}; exports ${exportTally}; first 201 ${recoverySeconds.toFixed(1)} s after the restart, same processes; ` +
        `${delivery.unannounced} lead(s) stored whose reply was a 503; mail the dispatchers sent while the database was away recorded when it returned; ` +
        `${stranded.length} outbox row(s) waited for their lease (claimed as the connection died, never sent before)`,
      seconds: (Date.now() - began) / 1000,
    });

    // Only 201 and 503, every answer in time.
    expect([...tally.byStatus.keys()].filter((status) => status !== 201 && status !== 503)).toEqual([]);
    expect(tally.count(503)).toBeGreaterThan(0);
    expect(pageTally.count5xx()).toBe(pageTally.count(503));
    expect(pageTally.count(0)).toBe(0);
    expect(exportTally.count(200)).toBeGreaterThan(0);
    expect([...exportTally.byStatus.keys()].filter((status) => ![200, 503, 0].includes(status))).toEqual([]);
    expect(exportCutOutsideStop).toEqual([]);
    for (const reply of inquiryReplies.filter((r) => r.status === 503)) {
      expect(JSON.parse(reply.body)).toMatchObject({ error: 'service_unavailable' });
      expect(reply.headers['retry-after']).toBe('30');
    }
    // The outage proper: nothing is accepted, /readyz says so on both instances.
    expect(inquiryReplies.filter((reply) => duringOutage(reply) && reply.status !== 503)).toEqual([]);
    for (const instance of [0, 1]) {
      const mine = readyz.filter((reply) => reply.instance === instance);
      expect(mine.filter((reply) => reply.at < stopBegan).every((reply) => reply.status === 200)).toBe(true);
      expect(mine.filter(duringOutage).length).toBeGreaterThan(0);
      expect(mine.filter(duringOutage).every((reply) => reply.status === 503)).toBe(true);
      expect(mine.filter(afterRecovery).length).toBeGreaterThan(0);
      expect(mine.filter(afterRecovery).every((reply) => reply.status === 200)).toBe(true);
    }
    // Service resumed in the same processes.
    expect(a.hasExited() || b.hasExited()).toBe(false);
    expect(recoverySeconds).toBeLessThan(5);
    expect(inquiryReplies.filter((reply) => afterRecovery(reply) && reply.status !== 201)).toEqual([]);
    // Nothing lost; a lead stored behind a 503 can only be one whose commit raced the shutdown.
    expect(delivery.lost).toBe(0);
    expect(delivery.unannounced).toBeLessThanOrEqual(stoppingWindow);
    expect(mailed).toBe(true);
    expect(drained).toBe(true);
    expect(delivery.delivered).toBe(ids.size);
    // Nothing twice: a message SMTP accepted while its row could not be marked sent is marked when the database returns.
    expect(strandedDelivered).toEqual([]);
    expect({ admissions: delivery.duplicateAdmissions, autoreplies: delivery.duplicateAutoreplies }).toEqual({ admissions: [], autoreplies: [] });
    // An export cut by the stop is logged as failed (at error level); nothing else may be.
    expect(errorLines(scenario.instances, { allow503: true, allowEvents: cutExports.length > 0 ? ['leads.export_failed'] : [] })).toEqual([]);
  }, 6 * 60_000);
});
