import { parseArgs } from 'node:util';
import type { Config } from '../config/config';
import type { Prisma } from '../generated/prisma/client';
import type { Command } from '../platform/cli-command';
import type { Database } from '../platform/database';
import { systemClock, type Clock } from '../platform/clock';
import { cliErrors } from '../platform/errors';
import { systemLookup, type LookupFunction } from './address-policy';
import { createEndpointRepository } from './endpoint-repository';
import { isWebhookEvent, WEBHOOK_EVENTS } from './webhook-events';
import { webhookUrlProblem } from './webhook-url';

/** An audit record of a change made from the command line (no personal data: ids, URL host, events). */
export interface WebhookAuditRecord {
  action: 'webhook.added' | 'webhook.removed';
  details: Record<string, unknown>;
}

export interface WebhookCommandDeps {
  clock?: Clock;
  /** Name resolution for the URL check (tests inject one). */
  lookup?: LookupFunction;
  /** Writes the audit record inside the change's transaction (cli.ts passes the staff audit log). */
  audit?: (db: Database, tx: Prisma.TransactionClient, record: WebhookAuditRecord) => Promise<void>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DESCRIPTION_MAX = 200;
// oxlint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;

function options<T extends Record<string, { type: 'string' }>>(args: string[], spec: T, command: string) {
  try {
    return parseArgs({ args, options: spec, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw cliErrors.usage(`${command}: ${(error as Error).message}`);
  }
}

function required(value: string | undefined, flag: string, command: string): string {
  if (value === undefined || value.trim() === '') throw cliErrors.usage(`${command} needs --${flag}`);
  return value.trim();
}

/** `--events E,E` → the event names, each known and listed once, or a usage error naming the unknown one. */
export function parseEvents(value: string, command: string): string[] {
  const names = [...new Set(value.split(',').map((name) => name.trim()).filter(Boolean))];
  if (names.length === 0) throw cliErrors.usage(`${command}: --events needs at least one event (${WEBHOOK_EVENTS.join(', ')})`);
  const unknown = names.filter((name) => !isWebhookEvent(name));
  if (unknown.length > 0) throw cliErrors.usage(`${command}: --events: unknown event ${unknown.map((name) => `"${name.slice(0, 60)}"`).join(', ')} (events: ${WEBHOOK_EVENTS.join(', ')})`);
  return names;
}

/**
 * `npm run cli -- webhooks:add | webhooks:list | webhooks:remove`
 * (docs/staff-guide.md). Bad input is a usage error (exit status 2) and stores
 * nothing; the secret is printed once, alone on the last line, and never
 * again. Adding and removing are audited with the command line as the actor.
 */
export function createWebhookCommands(deps: WebhookCommandDeps = {}): Record<string, Command<Config>> {
  const clock = deps.clock ?? systemClock;
  const lookup = deps.lookup ?? systemLookup;
  return {
    'webhooks:add': {
      summary: 'webhooks:add --url URL --events E,E [--description D]   add a webhook endpoint; prints its secret once',
      async run({ db, config, args, print }) {
        const values = options(args, { url: { type: 'string' }, events: { type: 'string' }, description: { type: 'string' } }, 'webhooks:add');
        const url = required(values.url, 'url', 'webhooks:add');
        const events = parseEvents(required(values.events, 'events', 'webhooks:add'), 'webhooks:add');
        const description = values.description?.trim() || null;
        if (description && (description.length > DESCRIPTION_MAX || CONTROL.test(description))) {
          throw cliErrors.usage(`webhooks:add: --description must be one line of at most ${DESCRIPTION_MAX} characters`);
        }
        const problem = await webhookUrlProblem(url, { allowPrivate: config.webhookAllowPrivate, lookup });
        if (problem) throw cliErrors.usage(`webhooks:add: --url: ${problem}`);
        const endpoints = createEndpointRepository(db);
        const added = await db.$transaction(async (tx) => {
          const stored = await endpoints.add({ url, events, description, at: clock.now() }, tx);
          if (stored) await deps.audit?.(db, tx, { action: 'webhook.added', details: { endpointId: stored.endpoint.id, host: new URL(url).host, events } });
          return stored;
        });
        if (!added) throw cliErrors.usage(`webhooks:add: an endpoint with the URL ${url} exists already (webhooks:list shows it)`);
        print(`added webhook endpoint ${added.endpoint.id} for ${events.join(', ')}`);
        print('Its signing secret follows; it is shown only this once:');
        print(added.secret);
      },
    },
    'webhooks:list': {
      summary: 'webhooks:list   the webhook endpoints: id, URL, events, description',
      async run({ db, args, print }) {
        options(args, {}, 'webhooks:list');
        const endpoints = await createEndpointRepository(db).list();
        if (endpoints.length === 0) print('no webhook endpoints');
        for (const endpoint of endpoints) print([endpoint.id, endpoint.url, endpoint.events.join(','), endpoint.description ?? ''].join('\t').trimEnd());
      },
    },
    'webhooks:remove': {
      summary: 'webhooks:remove --id ID   remove a webhook endpoint and its deliveries',
      async run({ db, args, print }) {
        const values = options(args, { id: { type: 'string' } }, 'webhooks:remove');
        const id = required(values.id, 'id', 'webhooks:remove');
        if (!UUID.test(id)) throw cliErrors.usage(`webhooks:remove: --id must be an endpoint id as webhooks:list shows it, got "${id.slice(0, 60)}"`);
        const endpoints = createEndpointRepository(db);
        const removed = await db.$transaction(async (tx) => {
          const gone = await endpoints.remove(id.toLowerCase(), tx);
          if (gone) await deps.audit?.(db, tx, { action: 'webhook.removed', details: { endpointId: gone.id, host: new URL(gone.url).host, events: gone.events } });
          return gone;
        });
        if (!removed) throw cliErrors.failed(`webhooks:remove: there is no webhook endpoint with the id ${id}`);
        print(`removed webhook endpoint ${id.toLowerCase()}`);
      },
    },
  };
}
