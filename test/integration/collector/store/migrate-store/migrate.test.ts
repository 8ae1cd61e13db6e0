/**
 * `store migrate` from SQLite into a real PostgreSQL (a cluster of the test's own): every table's rows arrive field
 * for field; identities go on after the copied ids; the source file is not changed; and each refusal (a non-empty
 * target, a source behind in migrations, a running collector, a bad URL, a value PostgreSQL cannot hold) names
 * what is wrong and leaves the target without a row.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { acquireDataDirLock } from '../../../../../collector/store/data-dir-lock.js';
import { migrateStore, type MigrateStoreOptions } from '../../../../../collector/store/migrate-store/migrate.js';
import { openSqlStore, type SqlStore } from '../../../../../collector/store/sql/connect.js';
import { createIntervalsRepo } from '../../../../../collector/store/sql/intervals-repo.js';
import { createObservationLogRepo } from '../../../../../collector/store/sql/observation-log.js';
import { sqlMigrations } from '../../../../../collector/store/sql/migrations/index.js';
import { freePort } from '../../../../helpers/ports.js';
import { startPostgres, type PostgresServer } from '../../../../helpers/postgres.js';
import { OBSERVATION_RUNS_ADDED, emptyTable, populatedStore, releasedStore } from './populated-store.js';

type Row = Record<string, unknown>;
const root = mkdtempSync(join(tmpdir(), 'outpost-migrate-'));
let server: PostgresServer;
let source: string;
let databases = 0;

beforeAll(async () => {
  server = await startPostgres();
  source = await populatedStore(join(root, 'data'));
}, 180_000);
afterAll(async () => {
  await server?.stop();
  rmSync(root, { recursive: true, force: true });
}, 60_000);

const newDatabase = () => server.createDatabase(`migrate_${++databases}`);
const migrate = (to: string, extra: Partial<MigrateStoreOptions> = {}) => migrateStore({ from: `sqlite:${source}`, to, batchRows: 250, ...extra });
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** A copy of the populated source in its own data_dir (for tests that change it). */
function sourceCopy(name: string): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  copyFileSync(source, join(dir, 'outpost.db'));
  return join(dir, 'outpost.db');
}

function sqliteTables(file: string): string[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations' ORDER BY name").pluck().all() as string[];
  } finally {
    db.close();
  }
}

/** Every row of a table, ordered by every column (a total order without knowing the key). */
function sqliteDump(file: string, table: string): Row[] {
  const db = new Database(file, { readonly: true });
  try {
    const n = (db.prepare(`PRAGMA table_info("${table}")`).all() as unknown[]).length;
    return db.prepare(`SELECT * FROM "${table}" ORDER BY ${Array.from({ length: n }, (_, i) => i + 1).join(', ')}`).all() as Row[];
  } finally {
    db.close();
  }
}

async function pgDump(store: SqlStore, table: string, columns: readonly string[]): Promise<Row[]> {
  const order = sql.join(columns.map((c) => sql`${sql.ref(c)} NULLS FIRST`));
  const { rows } = await sql<Row>`SELECT ${sql.join(columns.map((c) => sql.ref(c)))} FROM ${sql.table(table)} ORDER BY ${order}`.execute(store.db);
  return rows;
}

/** The tables holding rows (the migration history aside), with their counts. */
async function pgRowCounts(url: string): Promise<Record<string, number>> {
  const store = await openSqlStore({ kind: 'postgres', url }, { migrations: false });
  try {
    const { rows: tables } = await sql<{ table_name: string }>`SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name <> 'schema_migrations'`.execute(store.db);
    const counts: Record<string, number> = {};
    for (const t of tables) {
      const n = Number((await sql<{ n: number }>`SELECT count(*) AS n FROM ${sql.table(t.table_name)}`.execute(store.db)).rows[0]?.n ?? 0);
      if (n > 0) counts[t.table_name] = n;
    }
    return counts;
  } finally {
    await store.close();
  }
}

/** What a freshly migrated database holds: the counter row migration 003 seeds. */
const FRESH = { heartbeat_seq: 1 };

async function pgTables(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ t: string }>('SELECT table_name AS t FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1')).rows.map((r) => r.t);
  } finally {
    await client.end();
  }
}

describe('store migrate (SQLite → PostgreSQL)', () => {
  it('the source is the released store, upgraded, with rows in every table', () => {
    expect(emptyTable(source)).toBeNull();
  });

  it('copies every table field for field, verifies it, leaves the source unchanged; the next insert of each identity works', async () => {
    const before = sha256(source);
    const url = await newDatabase();
    const outcome = await migrate(url);
    expect(outcome.ok).toBe(true);
    expect(outcome.tables.map((t) => t.table).sort()).toEqual(sqliteTables(source));
    expect(outcome.tables.every((t) => t.mismatch === null && t.copied === t.rows)).toBe(true);
    // Parents before children.
    const position = (t: string) => outcome.tables.findIndex((o) => o.table === t);
    expect(position('incidents')).toBeLessThan(position('incident_events'));
    expect(position('asset_baselines')).toBeLessThan(position('asset_baseline_agents'));
    expect(outcome.tables.find((t) => t.table === 'observation_runs')?.rows).toBeGreaterThan(OBSERVATION_RUNS_ADDED);
    expect(sha256(source)).toBe(before);

    const target = await openSqlStore({ kind: 'postgres', url }, { migrations: false });
    try {
      for (const table of sqliteTables(source)) {
        const expected = sqliteDump(source, table);
        const columns = Object.keys(expected[0] ?? {});
        expect(await pgDump(target, table, columns), `table ${table}`).toEqual(expected);
      }
      const versions = (await sql<{ version: number }>`SELECT version FROM schema_migrations ORDER BY version`.execute(target.db)).rows.map((r) => r.version);
      expect(versions).toEqual(sqlMigrations.map((m) => m.version).sort((a, b) => a - b));

      // Every identity's next value is past the highest copied id.
      const { rows: identities } = await sql<{ table_name: string; column_name: string }>`
        SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() AND is_identity = 'YES' ORDER BY 1`.execute(target.db);
      expect(identities.length).toBeGreaterThanOrEqual(10);
      for (const { table_name: table, column_name: column } of identities) {
        const { rows } = await sql<{ next: number; max: number | null }>`
          SELECT nextval(pg_get_serial_sequence(${table}, ${column})) AS next, (SELECT max(${sql.ref(column)}) FROM ${sql.table(table)}) AS max`.execute(target.db);
        expect(rows[0]?.next, `${table}.${column}`).toBeGreaterThan(rows[0]?.max ?? 0);
      }
      // And the product's own inserts go on without colliding.
      const log = createObservationLogRepo();
      const intervals = createIntervalsRepo();
      await target.transaction(async (q) => {
        const run = await log.append(q, 'db-1', 'cpu', { state: 'ok', cause: 'result', firstMs: 1, lastMs: 2, count: 1, reason: 'ok' });
        expect(run.id).toBeGreaterThan(OBSERVATION_RUNS_ADDED);
        await intervals.transition(q, { agentId: 'db-1', checkId: 'cpu', checkType: 'host', target: 'db-1', state: 'ok', startMs: Date.UTC(2026, 11, 5), endMs: null, reason: 'ok', cause: 'result' });
        await sql`INSERT INTO incidents (number, title, severity, status, source, started_at_ms, opened_at_ms, updated_at_ms) VALUES ('INC-20261205-0002', 't', 'P3', 'open', 'manual', 1, 1, 1)`.execute(q);
      });
      const parent = await sql<{ parent_id: number | null }>`SELECT parent_id FROM incidents WHERE id = 2`.execute(target.db);
      expect(parent.rows[0]?.parent_id).toBe(3);
    } finally {
      await target.close();
    }
  });

  it('copies a store with empty tables (text keys and integer keys alike): the target is as a fresh one', async () => {
    const file = join(root, 'fresh', 'outpost.db');
    await (await openSqlStore({ kind: 'sqlite', file })).close();
    const url = await newDatabase();
    const outcome = await migrateStore({ from: `sqlite:${file}`, to: url });
    expect(outcome.ok).toBe(true);
    expect(outcome.tables.filter((t) => t.rows > 0).map((t) => t.table)).toEqual(['heartbeat_seq']);
    expect(await pgRowCounts(url)).toEqual(FRESH);
  });

  it('refuses a target that has rows, naming the table; touches nothing there', async () => {
    const url = await newDatabase();
    const store = await openSqlStore({ kind: 'postgres', url });
    await sql`INSERT INTO agents (agent_id, last_seen_ms) VALUES ('already-here', 1)`.execute(store.db);
    await store.close();
    await expect(migrate(url)).rejects.toThrow(/^the target postgres:\/\/\[redacted\]@127\.0\.0\.1:\d+\/migrate_\d+ is not empty: table agents has rows; migrate into an empty database$/);
    expect(await pgRowCounts(url)).toEqual({ ...FRESH, agents: 1 });

    // A database of something else is not even migrated.
    const other = await newDatabase();
    const client = new pg.Client({ connectionString: other });
    await client.connect();
    await client.query("CREATE TABLE customers (name text); INSERT INTO customers VALUES ('acme')");
    await client.end();
    await expect(migrate(other)).rejects.toThrow(/is not empty: table customers has rows/);
    expect(await pgTables(other)).toEqual(['customers']);
  });

  it('refuses a source behind this release\'s migrations, saying how to upgrade it', async () => {
    const behind = releasedStore(join(root, 'behind'));
    const last = [...sqlMigrations].sort((a, b) => b.version - a.version)[0] as (typeof sqlMigrations)[number];
    const missing = sqlMigrations.filter((m) => m.version > 12).length;
    const url = await newDatabase();
    await expect(migrateStore({ from: `sqlite:${behind}`, to: url })).rejects.toThrow(
      `sqlite:${behind} is at migration 012 (console_sessions), this release's last is ${String(last.version).padStart(3, '0')} (${last.name}) (${missing} missing): start this release's collector once on it (it upgrades the store in place, keeping every row), stop it, then migrate; or migrate with the release that wrote it and upgrade on PostgreSQL`,
    );
    expect(await pgTables(url)).toEqual([]);
  });

  it('refuses a source a collector runs on: its data_dir lock, or a writer\'s WAL', async () => {
    const file = sourceCopy('running');
    const url = await newDatabase();
    const lock = acquireDataDirLock(join(root, 'running'));
    try {
      await expect(migrateStore({ from: `sqlite:${file}`, to: url })).rejects.toThrow(
        new RegExp(`^sqlite:${file} is in use by a running collector \\(PID ${process.pid}, lock ${join(root, 'running')}/collector.lock\\): stop the collector first`),
      );
    } finally {
      lock.release();
    }
    // A collector whose data_dir is elsewhere (store.url sqlite:PATH) still has the file open for writing.
    const writer = new Database(file);
    writer.pragma('journal_mode = WAL');
    writer.prepare("INSERT INTO agents (agent_id, last_seen_ms) VALUES ('late', 1)").run();
    try {
      await expect(migrateStore({ from: `sqlite:${file}`, to: url })).rejects.toThrow(/bytes in .*outpost\.db-wal: a process has it open for writing/);
    } finally {
      writer.close();
    }
    expect(await pgTables(url)).toEqual([]);
    // Once stopped, it goes through.
    expect((await migrateStore({ from: `sqlite:${file}`, to: url })).ok).toBe(true);
  });

  it('a value PostgreSQL cannot hold stops the run naming table, key and column; nothing is copied', async () => {
    const file = sourceCopy('bad-value');
    const db = new Database(file);
    db.prepare("UPDATE state_intervals SET start_ms = 'yesterday' WHERE id = 7").run();
    db.close();
    const url = await newDatabase();
    await expect(migrateStore({ from: `sqlite:${file}`, to: url })).rejects.toThrow(
      'table state_intervals, row id=7, column start_ms: text "yesterday" is not an integer (target type bigint); nothing was copied (the transaction was rolled back)',
    );
    expect(await pgRowCounts(url)).toEqual(FRESH);

    const composite = sourceCopy('bad-composite');
    const db2 = new Database(composite);
    db2.prepare("UPDATE checks SET interval_s = 'fast' WHERE agent_id = 'db-2' AND check_id = 'cpu'").run();
    db2.close();
    const url2 = await newDatabase();
    await expect(migrateStore({ from: `sqlite:${composite}`, to: url2, dryRun: true })).rejects.toThrow(
      'table checks, row (agent_id="db-2", check_id="cpu"), column interval_s: text "fast" is not a number (target type double precision)',
    );
    expect(await pgTables(url2)).toEqual([]);
  });

  it('a source table without a twin in the target (added by hand, or by another release) stops the run, named', async () => {
    const file = sourceCopy('extra-table');
    const db = new Database(file);
    db.exec("CREATE TABLE site_notes (id INTEGER PRIMARY KEY, note TEXT); INSERT INTO site_notes (note) VALUES ('机柜 B3')");
    db.close();
    const url = await newDatabase();
    await expect(migrateStore({ from: `sqlite:${file}`, to: url })).rejects.toThrow(
      'table site_notes of the source has no twin in the target (its migrations differ from the source\'s); nothing was copied (the transaction was rolled back)',
    );
    expect(await pgRowCounts(url)).toEqual(FRESH);
  });

  it('--dry-run checks, converts and counts every row and writes nothing', async () => {
    const url = await newDatabase();
    const outcome = await migrate(url, { dryRun: true });
    expect(outcome).toMatchObject({ ok: true, dryRun: true });
    const counts = Object.fromEntries(outcome.tables.map((t) => [t.table, t.rows]));
    for (const table of sqliteTables(source)) expect(counts[table], table).toBe(sqliteDump(source, table).length);
    expect(await pgTables(url)).toEqual([]);
  });

  it('bad URLs: named, and never with their password', async () => {
    await expect(migrateStore({ from: `sqlite:${source}`, to: 'mysql://u:hunter2@127.0.0.1/x' })).rejects.toThrow('--to: unsupported scheme (postgres://USER:PASSWORD@HOST:PORT/DATABASE or sqlite:PATH)');
    await expect(migrateStore({ from: 'postgres://u:hunter2@127.0.0.1/x', to: 'postgres://u:hunter2@127.0.0.1/x' })).rejects.toThrow('--from must be sqlite:PATH, not postgres://[redacted]@127.0.0.1/x');
    await expect(migrateStore({ from: `sqlite:${source}`, to: 'postgres://u:hunter2@127.0.0.1' })).rejects.toThrow('--to: names no database');
    await expect(migrateStore({ from: `sqlite:${join(root, 'nope.db')}`, to: server.url })).rejects.toThrow(`sqlite:${join(root, 'nope.db')}: no such file`);
    const port = await freePort();
    const refused = migrateStore({ from: `sqlite:${source}`, to: `postgres://u:hunter2@127.0.0.1:${port}/x` });
    await expect(refused).rejects.toThrow(new RegExp(`^cannot reach postgres://\\[redacted\\]@127\\.0\\.0\\.1:${port}/x: .*ECONNREFUSED`));
    await expect(refused).rejects.not.toThrow(/hunter2/);
  });
});
