import { awaitDelivery, errorLines } from './support/checks';
import { numberFromEnv, recordResult, sleep } from './support/run';
import { scenarioResources } from './support/scenario';
import { Inquiries, keepAlive, postInquiry, Tally } from './support/traffic';

/**
 * Scenario: "SMTP outage during open hours". The mail server (a process of
 * its own) shuts down for FAULTS_SMTP_OUTAGE_SECONDS (default 20) while
 * inquiries keep arriving at two instances, then comes back on the same port.
 *
 * Inquiries never notice (201 throughout); each failed send is retried (first
 * retry after 1 min ± 20%, src/notifications/retry-policy.ts), so once the
 * server is back every lead gets exactly one admissions email and one
 * auto-reply. The outage is kept under 48 s on purpose: longer, and a first
 * retry lands inside it and the next waits 2 minutes more.
 *
 * "None during closed time" is not tested here: the built app reads the real
 * clock. tests/integration/notifications/delivery-failures.test.ts covers it
 * with a ManualClock ("when SMTP is down for a while during office hours, then
 * the mail is retried with backoff, held over closed time, and delivered once").
 */
const OUTAGE_SECONDS = numberFromEnv('FAULTS_SMTP_OUTAGE_SECONDS', 20);

describe('SMTP outage', () => {
  const scenario = scenarioResources();

  test(`when the mail server is down for ${OUTAGE_SECONDS} s during office hours, then inquiries are still accepted and, once it is back, every lead's mail is delivered exactly once`, async () => {
    const began = Date.now();
    const { db, sink, settings } = await scenario.open('smtp');
    const a = await scenario.web({ ...settings, name: 'smtp-a' });
    const b = await scenario.web({ ...settings, name: 'smtp-b' });
    const urls = [a.url, b.url];
    const agents = urls.map(() => keepAlive(5));

    const inquiries = new Inquiries('smtp');
    const ids = new Set<string>();
    const outageIds = new Set<string>();
    const tally = new Tally();
    let sent = 0;
    const post = async (duringOutage: boolean) => {
      const instance = sent++ % 2;
      const reply = await postInquiry(urls[instance]!, inquiries.json(), agents[instance]);
      tally.add(reply);
      if (reply.id) {
        ids.add(reply.id);
        if (duringOutage) outageIds.add(reply.id);
      }
    };

    // Before: mail flows.
    for (let i = 0; i < 20; i += 1) await post(false);
    const warm = await awaitDelivery({ db, sink, ids, inquiries, autoreply: true, timeoutMs: 30_000 });
    expect(warm.delivered).toBe(20);

    // The outage: 5 inquiries a second keep arriving.
    await sink.stop();
    const downAt = Date.now();
    while (Date.now() - downAt < OUTAGE_SECONDS * 1000) {
      await Promise.all(Array.from({ length: 5 }, () => post(true)));
      await sleep(1_000);
    }
    const receivedDuringOutage = sink.mail.deliveries.filter((delivery) => delivery.at > downAt).length;
    await sink.start();
    const upAt = Date.now();
    for (let i = 0; i < 20; i += 1) await post(false);
    for (const agent of agents) agent.destroy();

    // First retries come 48–72 s after each failed attempt.
    const delivery = await awaitDelivery({ db, sink, ids, inquiries, autoreply: true, timeoutMs: 150_000 });
    const retried = await db.query<{ n: number; max: number }>(
      `SELECT count(*)::int AS n, max(n.attempts)::int AS max FROM notifications n WHERE n.attempts > 1 AND n.lead_id = ANY($1::uuid[])`,
      [[...outageIds]],
    );
    const lastDelivery = Math.max(...sink.mail.deliveries.map((d) => d.at));
    const duplicates = delivery.duplicateAdmissions.length + delivery.duplicateAutoreplies.length;
    recordResult({
      scenario: 'SMTP outage',
      setup: `2 instances; mail server shut down ${OUTAGE_SECONDS} s (port closed) while 5 inquiries/s arrive, then restarted`,
      inputs: tally.total,
      outcome: tally.count(201) === tally.total && delivery.lost === 0 && duplicates === 0 && delivery.delivered === ids.size ? 'survived' : 'FAILED',
      leadsLost: delivery.lost,
      duplicates,
      notes:
        `${outageIds.size} inquiries during the outage, all 201; ${retried[0]?.n ?? 0} notifications needed a retry (max ${retried[0]?.max ?? 0} attempts); ` +
        `all ${ids.size} leads' admissions emails and auto-replies delivered once, the last ${Math.round((lastDelivery - upAt) / 1000)} s after the server returned`,
      seconds: (Date.now() - began) / 1000,
    });

    expect(tally.toString()).toBe(`201: ${tally.total}`);
    expect(receivedDuringOutage).toBe(0);
    expect(delivery).toMatchObject({ lost: 0, unannounced: 0, delivered: ids.size, duplicateAdmissions: [], duplicateAutoreplies: [], pendingOrFailed: 0 });
    expect(delivery.notifications).toBe(`admissions/sent: ${ids.size}, autoreply/sent: ${ids.size}`);
    expect(retried[0]?.n ?? 0).toBeGreaterThan(0);
    expect(errorLines(scenario.instances)).toEqual([]);
  }, 8 * 60_000);
});
