import { Client } from 'pg';
import { ARRIVALS_SQL, FIGURES_SQL } from '../../../src/leads/lead-statistics';
import { createTestDatabase } from '../../support/scratch-database';

/**
 * leads_created_at_idx carries (INCLUDE) the columns the dashboard reads
 * (migration 20261203150000_dashboard_covering_index), so a year of leads is
 * an index-only scan rather than a read of half the table. schema.prisma
 * cannot describe INCLUDE columns: these tests check that the index still
 * covers every column the figures and the arrivals read, so a column added to
 * either query without adding it to the index fails here, not in production
 * as a silent slowdown.
 */
interface PlanNode { 'Node Type': string; 'Relation Name'?: string; 'Index Name'?: string; Plans?: PlanNode[] }

function scansOfLeads(node: PlanNode): PlanNode[] {
  const own = node['Relation Name'] === 'leads' ? [node] : [];
  return [...own, ...(node.Plans ?? []).flatMap(scansOfLeads)];
}

describe('The dashboard’s covering index', () => {
  let client: Client;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const database = await createTestDatabase();
    drop = database.drop;
    client = new Client({ connectionString: database.connectionString });
    await client.connect();
    await client.query(`INSERT INTO programs (code, name, level) VALUES ('IDX-T', 'Index test', 'Certificate') ON CONFLICT DO NOTHING`);
    await client.query(`
      INSERT INTO leads (id, created_at, first_name, last_name, email, phone, program_code, status, response_seconds, first_response_at)
      SELECT gen_random_uuid(), timestamptz '2026-11-30 14:00Z' + n * interval '10 minutes', 'Ada', 'Lovelace', 'idx' || n || '@example.org',
             '+12125550100', 'IDX-T', (CASE WHEN n % 10 = 0 THEN 'spam' ELSE 'new' END)::lead_status,
             CASE WHEN n % 2 = 0 THEN n * 7 END, CASE WHEN n % 2 = 0 THEN timestamptz '2026-11-30 15:00Z' END
        FROM generate_series(1, 500) AS n`);
    await client.query('VACUUM (ANALYZE) leads'); // marks the pages all-visible, as autovacuum does for settled leads
    // Plans over a few hundred rows would read the table anyway: ask whether the index alone can answer.
    await client.query('SET enable_seqscan = off');
    await client.query('SET enable_bitmapscan = off');
  });
  afterAll(async () => {
    await client.end();
    await drop();
  });

  async function plan(sql: string, values: unknown[]): Promise<PlanNode> {
    const { rows } = await client.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(`EXPLAIN (FORMAT JSON) ${sql}`, values);
    return rows[0]!['QUERY PLAN'][0]!.Plan;
  }

  test('when the figures of a range are planned, then leads are read by an index-only scan of leads_created_at_idx', async () => {
    const scans = scansOfLeads(await plan(FIGURES_SQL, ['2026-11-30T05:00:00Z', '2026-12-07T05:00:00Z', '2026-12-07T05:00:00Z', 900]));
    expect(scans.map((scan) => [scan['Node Type'], scan['Index Name']])).toEqual([['Index Only Scan', 'leads_created_at_idx']]);
  });

  test('when the arrivals of a range are planned, then leads are read by an index-only scan of leads_created_at_idx', async () => {
    const scans = scansOfLeads(await plan(ARRIVALS_SQL, ['2026-11-30T05:00:00Z', '2026-12-07T05:00:00Z', 60]));
    expect(scans.map((scan) => [scan['Node Type'], scan['Index Name']])).toEqual([['Index Only Scan', 'leads_created_at_idx']]);
  });
});
