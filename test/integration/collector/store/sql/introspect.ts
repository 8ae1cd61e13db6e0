/**
 * Schema descriptions to compare: SQLite from sqlite_master and the table/index pragmas, PostgreSQL from
 * information_schema and pg_catalog, both reduced to one engine-neutral shape.
 */
import type Database from 'better-sqlite3';
import pg from 'pg';

export interface SqliteColumn {
  name: string;
  type: string;
  notnull: number;
  dflt_value: string | null;
  pk: number;
}
export interface SqliteIndex {
  name: string;
  unique: number;
  origin: string;
  columns: string[];
  /** The WHERE of a partial index, lower-cased without quotes and extra spaces. */
  where: string | null;
}
export interface SqliteTable {
  withoutRowid: boolean;
  columns: SqliteColumn[];
  indexes: SqliteIndex[];
  foreignKeys: string[];
  checks: number;
}

const normalise = (text: string): string => text.replace(/["`]/g, '').replace(/\s+/g, ' ').trim().toLowerCase();

/** Every table except SQLite's own, in name order, with what defines it. */
export function sqliteSchema(db: Database.Database): Record<string, SqliteTable> {
  const tables = db.prepare<[], { name: string; sql: string }>("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all();
  const out: Record<string, SqliteTable> = {};
  for (const { name, sql } of tables) {
    const wr = db.prepare<[string], { wr: number }>('SELECT wr FROM pragma_table_list WHERE name = ?').get(name)?.wr ?? 0;
    const columns = db
      .prepare<[string], SqliteColumn>('SELECT name, upper(type) AS type, "notnull", dflt_value, pk FROM pragma_table_xinfo(?) WHERE hidden = 0 ORDER BY cid')
      .all(name);
    const indexes = db
      .prepare<[string], { name: string; unique: number; origin: string; partial: number }>('SELECT name, "unique", origin, partial FROM pragma_index_list(?) ORDER BY name')
      .all(name)
      .map((ix) => {
        const cols = db.prepare<[string], { name: string }>('SELECT name FROM pragma_index_info(?) ORDER BY seqno').all(ix.name).map((c) => c.name);
        const text = db.prepare<[string], { sql: string | null }>("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?").get(ix.name)?.sql ?? null;
        const where = ix.partial && text ? normalise(text.slice(text.toUpperCase().lastIndexOf(' WHERE ') + 7)) : null;
        return { name: ix.name, unique: ix.unique, origin: ix.origin, columns: cols, where };
      });
    const foreignKeys = db
      .prepare<[string], { from: string; table: string; to: string }>('SELECT "from", "table", "to" FROM pragma_foreign_key_list(?)')
      .all(name)
      .map((fk) => `${fk.from} -> ${fk.table}.${fk.to}`)
      .sort();
    out[name] = { withoutRowid: wr === 1, columns, indexes, foreignKeys, checks: (sql.match(/\bcheck\s*\(/gi) ?? []).length };
  }
  return out;
}

/** The engine-neutral shape both engines are compared in. */
export interface NeutralTable {
  /** name: type (integer | text | real), NOT NULL, has a default. */
  columns: Record<string, { type: 'integer' | 'text' | 'real'; notNull: boolean; defaulted: boolean }>;
  primaryKey: string[];
  /** Unique column lists besides the primary key (`cols` or `cols where …` for partial ones), sorted. */
  uniques: string[];
  /** Explicitly created (non-constraint) indexes: `name(cols)`, `partial` marked. */
  indexes: string[];
  foreignKeys: string[];
  checks: number;
}

export function neutralFromSqlite(schema: Record<string, SqliteTable>): Record<string, NeutralTable> {
  const out: Record<string, NeutralTable> = {};
  for (const [name, table] of Object.entries(schema)) {
    const type = (t: string) => (t === 'INTEGER' ? 'integer' : t === 'REAL' ? 'real' : t === 'TEXT' ? 'text' : (() => { throw new Error(`${name}: type ${t}`); })());
    const pkCols = table.columns.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk);
    out[name] = {
      columns: Object.fromEntries(
        table.columns.map((c) => [c.name, { type: type(c.type), notNull: c.notnull === 1 || c.pk > 0, defaulted: c.dflt_value !== null }]),
      ),
      primaryKey: pkCols.map((c) => c.name),
      uniques: table.indexes.filter((ix) => ix.unique === 1 && ix.origin !== 'pk').map((ix) => ix.columns.join(',') + (ix.where ? ' partial' : '')).sort(),
      indexes: table.indexes.filter((ix) => ix.origin === 'c').map((ix) => `${ix.name}(${ix.columns.join(',')})${ix.where ? ' partial' : ''}`).sort(),
      foreignKeys: table.foreignKeys,
      checks: table.checks,
    };
  }
  return out;
}

export async function neutralFromPostgres(url: string): Promise<Record<string, NeutralTable>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const out: Record<string, NeutralTable> = {};
    const { rows: tables } = await client.query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name");
    for (const { table_name: name } of tables) {
      const { rows: cols } = await client.query<{ column_name: string; data_type: string; is_nullable: string; column_default: string | null; is_identity: string }>(
        "SELECT column_name, data_type, is_nullable, column_default, is_identity FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position",
        [name],
      );
      const type = (t: string) => (t === 'bigint' ? 'integer' : t === 'double precision' ? 'real' : t === 'text' ? 'text' : (() => { throw new Error(`${name}: type ${t}`); })());
      const { rows: idx } = await client.query<{ name: string; unique: boolean; primary: boolean; partial: boolean; constraint: boolean; columns: string[] }>(
        `SELECT i.relname AS name, x.indisunique AS unique, x.indisprimary AS primary, x.indpred IS NOT NULL AS partial,
                EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid AND c.contype IN ('p', 'u')) AS constraint,
                ARRAY(SELECT a.attname::text FROM unnest(x.indkey) WITH ORDINALITY k(attnum, n) JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum ORDER BY k.n) AS columns
           FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
          WHERE t.relname = $1 AND t.relnamespace = 'public'::regnamespace`,
        [name],
      );
      const { rows: cons } = await client.query<{ contype: string; def: string }>(
        "SELECT contype, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = $1::regclass AND contype IN ('f', 'c')",
        [name],
      );
      const primary = idx.find((ix) => ix.primary);
      out[name] = {
        columns: Object.fromEntries(
          cols.map((c) => [c.column_name, { type: type(c.data_type), notNull: c.is_nullable === 'NO', defaulted: c.column_default !== null && c.is_identity !== 'YES' }]),
        ),
        primaryKey: primary?.columns ?? [],
        uniques: idx.filter((ix) => ix.unique && !ix.primary).map((ix) => ix.columns.join(',') + (ix.partial ? ' partial' : '')).sort(),
        indexes: idx.filter((ix) => !ix.constraint && !ix.primary).map((ix) => `${ix.name}(${ix.columns.join(',')})${ix.partial ? ' partial' : ''}`).sort(),
        foreignKeys: cons
          .filter((c) => c.contype === 'f')
          .map((c) => {
            const m = /^FOREIGN KEY \((\w+)\) REFERENCES (\w+)\((\w+)\)/.exec(c.def);
            if (!m) throw new Error(`${name}: foreign key ${c.def}`);
            return `${m[1]} -> ${m[2]}.${m[3]}`;
          })
          .sort(),
        checks: cons.filter((c) => c.contype === 'c').length,
      };
    }
    return out;
  } finally {
    await client.end();
  }
}
