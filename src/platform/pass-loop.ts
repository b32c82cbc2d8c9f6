import { Client } from 'pg';

export interface PassLoopOptions {
  /** The NOTIFY channel that says work was queued. */
  channel: string;
  /** One pass over the queue; resolves with how many rows it handled. */
  runPass: () => Promise<number>;
  /** A pass that handled this many rows may have left more: run another at once. */
  batchSize: number;
  /** A pass threw (the database away): the next poll tries again. */
  onPassFailed: (error: unknown) => void;
}

/**
 * Runs passes over a queue until stopped: woken by LISTEN/NOTIFY when work is
 * queued, and by a poll regardless (work that comes due with time, a lost
 * listener). A notification that arrives while a pass runs is not lost: its
 * row may have committed after that pass claimed, so another pass follows at
 * once. Shared by the mail dispatcher and the webhook dispatcher.
 */
export function createPassLoop(options: PassLoopOptions) {
  let running = false;
  let loop: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  let missedWake = false;
  let listener: Client | undefined;

  async function listen(connectionString: string) {
    try {
      const client = new Client({ connectionString });
      client.on('error', () => {
        listener = undefined; // polling carries on; we listen again next round
      });
      await client.connect();
      await client.query(`LISTEN ${options.channel}`);
      client.on('notification', () => {
        if (wake) wake();
        else missedWake = true;
      });
      listener = client;
    } catch {
      listener = undefined;
    }
  }

  async function run(connectionString: string | undefined, pollMs: number) {
    while (running) {
      if (connectionString && !listener) await listen(connectionString);
      missedWake = false;
      try {
        let handled: number;
        do handled = await options.runPass();
        while (running && handled >= options.batchSize);
      } catch (error) {
        options.onPassFailed(error);
      }
      if (!running) break;
      if (missedWake) continue;
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
    /** Starts the loop: LISTEN on `connectionString` (if given), and poll every `pollMs` regardless. */
    start(start: { connectionString?: string; pollMs?: number } = {}): boolean {
      if (running) return false;
      running = true;
      loop = run(start.connectionString, start.pollMs ?? 2_000);
      return true;
    },
    /** Lets the pass in progress finish, then stops and closes the listener. */
    async stop(): Promise<void> {
      running = false;
      wake?.();
      await loop;
      await listener?.end().catch(() => undefined);
      listener = undefined;
    },
    get running(): boolean {
      return running;
    },
  };
}
