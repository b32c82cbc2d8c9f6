import { Webhook } from 'standardwebhooks';
import type { Config } from '../../../src/config/config';
import { createLogger } from '../../../src/platform/logger';
import type { CommandContext } from '../../../src/platform/cli-command';
import { createWebhookCommands, type LookupFunction, type WebhookCommandDeps } from '../../../src/webhooks';
import type { ReceivedWebhook } from '../../support/webhook-receiver';
import type { TestApp } from '../../support/test-app';

/** A CLI command context on the test app's database, printing into `lines`. */
export function commandContext(t: TestApp, args: string[], lines: string[] = []): CommandContext<Config> {
  return { config: t.config, db: t.db, connectionString: t.connectionString, logger: createLogger('silent'), args, print: (line) => void lines.push(line) };
}

/** Runs a webhooks command as `npm run cli` would; returns what it printed. */
export async function runCommand(t: TestApp, name: string, args: string[], deps: WebhookCommandDeps = {}): Promise<string[]> {
  const lines: string[] = [];
  await createWebhookCommands({ clock: t.clock, ...deps })[name]!.run(commandContext(t, args, lines));
  return lines;
}

/** Adds an endpoint with webhooks:add; returns its id and the secret printed on the last line. */
export async function addEndpoint(t: TestApp, url: string, events: string[]): Promise<{ id: string; secret: string }> {
  const lines = await runCommand(t, 'webhooks:add', ['--url', url, '--events', events.join(',')]);
  const endpoint = await t.db.webhookEndpoint.findUniqueOrThrow({ where: { url } });
  return { id: endpoint.id, secret: lines[lines.length - 1]! };
}

/**
 * What a receiver does with a webhook: Webhook.verify from `standardwebhooks`
 * checks the signature and that the timestamp is within 5 minutes of the
 * receiver's clock, which here is the test's clock (the app's time).
 */
export function verify(secret: string, received: ReceivedWebhook, now: Date): { type: string; timestamp: string; data: Record<string, unknown> } {
  const spy = jest.spyOn(Date, 'now').mockReturnValue(now.getTime());
  try {
    return new Webhook(secret).verify(received.body, received.headers as Record<string, string>) as { type: string; timestamp: string; data: Record<string, unknown> };
  } finally {
    spy.mockRestore();
  }
}

/**
 * A name lookup from a table, in dns.lookup's shape: the tests never ask
 * real DNS. A name not in the table fails as ENOTFOUND.
 */
export function fakeLookup(table: Record<string, string[]>, calls: string[] = []): LookupFunction {
  return (hostname, options, callback) => {
    calls.push(hostname);
    const addresses = table[hostname];
    if (!addresses) return callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), []);
    const entries = addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    if (options.all) callback(null, entries);
    else callback(null, entries[0]!.address, entries[0]!.family);
  };
}
