import { randomBytes } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import type { Prisma } from '../generated/prisma/client';
import type { Database } from '../platform/database';

type Writer = Pick<Prisma.TransactionClient, '$queryRaw' | 'webhookEndpoint'>;

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
    /** Stores a checked endpoint (in `tx`, with its audit record); null when one with this URL exists already. */
    async add(endpoint: { url: string; events: string[]; description: string | null; at: Date }, tx: Writer = db): Promise<{ endpoint: WebhookEndpoint; secret: string } | null> {
      const secret = newSecret();
      const rows = await tx.$queryRaw<WebhookEndpoint[]>`
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

    /** Removes an endpoint and its deliveries; null when there is none with this id. */
    async remove(id: string, tx: Writer = db): Promise<WebhookEndpoint | null> {
      const found = await tx.webhookEndpoint.findUnique({ where: { id }, select: PUBLIC_FIELDS });
      if (!found) return null;
      const { count } = await tx.webhookEndpoint.deleteMany({ where: { id } });
      return count === 1 ? found : null;
    },
  };
}

export type EndpointRepository = ReturnType<typeof createEndpointRepository>;
