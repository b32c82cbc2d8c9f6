import { randomBytes } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import type { Database } from '../platform/database';

export interface WebhookEndpoint {
  id: string;
  url: string;
  events: string[];
  description: string | null;
  createdAt: Date;
}

/** A new endpoint's signing secret: `whsec_` + base64 of 32 random bytes (Standard Webhooks). */
export function newSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

const PUBLIC_FIELDS = { id: true, url: true, events: true, description: true, createdAt: true } as const;

/** The endpoints webhooks go to. The secret is written once and read only by the dispatcher. */
export function createEndpointRepository(db: Database) {
  return {
    /** Stores a checked endpoint; null when one with this URL exists already. */
    async add(endpoint: { url: string; events: string[]; description: string | null; at: Date }): Promise<{ endpoint: WebhookEndpoint; secret: string } | null> {
      const secret = newSecret();
      const rows = await db.$queryRaw<WebhookEndpoint[]>`
        INSERT INTO webhook_endpoints (id, url, events, description, secret, created_at)
        VALUES (${uuidv7({ msecs: endpoint.at.getTime() })}::uuid, ${endpoint.url}, ${endpoint.events}::text[], ${endpoint.description}, ${secret}, ${endpoint.at})
        ON CONFLICT (url) DO NOTHING
        RETURNING id::text AS id, url, events, description, created_at AS "createdAt"`;
      const stored = rows[0];
      return stored ? { endpoint: stored, secret } : null;
    },

    async list(): Promise<WebhookEndpoint[]> {
      return db.webhookEndpoint.findMany({ select: PUBLIC_FIELDS, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
    },

    /** Removes an endpoint and its deliveries; false when there is none with this id. */
    async remove(id: string): Promise<boolean> {
      const { count } = await db.webhookEndpoint.deleteMany({ where: { id } });
      return count === 1;
    },
  };
}

export type EndpointRepository = ReturnType<typeof createEndpointRepository>;
