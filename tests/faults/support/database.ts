import { createScratchDatabase, type ScratchDatabase } from '../../support/scratch-database';
import { runInfo } from './run';

/**
 * Each scenario gets an empty database of its own on the run's server; the
 * app instances migrate and seed it at start-up, as in production.
 */
export type ScenarioDatabase = ScratchDatabase;

export function createScenarioDatabase(label: string, adminUrl = runInfo().adminUrl): Promise<ScenarioDatabase> {
  return createScratchDatabase(adminUrl, { prefix: `faults_${runInfo().id}_${label.replace(/[^a-z0-9]/g, '')}` });
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
