/**
 * `outpost store migrate --from sqlite:PATH --to postgres://…`: moves an installation's store to PostgreSQL.
 * The source must be at this release's last migration and not in use; the target is migrated (as the collector
 * would) and must hold no rows. Every table the source has (its sqlite_master, not a list kept by hand) is copied
 * parents first, in batches, with explicit ids, in ONE PostgreSQL transaction (rows the migrations seed, such as heartbeat_seq's counter, are replaced by
 * the source's); before it commits, each table's row
 * count, key sum and text length are compared with the source's snapshot and the identity sequences are moved past
 * the highest id. Any problem rolls everything back: the target is either a verified copy or left as it was.
 * A dry run does the same checks, converts every value and counts, and writes nothing.
 */
import { sql, type Kysely } from 'kysely';
import { redactSecrets } from '../../../common/redact.js';
import { openSqlStore, type SqlStore } from '../sql/connect.js';
import { sqlMigrations, type SqlMigration } from '../sql/migrations/index.js';
import type { Q } from '../sql/sql-helpers.js';
import { describeStoreUrl, parseStoreUrl, type StoreLocation } from '../sql/url.js';
import { copyTable, DEFAULT_BATCH_ROWS } from './copy.js';
import { copyOrder } from './order.js';
import { MigrateStoreError, openSource, type SourceStore, type SourceTable } from './source.js';
import { clearSeeds, countRows, describeTarget, firstNonEmpty, keySum, lockTables, resetSequence, textLength, type SeedRows, type TargetTable } from './target.js';

export { MigrateStoreError } from './source.js';

export interface MigrateStoreOptions {
  /** `sqlite:PATH` */
  from: string;
  /** `postgres://USER:PASSWORD@HOST:PORT/DB` */
  to: string;
  dryRun?: boolean;
  /** Rows per INSERT (default 5000). */
  batchRows?: number;
  /** Further data_dirs whose collector lock must be free (the config's), beside the source file's own directory. */
  dataDirs?: readonly string[];
  migrations?: readonly SqlMigration[];
  /** Milliseconds, for the per-table times. */
  clock?: () => number;
}

export interface TableOutcome {
  table: string;
  /** Rows in the source snapshot. */
  rows: number;
  /** Rows in the target before commit (null in a dry run). */
  copied: number | null;
  ms: number;
  /** What differs between source and target, or null when they agree (or in a dry run). */
  mismatch: string | null;
}

export interface MigrateOutcome {
  source: string;
  /** The target, credentials redacted. */
  target: string;
  dryRun: boolean;
  tables: TableOutcome[];
  /** True when every table verified and the copy committed (a dry run: when every check passed). */
  ok: boolean;
}

function location(text: string, flag: '--from' | '--to', kind: StoreLocation['kind']): StoreLocation {
  const parsed = parseStoreUrl(text);
  const want = kind === 'sqlite' ? 'sqlite:PATH' : 'postgres://USER:PASSWORD@HOST:PORT/DATABASE';
  if ('problem' in parsed) throw new MigrateStoreError(`${flag}: ${parsed.problem}`);
  if (parsed.kind !== kind) throw new MigrateStoreError(`${flag} must be ${want}, not ${describeStoreUrl(parsed)}`);
  return parsed;
}

const sqliteFile = (text: string): string => {
  const parsed = location(text, '--from', 'sqlite');
  return parsed.kind === 'sqlite' ? parsed.file : '';
};
const postgresUrl = (text: string): string => {
  const parsed = location(text, '--to', 'postgres');
  return parsed.kind === 'postgres' ? parsed.url : '';
};

/** An error's message without the URL's password, however the driver phrased it. */
function scrub(message: string, url: string): string {
  let text = redactSecrets(message);
  try {
    const password = new URL(url).password;
    for (const secret of new Set([password, decodeURIComponent(password)])) if (secret.length > 0) text = text.replaceAll(secret, '[redacted]');
  } catch {
    // not a URL: nothing more to hide
  }
  return text;
}

/** Source and target must have the same tables with the same columns, and every target type must be one we copy into. */
function pairTables(source: readonly SourceTable[], target: Map<string, TargetTable>): void {
  for (const table of source) {
    const twin = target.get(table.name);
    if (!twin) throw new MigrateStoreError(`table ${table.name} of the source has no twin in the target (its migrations differ from the source's)`);
    const names = new Set(table.columns.map((c) => c.name));
    for (const c of table.columns) if (!twin.columns.has(c.name)) throw new MigrateStoreError(`column ${table.name}.${c.name} of the source has no twin in the target`);
    for (const c of twin.columns.values()) {
      if (!names.has(c.name)) throw new MigrateStoreError(`column ${table.name}.${c.name} of the target has no twin in the source`);
      if (c.kind === null) throw new MigrateStoreError(`column ${table.name}.${c.name} of the target is ${c.dataType}, a type store migrate does not copy into`);
    }
  }
  const names = new Set(source.map((t) => t.name));
  for (const name of target.keys()) {
    if (name !== 'schema_migrations' && !names.has(name)) throw new MigrateStoreError(`table ${name} of the target has no twin in the source (its migrations differ from the source's)`);
  }
}

async function appliedVersions(q: Q, tables: Map<string, TargetTable>): Promise<Set<number>> {
  if (!tables.has('schema_migrations')) return new Set();
  const { rows } = await sql<{ version: number }>`SELECT version FROM schema_migrations`.execute(q);
  return new Set(rows.map((r) => Number(r.version)));
}

/** Compares the copy with the source snapshot: rows, the sum of an integer key, the characters of the text columns. */
async function verify(q: Q, source: SourceStore, table: SourceTable, twin: TargetTable, rows: number): Promise<{ copied: number; mismatch: string | null }> {
  const copied = await countRows(q, table.name);
  if (copied !== rows) return { copied, mismatch: `${rows} rows in the source, ${copied} in the target` };
  const [key] = table.key;
  const integerKey = table.key.length === 1 && key !== undefined && ['int8', 'int4', 'int2'].includes(twin.columns.get(key)?.kind ?? '');
  const sourceKeySum = integerKey ? source.keySum(table) : null;
  if (sourceKeySum !== null && key !== undefined) {
    const targetKeySum = await keySum(q, table.name, key);
    if (targetKeySum !== sourceKeySum) return { copied, mismatch: `sum of ${key}: ${sourceKeySum} in the source, ${targetKeySum} in the target` };
  }
  const texts = [...twin.columns.values()].filter((c) => c.kind === 'text').map((c) => c.name);
  const [sourceChars, targetChars] = [source.textLength(table, texts), await textLength(q, table.name, texts)];
  if (sourceChars !== targetChars) return { copied, mismatch: `text columns hold ${sourceChars} characters in the source, ${targetChars} in the target` };
  return { copied, mismatch: null };
}

/** What the migrations write themselves, found by running them on an empty in-memory SQLite database. */
async function migrationSeeds(migrations: readonly SqlMigration[]): Promise<SeedRows> {
  const scratch = await openSqlStore({ kind: 'sqlite', file: ':memory:' }, { migrations });
  try {
    const { rows: tables } = await sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations'`.execute(scratch.db);
    const seeds = new Map<string, Record<string, unknown>[]>();
    for (const { name } of tables) {
      const { rows } = await sql<Record<string, unknown>>`SELECT * FROM ${sql.table(name)}`.execute(scratch.db);
      if (rows.length > 0) seeds.set(name, rows);
    }
    return seeds;
  } finally {
    await scratch.close();
  }
}

/** Thrown inside the transaction to roll it back while keeping what was found (a dry run, a mismatch). */
class RollBack extends Error {
  constructor(readonly tables: TableOutcome[]) {
    super('rolled back');
  }
}

async function run(store: SqlStore, source: SourceStore, opts: Required<Pick<MigrateStoreOptions, 'dryRun' | 'batchRows' | 'migrations' | 'clock'>> & { seeds: SeedRows }): Promise<{ tables: TableOutcome[]; committed: boolean }> {
  try {
    const tables = await store.transaction(async (trx) => {
      let target = await describeTarget(trx);
      const applied = await appliedVersions(trx, target);
      if (opts.dryRun) {
        // What the migrations would make, inside the transaction that is rolled back at the end.
        for (const m of [...opts.migrations].sort((a, b) => a.version - b.version)) if (!applied.has(m.version)) await m.up(trx as unknown as Kysely<unknown>, 'postgres');
        target = await describeTarget(trx);
      } else {
        const unknown = [...applied].filter((v) => !opts.migrations.some((m) => m.version === v));
        if (unknown.length > 0) throw new MigrateStoreError(`the target has migrations this release does not know (${unknown.join(', ')}): it was made by a newer release`);
      }
      pairTables(source.tables, target);
      const order = copyOrder(source.tables.map((t) => ({ table: t.name, references: t.references })));
      if (!opts.dryRun) await lockTables(trx, order);
      const nonEmpty = await firstNonEmpty(trx, order, opts.seeds);
      if (nonEmpty !== null) throw new MigrateStoreError(`the target is not empty: table ${nonEmpty} has rows; migrate into an empty database`);
      await clearSeeds(trx, order, opts.seeds);
      const outcomes: TableOutcome[] = [];
      for (const name of order) {
        const table = source.tables.find((t) => t.name === name) as SourceTable;
        const twin = target.get(name) as TargetTable;
        const started = opts.clock();
        const rows = await copyTable(trx, source, table, twin, { insert: !opts.dryRun, batchRows: opts.batchRows });
        const checked = opts.dryRun ? { copied: null, mismatch: rows === source.count(table) ? null : `${source.count(table)} rows counted, ${rows} read` } : await verify(trx, source, table, twin, rows);
        outcomes.push({ table: name, rows, copied: checked.copied, ms: opts.clock() - started, mismatch: checked.mismatch });
      }
      if (opts.dryRun || outcomes.some((o) => o.mismatch !== null)) throw new RollBack(outcomes);
      // setval is not transactional: only once the copy is known good.
      for (const name of order) for (const column of (target.get(name) as TargetTable).columns.values()) await resetSequence(trx, name, column);
      return outcomes;
    });
    return { tables, committed: true };
  } catch (error) {
    if (error instanceof RollBack) return { tables: error.tables, committed: false };
    throw error;
  }
}

export async function migrateStore(options: MigrateStoreOptions): Promise<MigrateOutcome> {
  const from = { kind: 'sqlite' as const, file: sqliteFile(options.from) };
  const to = { kind: 'postgres' as const, url: postgresUrl(options.to) };
  const migrations = options.migrations ?? sqlMigrations;
  const dryRun = options.dryRun === true;
  const batchRows = options.batchRows ?? DEFAULT_BATCH_ROWS;
  if (!Number.isSafeInteger(batchRows) || batchRows < 1) throw new MigrateStoreError(`--batch-rows must be a positive integer, not ${batchRows}`);
  const described = describeStoreUrl(to);
  const source = openSource(from.file, migrations, { dataDirs: options.dataDirs ?? [] });
  let store: SqlStore | undefined;
  try {
    store = await openSqlStore(to, { migrations: false, poolSize: 2 });
    // Before migrating: a database holding anything else is not touched at all.
    let existing: Map<string, TargetTable>;
    try {
      existing = await describeTarget(store.db);
    } catch (error) {
      throw new MigrateStoreError(`cannot reach ${described}: ${scrub(error instanceof Error ? error.message : String(error), to.url)}`);
    }
    existing.delete('schema_migrations');
    const seeds = await migrationSeeds(migrations);
    const nonEmpty = await firstNonEmpty(store.db, existing.keys(), seeds);
    if (nonEmpty !== null) throw new MigrateStoreError(`the target ${described} is not empty: table ${nonEmpty} has rows; migrate into an empty database`);
    if (!dryRun) await store.migrate(migrations);
    let result: Awaited<ReturnType<typeof run>>;
    try {
      result = await run(store, source, { dryRun, batchRows, migrations, seeds, clock: options.clock ?? (() => performance.now()) });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new MigrateStoreError(`${message}; nothing was copied (the transaction was rolled back)`);
    }
    const ok = (dryRun || result.committed) && result.tables.every((t) => t.mismatch === null);
    return { source: `sqlite:${from.file}`, target: described, dryRun, tables: result.tables, ok };
  } catch (error) {
    if (error instanceof MigrateStoreError) throw new MigrateStoreError(scrub(error.message, to.url));
    throw new MigrateStoreError(`migrating to ${described} failed, nothing was copied: ${scrub(error instanceof Error ? error.message : String(error), to.url)}`);
  } finally {
    source.close();
    await store?.close();
  }
}
