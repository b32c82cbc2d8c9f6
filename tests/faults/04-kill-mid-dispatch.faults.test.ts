import { deliveryReport, driveInquiries, errorLines, expireLeases, settledLeasedRows, waitForMail, waitForOutboxEmpty } from './support/checks';
import { numberFromEnv, recordResult, sleep, waitUntil } from './support/run';
import { scenarioResources } from './support/scenario';
import { Inquiries } from './support/traffic';

/**
 * Scenario: "kill -9 of an instance mid-dispatch". Two instances (A and B)
 * both dispatch; the mail server is slow (each RCPT TO held 100 ms) so a
 * batch takes a while. Once A holds leased rows and mail is flowing, A gets
 * SIGKILL. Then:
 * - B delivers everything A had not claimed;
 * - A's claimed rows stay untouched while their lease runs (nobody sends them twice);
 * - A is started again (a new process), B is stopped, and A's old leases end —
 *   moved to "expired" in the database, which is what the 5-minute lease
 *   (dispatcher.ts `leaseMs`) does by itself five minutes later; the built
 *   app reads the real clock, so the test moves the lease, not the clock —
 *   and the restarted A delivers them.
 * Duplicates are counted: the only acceptable ones are messages the mail
 * server had accepted from A just before the kill (A could not record them
 * as sent). The target is 0; the table reports the count.
 */
const COUNT = numberFromEnv('FAULTS_KILL_COUNT', 800);

describe('kill -9 mid-dispatch', () => {
  const scenario = scenarioResources();

  test('when an instance is killed with SIGKILL while it sends, then the other delivers the rest, the restarted one delivers what the dead one had claimed once its lease ends, and nothing else is sent twice', async () => {
    const began = Date.now();
    const opened = await scenario.open('kill');
    const { db, sink } = opened;
    const settings = { ...opened.settings, env: { AUTOREPLY: 'off' } };
    const a = await scenario.web({ ...settings, name: 'kill-a' });
    const b = await scenario.web({ ...settings, name: 'kill-b' });
    sink.setDelay(100);

    // All inquiries go to B's web side; both dispatchers are woken by NOTIFY.
    const inquiries = new Inquiries('kill');
    const driving = driveInquiries({ urls: [b.url], count: COUNT, concurrency: 20, inquiries });
    const aHolds = async () => {
      const [row] = await db.query<{ held: number }>(
        `SELECT count(*)::int AS held FROM notifications WHERE status = 'pending' AND lease_owner LIKE $1 AND lease_until > now()`,
        [`${a.pid}-%`],
      );
      return (row?.held ?? 0) > 0 && sink.mail.deliveries.length >= 40 ? true : undefined;
    };
    await waitUntil('instance A to hold leased rows while mail flows', aHolds, 120_000, 50);
    const heldAtKill = await db.query<{ lead_id: string }>(`SELECT lead_id FROM notifications WHERE status = 'pending' AND lease_owner LIKE $1`, [`${a.pid}-%`]);
    const killAt = Date.now();
    const killed = await a.kill();
    const drive = await driving;

    // B does everything that is not A's; A's claimed rows wait for their lease.
    const stranded = await settledLeasedRows(db, inquiries.emailLike, 180_000);
    const strandedByA = stranded.filter((row) => row.lease_owner?.startsWith(`${a.pid}-`));
    const bSentAfterKill = b.events('notification.sent').filter((event) => event.time > killAt).reduce((sum, event) => sum + (event.count ?? 0), 0);

    // The restarted A takes over alone once the dead process's leases end.
    sink.setDelay(0);
    const restarted = await scenario.web({ ...settings, name: 'kill-a-restarted' });
    const bStopped = await b.terminate();
    const released = await expireLeases(db, inquiries.emailLike, a.pid);
    const drained = await waitForOutboxEmpty(db, inquiries.emailLike, 60_000);
    const mailed = await waitForMail({ sink, ids: drive.ids, autoreply: false, timeoutMs: 30_000 });
    await sleep(2_000);
    const delivery = await deliveryReport({ db, sink, ids: drive.ids, inquiries, autoreply: false });

    // A duplicate is explained only if the dead A held its row (never marked sent) and the mail server already had its first copy.
    const heldByA = new Set(strandedByA.map((row) => row.lead_id));
    const explained = delivery.duplicateAdmissions.filter((lead) => heldByA.has(lead) && (sink.mail.firstAdmissionsAtOf(lead) ?? Infinity) <= killAt + 500);
    const unexplained = delivery.duplicateAdmissions.filter((lead) => !explained.includes(lead));
    recordResult({
      scenario: 'kill -9 mid-dispatch',
      setup: `2 instances dispatching ${COUNT} admissions emails through a slow mail server (100 ms per RCPT); SIGKILL to one while it holds leased rows`,
      inputs: COUNT,
      outcome: delivery.lost === 0 && delivery.delivered === drive.ids.size && unexplained.length === 0 ? 'survived' : 'FAILED',
      leadsLost: delivery.lost,
      duplicates: delivery.duplicateAdmissions.length,
      notes:
        `killed (${killed.signal}) holding ${heldAtKill.length} leased rows after ${sink.mail.deliveries.length === 0 ? 0 : sink.mail.deliveries.filter((d) => d.at <= killAt).length} emails; ` +
        `the other instance sent ${bSentAfterKill} more; ${strandedByA.length} rows waited for the dead process's lease, then the restarted instance sent ${restarted.sent('admissions')}; ` +
        `duplicates: ${explained.length} accepted by SMTP just before the kill, ${unexplained.length} other`,
      seconds: (Date.now() - began) / 1000,
    });

    expect(killed.signal).toBe('SIGKILL');
    expect(drive.tally.toString()).toBe(`201: ${COUNT}`);
    // What was left after the other instance finished: only rows the dead one had leased.
    expect(stranded.length).toBe(strandedByA.length);
    expect(strandedByA.length).toBeGreaterThan(0);
    expect(bSentAfterKill).toBeGreaterThan(0);
    expect(bStopped.code).toBe(0);
    expect(released).toBe(strandedByA.length);
    expect(restarted.sent('admissions')).toBe(strandedByA.length);
    expect(drained).toBe(true);
    expect(mailed).toBe(true);
    expect(delivery).toMatchObject({ lost: 0, unannounced: 0, delivered: COUNT, pendingOrFailed: 0 });
    expect(delivery.notifications).toBe(`admissions/sent: ${COUNT}`);
    expect(unexplained).toEqual([]);
    expect(errorLines([b, restarted])).toEqual([]);
  }, 8 * 60_000);
});
