import { readFileSync } from 'node:fs';
import path from 'node:path';
import { get_dmmf } from '@prisma/prisma-schema-wasm';
import { Client } from 'pg';
import { createTestDatabase } from '../../support/scratch-database';

/**
 * schema.prisma is the source of truth, and migrations are hand-authored SQL
 * (Prisma's migrate engine cannot be downloaded here). This test reads the
 * schema through Prisma's own parser and the database the migrations built
 * through pg_catalog, and demands they agree on every table, column, type,
 * nullability, default, key, index and foreign key.
 */
interface DmmfField {
  name: string; dbName: string | null; kind: string; type: string; isList: boolean; isRequired: boolean; isId: boolean;
  hasDefaultValue: boolean; default?: { name?: string } | string | number | boolean; nativeType?: [string, string[]] | null;
  isUpdatedAt: boolean; relationFromFields?: string[]; relationToFields?: string[]; relationOnDelete?: string;
}
interface DmmfModel { name: string; dbName: string | null; fields: DmmfField[] }
interface DmmfIndex { model: string; type: 'id' | 'unique' | 'normal' | 'fulltext'; dbName?: string | null; fields: { name: string; sortOrder?: 'asc' | 'desc' }[] }
interface DmmfEnum { name: string; dbName: string | null; values: { name: string; dbName: string | null }[] }

/** Partial indexes, written in migration SQL only (pg_get_indexdef, quotes removed); add yours here. */
const PARTIAL_INDEXES = [
  'CREATE INDEX leads_awaiting_response_idx ON public.leads USING btree (respond_by) WHERE ((first_response_at IS NULL) AND (status = \'new\'::lead_status) AND (respond_by IS NOT NULL))',
];

const schema = readFileSync(path.resolve(__dirname, '../../../prisma/schema.prisma'), 'utf8');
const dmmf = JSON.parse(get_dmmf(JSON.stringify({ prismaSchema: schema }))) as {
  datamodel: { models: DmmfModel[]; indexes: DmmfIndex[]; enums: DmmfEnum[] };
};
const models = dmmf.datamodel.models;
const tableOf = (model: DmmfModel) => model.dbName ?? model.name;
const columnOf = (model: DmmfModel, fieldName: string) => {
  const field = model.fields.find((candidate) => candidate.name === fieldName)!;
  return field.dbName ?? field.name;
};
const modelNamed = (name: string) => models.find((model) => model.name === name)!;

function expectedType(field: DmmfField): string {
  if (field.kind === 'enum') {
    const enumeration = dmmf.datamodel.enums.find((candidate) => candidate.name === field.type)!;
    return enumeration.dbName ?? enumeration.name;
  }
  const [native, args = []] = field.nativeType ?? [];
  const byNative: Record<string, string> = {
    Timestamptz: `timestamp(${args[0] ?? 3}) with time zone`, Timestamp: `timestamp(${args[0] ?? 3}) without time zone`,
    Uuid: 'uuid', VarChar: `character varying(${args[0]})`, Char: `character(${args[0]})`, Text: 'text', Inet: 'inet',
    SmallInt: 'smallint', Date: 'date', JsonB: 'jsonb', Json: 'json', Citext: 'citext',
  };
  if (native) return byNative[native] ?? `unmapped native ${native}`;
  const byScalar: Record<string, string> = {
    String: 'text', Int: 'integer', BigInt: 'bigint', Boolean: 'boolean', DateTime: 'timestamp(3) without time zone',
    Json: 'jsonb', Float: 'double precision', Decimal: 'numeric(65,30)', Bytes: 'bytea',
  };
  return byScalar[field.type] ?? `unmapped ${field.type}`;
}

/** Defaults the database applies itself; uuid()/cuid() and @updatedAt are filled in by the client. */
function expectsDatabaseDefault(field: DmmfField): boolean {
  if (!field.hasDefaultValue || field.isUpdatedAt) return false;
  const value = field.default;
  if (value && typeof value === 'object' && 'name' in value) return !['uuid', 'cuid', 'ulid', 'nanoid'].includes(String(value.name));
  return true;
}

describe('Migrations agree with schema.prisma', () => {
  let client: Client;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const database = await createTestDatabase();
    drop = database.drop;
    client = new Client({ connectionString: database.connectionString });
    await client.connect();
  });
  afterAll(async () => {
    await client.end();
    await drop();
  });

  test('when the migrations have run, then the database has exactly the tables of the schema', async () => {
    const { rows } = await client.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> '_prisma_migrations'`,
    );
    const extra = ['session']; // express-session's store, managed by its own library and listed here on purpose
    expect(rows.map((row) => row.table_name).filter((name) => !extra.includes(name)).sort()).toEqual(models.map(tableOf).sort());
  });

  test.each(models.map((model) => [model.name, model] as const))('when model %s is compared, then every column matches', async (_name, model) => {
    const { rows } = await client.query<{ column_name: string; type: string; not_null: boolean; has_default: boolean }>(
      `SELECT a.attname AS column_name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null, a.atthasdef AS has_default
         FROM pg_attribute a WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped`,
      [`"${tableOf(model)}"`],
    );
    const actual = Object.fromEntries(rows.map((row) => [row.column_name, { type: row.type, notNull: row.not_null, hasDefault: row.has_default }]));
    const scalarFields = model.fields.filter((field) => field.kind === 'scalar' || field.kind === 'enum');
    const expected = Object.fromEntries(
      scalarFields.map((field) => [
        field.dbName ?? field.name,
        { type: expectedType(field) + (field.isList ? '[]' : ''), notNull: field.isRequired || field.isList, hasDefault: expectsDatabaseDefault(field) },
      ]),
    );
    expect(actual).toEqual(expected);
  });

  test('when keys and indexes are compared, then every one in the schema exists with its name, columns and order, and no others', async () => {
    const { rows } = await client.query<{ table: string; name: string; primary: boolean; unique: boolean; columns: string }>(
      `SELECT t.relname AS table, i.relname AS name, x.indisprimary AS primary, x.indisunique AS unique,
              (SELECT string_agg(pg_get_indexdef(x.indexrelid, k + 1, true)
                                 || CASE WHEN (x.indoption[k] & 1) = 1 THEN ' DESC' ELSE '' END, ',' ORDER BY k)
                 FROM generate_subscripts(x.indkey, 1) AS k) AS columns
         FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE n.nspname = 'public' AND t.relname <> '_prisma_migrations' AND t.relname <> 'session'
          AND x.indpred IS NULL`,
    );
    const actual = rows.map((row) => `${row.table}|${row.name}|${row.primary ? 'id' : row.unique ? 'unique' : 'normal'}|${row.columns.replaceAll('"', '')}`).sort();
    const expected = dmmf.datamodel.indexes.map((index) => {
      const model = modelNamed(index.model);
      const table = tableOf(model);
      const columns = index.fields.map((field) => columnOf(model, field.name));
      const suffix = index.type === 'id' ? 'pkey' : index.type === 'unique' ? `${columns.join('_')}_key` : `${columns.join('_')}_idx`;
      const name = index.dbName ?? (index.type === 'id' ? `${table}_pkey` : `${table}_${suffix}`);
      const described = index.fields.map((field) => `${columnOf(model, field.name)}${field.sortOrder === 'desc' ? ' DESC' : ''}`);
      return `${table}|${name}|${index.type}|${described.join(',')}`;
    }).sort();
    expect(actual).toEqual(expected);
  });

  test('when partial indexes are listed (the schema cannot describe them), then they are exactly those the migrations document', async () => {
    const { rows } = await client.query<{ definition: string }>(
      `SELECT pg_get_indexdef(x.indexrelid) AS definition
         FROM pg_index x JOIN pg_class t ON t.oid = x.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE n.nspname = 'public' AND x.indpred IS NOT NULL`,
    );
    expect(rows.map((row) => row.definition.replaceAll('"', '')).sort()).toEqual(PARTIAL_INDEXES);
  });

  test('when foreign keys are compared, then every relation in the schema is enforced by the database', async () => {
    const { rows } = await client.query<{ definition: string; table: string }>(
      `SELECT c.conrelid::regclass::text AS table, pg_get_constraintdef(c.oid) AS definition
         FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE c.contype = 'f' AND n.nspname = 'public'`,
    );
    const actual = rows.map((row) => `${row.table.replaceAll('"', '')}: ${row.definition.replaceAll('"', '')}`).sort();
    const onDelete: Record<string, string> = { Cascade: ' ON DELETE CASCADE', SetNull: ' ON DELETE SET NULL', Restrict: ' ON DELETE RESTRICT', NoAction: '' };
    const expected = models.flatMap((model) =>
      model.fields
        .filter((field) => field.kind === 'object' && field.relationFromFields && field.relationFromFields.length > 0)
        .map((field) => {
          const target = modelNamed(field.type);
          const from = field.relationFromFields!.map((name) => columnOf(model, name)).join(', ');
          const to = field.relationToFields!.map((name) => columnOf(target, name)).join(', ');
          const deleteRule = onDelete[field.relationOnDelete ?? (field.isRequired ? 'Restrict' : 'SetNull')] ?? '';
          return `${tableOf(model)}: FOREIGN KEY (${from}) REFERENCES ${tableOf(target)}(${to}) ON UPDATE CASCADE${deleteRule}`;
        }),
    ).sort();
    expect(actual).toEqual(expected);
  });
});
