import { createHash } from 'node:crypto';
import { Client } from 'pg';
import { migrate, MigrationError, readMigrations } from '../../../src/platform/migrations';
import { createTestDatabase } from '../../support/scratch-database';

const emptyDatabase = () => createTestDatabase({ empty: true });

async function recorded(url: string) {
  const client = new Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query<{ migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number }>(
    'SELECT migration_name, checksum, finished_at, applied_steps_count FROM _prisma_migrations ORDER BY migration_name',
  );
  await client.end();
  return rows;
}

describe('Migrations at start-up', () => {
  const migrations = readMigrations();

  test('when a database is empty, then every migration is applied in order and recorded as Prisma records it', async () => {
    const database = await emptyDatabase();
    try {
      const applied = await migrate(database.connectionString);
      expect(applied).toEqual(migrations.map((migration) => migration.name));
      const rows = await recorded(database.connectionString);
      expect(rows.map((row) => row.migration_name)).toEqual(applied);
      for (const [index, row] of rows.entries()) {
        expect(row.checksum).toBe(createHash('sha256').update(migrations[index]!.sql).digest('hex'));
        expect(row.finished_at).toBeInstanceOf(Date);
        expect(row.applied_steps_count).toBe(1);
      }
      expect(await migrate(database.connectionString)).toEqual([]);
    } finally {
      await database.drop();
    }
  });

  test('when several instances start at once, then each migration is applied exactly once', async () => {
    const database = await emptyDatabase();
    try {
      const results = await Promise.all(Array.from({ length: 4 }, () => migrate(database.connectionString)));
      expect(results.flat().sort()).toEqual(migrations.map((migration) => migration.name).sort());
      expect(await recorded(database.connectionString)).toHaveLength(migrations.length);
    } finally {
      await database.drop();
    }
  });

  test('when a migration fails, then none of it is kept and the error names it', async () => {
    const database = await emptyDatabase();
    try {
      const broken = [...migrations, { name: '99990101000000_broken', sql: 'CREATE TABLE half_done (id int); SELECT no_such_function();', checksum: 'x' }];
      await expect(migrate(database.connectionString, undefined, broken)).rejects.toThrow(/99990101000000_broken failed: .*no_such_function/);
      const client = new Client({ connectionString: database.connectionString });
      await client.connect();
      const { rows } = await client.query(`SELECT to_regclass('half_done') AS exists`);
      await client.end();
      expect(rows[0].exists).toBeNull();
      expect(await recorded(database.connectionString)).toHaveLength(migrations.length);
    } finally {
      await database.drop();
    }
  });

  test('when an applied migration was edited, then start-up refuses with a clear message', async () => {
    const database = await emptyDatabase();
    try {
      await migrate(database.connectionString);
      const edited = migrations.map((migration, index) => (index === 0 ? { ...migration, checksum: 'edited' } : migration));
      await expect(migrate(database.connectionString, undefined, edited)).rejects.toThrow(MigrationError);
      await expect(migrate(database.connectionString, undefined, edited)).rejects.toThrow(/was edited after it was applied/);
    } finally {
      await database.drop();
    }
  });
});
