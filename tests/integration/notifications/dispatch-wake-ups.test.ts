import { Client } from 'pg';
import { createDispatchLoop } from '../../../src/notifications/dispatch-loop';
import { createKeptOutcomes } from '../../../src/notifications/kept-outcomes';
import { createOutboxRepository, OUTBOX_CHANNEL } from '../../../src/outbox';
import { createLogger } from '../../../src/platform/logger';
import { withTransaction } from '../../../src/platform/database';
import { createTestApp, OPEN_MONDAY, type TestApp } from '../../support/test-app';
import { postJson, json, validInquiry } from '../../support/inquiries';

/**
 * How dispatchers are woken: by the NOTIFY of mail that is due, never lost
 * while a pass runs, and not by mail due later. The loop here runs a counted
 * pass of its own over a real LISTEN connection, with a one-minute poll, so
 * only a wake-up can start a pass within the test's few seconds.
 */
let t: TestApp;
const silent = createLogger('error', { write: () => undefined });

beforeAll(async () => {
  t = await createTestApp({ now: OPEN_MONDAY });
});
afterAll(() => t.close());

async function notify(): Promise<void> {
  const client = new Client({ connectionString: t.connectionString });
  await client.connect();
  await client.query(`NOTIFY ${OUTBOX_CHANNEL}`);
  await client.end();
}

async function listen(): Promise<{ count(): number; close(): Promise<void> }> {
  const client = new Client({ connectionString: t.connectionString });
  await client.connect();
  let count = 0;
  client.on('notification', () => (count += 1));
  await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
  return { count: () => count, close: () => client.end() };
}

const until = async (condition: () => boolean, ms: number) => {
  const deadline = Date.now() + ms;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  return condition();
};

test('when mail is queued while a pass is running, then the loop runs another pass at once instead of waiting for its poll', async () => {
  let passes = 0;
  let releaseFirst!: () => void;
  const firstHeld = new Promise<void>((resolve) => (releaseFirst = resolve));
  const loop = createDispatchLoop({
    runPass: async () => {
      passes += 1;
      if (passes === 1) await firstHeld;
      return { sent: 0, retried: 0, failed: 0 };
    },
    outcomes: createKeptOutcomes(silent),
    logger: silent,
    owner: 'wake-test',
    batchSize: 10,
  });
  loop.start({ connectionString: t.connectionString, pollMs: 60_000 });
  try {
    expect(await until(() => passes === 1, 5_000)).toBe(true);
    // A lead commits while the first pass is past its claim: its NOTIFY arrives mid-pass.
    await new Promise((resolve) => setTimeout(resolve, 300)); // LISTEN registered
    await notify();
    await new Promise((resolve) => setTimeout(resolve, 300)); // the notification reached the loop
    releaseFirst();
    expect(await until(() => passes === 2, 5_000)).toBe(true);
  } finally {
    releaseFirst();
    await loop.stop();
  }
});

test('when mail is due now, then queuing it wakes the dispatchers; when it is due later (an escalation), then nobody is woken', async () => {
  const { body } = await postJson(t, json(validInquiry())).expect(201);
  const outbox = createOutboxRepository(t.db);
  const listener = await listen();
  try {
    await withTransaction(t.db.pool, (tx) => outbox.queue(tx, [{ leadId: body.id, kind: 'escalation', dueAt: new Date(Date.now() + 15 * 60_000), digest: false }]));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(listener.count()).toBe(0);
    await withTransaction(t.db.pool, (tx) => outbox.queue(tx, [{ leadId: body.id, kind: 'escalation', dueAt: new Date(Date.now() - 1_000), digest: false }]));
    expect(await until(() => listener.count() === 1, 5_000)).toBe(true);
  } finally {
    await listener.close();
  }
});
