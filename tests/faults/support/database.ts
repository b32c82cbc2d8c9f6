import { withDatabase } from '../../helpers/global-setup';
import { withClient } from '../../helpers/test-database';
import { runInfo } from './run';

/**
 * Each scenario gets an empty database of its own on the run's server; the
 * app instances migrate and seed it at start-up, as in production.
 */
export interface ScenarioDatabase {
  readonly name: string;
  readonly url: string;
  /** Runs one query on a short-lived connection. */
  query<T extends Record<string, unknown> = Record<string, unknown>>(sql: string, values?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

let counter = 0;

export async function createScenarioDatabase(label: string, adminUrl = runInfo().adminUrl): Promise<ScenarioDatabase> {
  counter += 1;
  // Unquoted lower-case identifier: safe to interpolate, easy to spot and drop by hand.
  const name = `faults_${runInfo().id}_${label.replace(/[^a-z0-9]/g, '')}_${process.pid}_${counter}`;
  await withClient(adminUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = withDatabase(adminUrl, name);
  return {
    name,
    url,
    query: <T extends Record<string, unknown>>(sql: string, values: unknown[] = []) => withClient(url, async (client) => (await client.query<T>(sql, values)).rows),
    drop: () => withClient(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

/** The same database reached at another address (through a forwarder, say). */
export function databaseAt(db: ScenarioDatabase, url: string): ScenarioDatabase {
  return {
    ...db,
    url,
    query: <T extends Record<string, unknown>>(sql: string, values: unknown[] = []) => withClient(url, async (client) => (await client.query<T>(sql, values)).rows),
  };
}

/** What the database holds for a set of lead ids, and for the scenario's marker. */
export async function leadAudit(db: Pick<ScenarioDatabase, 'query'>, ids: string[], emailLike: string) {
  const [stored] = await db.query<{ found: number }>('SELECT count(*)::int AS found FROM leads WHERE id = ANY($1::uuid[])', [ids]);
  const [all] = await db.query<{ total: number }>('SELECT count(*)::int AS total FROM leads WHERE email LIKE $1', [emailLike]);
  const notifications = await db.query<{ kind: string; status: string; n: number; leads: number }>(
    `SELECT n.kind::text AS kind, n.status::text AS status, count(*)::int AS n, count(DISTINCT n.lead_id)::int AS leads
       FROM notifications n JOIN leads l ON l.id = n.lead_id
      WHERE l.email LIKE $1 GROUP BY 1, 2 ORDER BY 1, 2`,
    [emailLike],
  );
  return { stored: stored?.found ?? 0, total: all?.total ?? 0, notifications };
}
