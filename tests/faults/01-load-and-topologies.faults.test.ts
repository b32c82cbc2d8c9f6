import { awaitDelivery, driveInquiries, errorLines, percentile } from './support/checks';
import { recordResult, numberFromEnv } from './support/run';
import { scenarioResources } from './support/scenario';
import { Inquiries } from './support/traffic';

/**
 * Scenarios: "Load" and "Worker split": inquiries through the built app
 * in each documented topology, all on one PostgreSQL database and one SMTP
 * sink, with the office open (OFFICE_HOURS all week, all day).
 *
 * - N web with dispatchers everywhere: 10,000 inquiries (FAULTS_LOAD_COUNT)
 *   at 100 concurrent connections (FAULTS_LOAD_CONCURRENCY) through two
 *   instances. AUTOREPLY=off here, so the sink counts exactly one admissions
 *   email per lead and the run stays within its time budget.
 * - One process (web + dispatcher), and N web (DISPATCHER=off) + 1 worker:
 *   FAULTS_TOPOLOGY_COUNT inquiries each (default 500), auto-replies on.
 *
 * Each: every 201 has exactly one stored lead and no lead is stored without
 * one; every lead gets exactly one admissions email (and one auto-reply where
 * on); nothing answers 5xx; no error in any log; the web-only instances send nothing.
 */
const LOAD_COUNT = numberFromEnv('FAULTS_LOAD_COUNT', 10_000);
const LOAD_CONCURRENCY = numberFromEnv('FAULTS_LOAD_CONCURRENCY', 100);
const TOPOLOGY_COUNT = numberFromEnv('FAULTS_TOPOLOGY_COUNT', 500);

describe('Load and topologies', () => {
  const scenario = scenarioResources('afterEach');

  test(`when ${LOAD_COUNT.toLocaleString('en-US')} inquiries arrive at ${LOAD_CONCURRENCY} concurrent connections through two instances (dispatchers everywhere), then every 201 has one lead, every lead one admissions email, and nothing is 5xx`, async () => {
    const began = Date.now();
    const { db, sink, settings } = await scenario.open('load');
    // The first start migrates and seeds; the second finds it done.
    const a = await scenario.web({ ...settings, name: 'load-a', env: { AUTOREPLY: 'off' } });
    const b = await scenario.web({ ...settings, name: 'load-b', env: { AUTOREPLY: 'off' } });

    const inquiries = new Inquiries('load');
    const drive = await driveInquiries({ urls: [a.url, b.url], count: LOAD_COUNT, concurrency: LOAD_CONCURRENCY, inquiries });
    const delivery = await awaitDelivery({ db, sink, ids: drive.ids, inquiries, autoreply: false, timeoutMs: 5 * 60_000 });

    const rate = Math.round(LOAD_COUNT / drive.seconds);
    const p50 = Math.round(percentile(drive.latenciesMs, 50));
    const p99 = Math.round(percentile(drive.latenciesMs, 99));
    const split = `${a.sent('admissions')} / ${b.sent('admissions')}`;
    recordResult({
      scenario: 'Load, 2 web instances with dispatchers',
      setup: `${LOAD_COUNT.toLocaleString('en-US')} JSON inquiries, ${LOAD_CONCURRENCY} concurrent, round-robin over 2 instances, one database`,
      inputs: LOAD_COUNT,
      outcome: drive.tally.count(201) === LOAD_COUNT && drive.tally.count5xx() === 0 && delivery.lost === 0 && delivery.duplicateAdmissions.length === 0 ? 'held' : 'FAILED',
      leadsLost: delivery.lost,
      duplicates: delivery.duplicateAdmissions.length,
      notes: `${rate} inquiries/s, p50 ${p50} ms, p99 ${p99} ms; replies ${drive.tally}; ${delivery.delivered} leads emailed (instances sent ${split}); all mail out ${Math.round(delivery.waitedSeconds)} s after the last reply`,
      seconds: (Date.now() - began) / 1000,
    });

    expect(drive.tally.toString()).toBe(`201: ${LOAD_COUNT}`);
    expect(drive.ids.size).toBe(LOAD_COUNT);
    expect(delivery).toMatchObject({ stored: LOAD_COUNT, storedInAll: LOAD_COUNT, lost: 0, unannounced: 0, delivered: LOAD_COUNT, duplicateAdmissions: [], pendingOrFailed: 0 });
    expect(delivery.notifications).toBe(`admissions/sent: ${LOAD_COUNT}`);
    expect(sink.mail.unknownLeads(drive.ids)).toEqual([]);
    // Both instances run a dispatcher; between them they sent each lead's email once.
    expect(a.events('dispatcher.started')).toHaveLength(1);
    expect(b.events('dispatcher.started')).toHaveLength(1);
    expect(a.sent('admissions') + b.sent('admissions')).toBe(LOAD_COUNT);
    expect(errorLines(scenario.instances)).toEqual([]);
  }, 15 * 60_000);

  test(`when the app runs as one process (web + dispatcher), then ${TOPOLOGY_COUNT.toLocaleString('en-US')} inquiries each get one lead, one admissions email and one auto-reply`, async () => {
    const began = Date.now();
    const { db, sink, settings } = await scenario.open('single');
    const web = await scenario.web({ ...settings, name: 'single' });

    const inquiries = new Inquiries('single');
    const drive = await driveInquiries({ urls: [web.url], count: TOPOLOGY_COUNT, concurrency: 50, inquiries });
    const delivery = await awaitDelivery({ db, sink, ids: drive.ids, inquiries, autoreply: true, timeoutMs: 3 * 60_000 });
    const duplicates = delivery.duplicateAdmissions.length + delivery.duplicateAutoreplies.length;
    recordResult({
      scenario: 'Topology: one process',
      setup: `node dist/server.js alone (web + dispatcher), ${TOPOLOGY_COUNT} inquiries at 50 concurrent, auto-replies on`,
      inputs: TOPOLOGY_COUNT,
      outcome: drive.tally.count(201) === TOPOLOGY_COUNT && delivery.lost === 0 && duplicates === 0 ? 'held' : 'FAILED',
      leadsLost: delivery.lost,
      duplicates,
      notes: `${Math.round(TOPOLOGY_COUNT / drive.seconds)} inquiries/s; ${delivery.notifications}`,
      seconds: (Date.now() - began) / 1000,
    });

    expect(drive.tally.toString()).toBe(`201: ${TOPOLOGY_COUNT}`);
    expect(delivery).toMatchObject({ stored: TOPOLOGY_COUNT, lost: 0, unannounced: 0, delivered: TOPOLOGY_COUNT, duplicateAdmissions: [], duplicateAutoreplies: [], pendingOrFailed: 0 });
    expect(delivery.notifications).toBe(`admissions/sent: ${TOPOLOGY_COUNT}, autoreply/sent: ${TOPOLOGY_COUNT}`);
    expect(web.sent()).toBe(2 * TOPOLOGY_COUNT);
    expect(errorLines(scenario.instances)).toEqual([]);
  }, 10 * 60_000);

  test(`when two web instances run with DISPATCHER=off and one worker (node dist/worker.js) sends, then ${TOPOLOGY_COUNT.toLocaleString('en-US')} inquiries each get their mail once, all from the worker`, async () => {
    const began = Date.now();
    const { db, sink, settings } = await scenario.open('split');
    const web1 = await scenario.web({ ...settings, name: 'split-web1', env: { DISPATCHER: 'off' } });
    const [web2, worker] = await Promise.all([
      scenario.web({ ...settings, name: 'split-web2', env: { DISPATCHER: 'off' } }),
      scenario.worker({ ...settings, name: 'split-worker' }),
    ]);

    const inquiries = new Inquiries('split');
    const drive = await driveInquiries({ urls: [web1.url, web2.url], count: TOPOLOGY_COUNT, concurrency: 50, inquiries });
    const delivery = await awaitDelivery({ db, sink, ids: drive.ids, inquiries, autoreply: true, timeoutMs: 3 * 60_000 });
    const duplicates = delivery.duplicateAdmissions.length + delivery.duplicateAutoreplies.length;
    recordResult({
      scenario: 'Topology: 2 web (DISPATCHER=off) + 1 worker',
      setup: `2 × node dist/server.js with DISPATCHER=off, 1 × node dist/worker.js; ${TOPOLOGY_COUNT} inquiries at 50 concurrent, auto-replies on`,
      inputs: TOPOLOGY_COUNT,
      outcome: drive.tally.count(201) === TOPOLOGY_COUNT && delivery.lost === 0 && duplicates === 0 && web1.sent() + web2.sent() === 0 ? 'held' : 'FAILED',
      leadsLost: delivery.lost,
      duplicates,
      notes: `worker sent ${worker.sent()} messages, web instances ${web1.sent() + web2.sent()}; ${delivery.notifications}`,
      seconds: (Date.now() - began) / 1000,
    });

    expect(drive.tally.toString()).toBe(`201: ${TOPOLOGY_COUNT}`);
    expect(delivery).toMatchObject({ stored: TOPOLOGY_COUNT, lost: 0, unannounced: 0, delivered: TOPOLOGY_COUNT, duplicateAdmissions: [], duplicateAutoreplies: [], pendingOrFailed: 0 });
    expect(delivery.notifications).toBe(`admissions/sent: ${TOPOLOGY_COUNT}, autoreply/sent: ${TOPOLOGY_COUNT}`);
    // Web-only instances never start a dispatcher; the worker sent everything.
    expect(web1.events('dispatcher.started')).toEqual([]);
    expect(web2.events('dispatcher.started')).toEqual([]);
    expect(web1.sent() + web2.sent()).toBe(0);
    expect(worker.sent()).toBe(2 * TOPOLOGY_COUNT);
    expect(errorLines(scenario.instances)).toEqual([]);
  }, 10 * 60_000);
});
