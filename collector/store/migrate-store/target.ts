/**
 * The PostgreSQL side of `store migrate`, every statement on the handle of the one copy transaction. Tables and
 * column types are read from the migrated database itself (information_schema), so the copy follows the schema the
 * migrations made. Rows go in as one `INSERT … SELECT FROM unnest(typed arrays)` per batch: one parameter per
 * column whatever the batch size, explicit ids included (OVERRIDING SYSTEM VALUE).
 */
import { sql } from 'kysely';
import type { Q } from '../sql/sql-helpers.js';
import { columnKind, type ColumnKind, type TargetValue } from './convert.js';

export interface TargetColumn {
  name: string;
  dataType: string;
  kind: ColumnKind | null;
  nullable: boolean;
  /** The sequence that feeds it (identity or serial), or null. */
  sequence: string | null;
}

export interface TargetTable {
  name: string;
  columns: Map<string, TargetColumn>;
}


/** Every table of the connection's current schema with its columns (schema_migrations included). */
export async function describeTarget(q: Q): Promise<Map<string, TargetTable>> {
  const { rows } = await sql<{ table_name: string; column_name: string; data_type: string; is_nullable: string; sequence: string | null }>`
    SELECT c.table_name, c.column_name, c.data_type, c.is_nullable,
           pg_get_serial_sequence(quote_ident(c.table_schema) || '.' || quote_ident(c.table_name), c.column_name) AS sequence
      FROM information_schema.columns c
      JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
     WHERE c.table_schema = current_schema()
     ORDER BY c.table_name, c.ordinal_position`.execute(q);
  const tables = new Map<string, TargetTable>();
  for (const r of rows) {
    let table = tables.get(r.table_name);
    if (!table) tables.set(r.table_name, (table = { name: r.table_name, columns: new Map() }));
    table.columns.set(r.column_name, { name: r.column_name, dataType: r.data_type, kind: columnKind(r.data_type), nullable: r.is_nullable === 'YES', sequence: r.sequence });
  }
  return tables;
}

/** Rows the migrations themselves write (heartbeat_seq's counter row), per table: a fresh database holds them. */
export type SeedRows = ReadonlyMap<string, readonly Record<string, unknown>[]>;

const canonical = (rows: readonly Record<string, unknown>[]): string =>
  JSON.stringify(rows.map((r) => Object.fromEntries(Object.entries(r).sort(([a], [b]) => a.localeCompare(b)))).map((r) => JSON.stringify(r)).sort());

/** The first of `tables` (by name) holding a row other than its migration seed, or null. */
export async function firstNonEmpty(q: Q, tables: Iterable<string>, seeds: SeedRows): Promise<string | null> {
  for (const table of [...tables].sort()) {
    const seed = seeds.get(table) ?? [];
    const { rows } = await sql<Record<string, unknown>>`SELECT * FROM ${sql.table(table)} LIMIT ${seed.length + 1}`.execute(q);
    if (rows.length > 0 && canonical(rows) !== canonical(seed)) return table;
  }
  return null;
}

/** Empties the tables the migrations seeded (checked by firstNonEmpty to hold their seed only): the copy brings the source's rows. */
export async function clearSeeds(q: Q, tables: readonly string[], seeds: SeedRows): Promise<void> {
  for (const table of tables) if ((seeds.get(table)?.length ?? 0) > 0) await sql`DELETE FROM ${sql.table(table)}`.execute(q);
}

/** No one else writes the tables until the copy commits (readers still may). */
export async function lockTables(q: Q, tables: readonly string[]): Promise<void> {
  if (tables.length === 0) return;
  await sql`LOCK TABLE ${sql.join(tables.map((t) => sql.table(t)))} IN EXCLUSIVE MODE`.execute(q);
}

const PG_ARRAY_TYPE: Readonly<Record<ColumnKind, string>> = { int8: 'bigint[]', int4: 'integer[]', int2: 'smallint[]', float: 'double precision[]', text: 'text[]' };

/** Inserts one batch given column by column (`values[i]` holds column i of every row). */
export async function insertColumns(q: Q, table: string, columns: readonly TargetColumn[], values: readonly TargetValue[][]): Promise<void> {
  const arrays = columns.map((c, i) => sql`${values[i] ?? []}::${sql.raw(PG_ARRAY_TYPE[c.kind ?? 'text'])}`);
  const overriding = columns.some((c) => c.sequence !== null) ? sql`OVERRIDING SYSTEM VALUE` : sql``;
  await sql`INSERT INTO ${sql.table(table)} (${sql.join(columns.map((c) => sql.ref(c.name)))}) ${overriding} SELECT * FROM unnest(${sql.join(arrays)})`.execute(q);
}

/** Sets `column` to the given values in the rows whose `key` is given (forward self-references, after the rows exist). */
export async function fillReferences(q: Q, table: string, key: string, column: string, keys: readonly number[], refs: readonly number[]): Promise<void> {
  if (keys.length === 0) return;
  await sql`UPDATE ${sql.table(table)} SET ${sql.ref(column)} = v.ref FROM unnest(${keys}::bigint[], ${refs}::bigint[]) AS v(key, ref) WHERE ${sql.ref(`${table}.${key}`)} = v.key`.execute(q);
}

export async function countRows(q: Q, table: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`SELECT count(*) AS n FROM ${sql.table(table)}`.execute(q);
  return Number(rows[0]?.n ?? 0);
}

export async function keySum(q: Q, table: string, key: string): Promise<string> {
  const { rows } = await sql<{ s: string }>`SELECT coalesce(sum(${sql.ref(key)}), 0)::text AS s FROM ${sql.table(table)}`.execute(q);
  return rows[0]?.s ?? '0';
}

export async function textLength(q: Q, table: string, columns: readonly string[]): Promise<number> {
  if (columns.length === 0) return 0;
  const sum = sql.join(columns.map((c) => sql`coalesce(sum(length(${sql.ref(c)})), 0)`), sql` + `);
  const { rows } = await sql<{ n: number }>`SELECT (${sum})::bigint AS n FROM ${sql.table(table)}`.execute(q);
  return Number(rows[0]?.n ?? 0);
}

/** The sequence's next value follows the highest id copied (identities never reuse; explicit ids do not advance them). */
export async function resetSequence(q: Q, table: string, column: TargetColumn): Promise<void> {
  if (column.sequence === null) return;
  await sql`SELECT setval(${column.sequence}, coalesce((SELECT max(${sql.ref(column.name)}) FROM ${sql.table(table)}), 0) + 1, false)`.execute(q);
}
