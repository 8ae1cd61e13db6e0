/**
 * Opens the store on either engine through Kysely: SQLite (better-sqlite3, WAL, synchronous = FULL, foreign keys)
 * or PostgreSQL (a node-postgres Pool). int8 (BIGINT: every epoch-ms column, ids, COUNT(*)) and NUMERIC (SUM of
 * BIGINT) arrive as JS numbers on both engines; an int8 beyond Number.MAX_SAFE_INTEGER is an error, never a silently
 * rounded number. `transaction` runs one unit of work on one connection (BEGIN IMMEDIATE on SQLite).
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { inTransaction, runSqlMigrations, type MigrationRun } from './migrate.js';
import { withStatementCache } from './statement-cache.js';
import { sqlMigrations, type SqlDialect, type SqlMigration } from './migrations/index.js';
import type { StoreSchema } from './schema.js';
import type { StoreLocation } from './url.js';

export interface SqlStore {
  readonly dialect: SqlDialect;
  /** Outside a transaction. On SQLite every query waits for a running `transaction` (one connection). */
  readonly db: Kysely<StoreSchema>;
  /**
   * One transaction: `fn` gets a handle bound to it; commit when it resolves, rollback when it throws. Inside `fn`
   * use only `trx` — `db` would run outside the transaction on PostgreSQL and wait forever for it on SQLite.
   */
  transaction<T>(fn: (trx: Kysely<StoreSchema>) => Promise<T>): Promise<T>;
  migrate(list?: readonly SqlMigration[]): Promise<MigrationRun>;
  close(): Promise<void>;
}

export interface OpenSqlStoreOptions {
  /** Run these migrations on open (default: every one); `false`: do not migrate. */
  migrations?: readonly SqlMigration[] | false;
  /** PostgreSQL pool size (default 10). */
  poolSize?: number;
}

function parseInt8(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new RangeError(`int8 value ${text} is beyond Number.MAX_SAFE_INTEGER`);
  return n;
}

/** node-postgres type parsers of this pool only (pg.types is process-global: left alone). */
const pgTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (format !== 'binary' && oid === pg.types.builtins.INT8) return parseInt8;
    if (format !== 'binary' && oid === pg.types.builtins.NUMERIC) return (text: string) => Number(text);
    return pg.types.getTypeParser(oid, format);
  }) as pg.CustomTypesConfig['getTypeParser'],
};

function openSqlite(file: string): Kysely<StoreSchema> {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const database = new Database(file);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = FULL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  // 64 MiB of page cache (SQLite's default is 2 MiB): a fleet's batch touches rows of thousands of checks and agents
  // spread over the tables; with the default most of those pages were read again from the file at every batch.
  database.pragma('cache_size = -65536');
  return new Kysely<StoreSchema>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
}

function openPostgres(url: string, poolSize: number): Kysely<StoreSchema> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, types: pgTypes });
  // An idle connection cut by the server (restart, failover) is emitted here; unheard, it would crash the process.
  // The pool drops that client; the next query opens a new connection and fails to its caller while the server is down.
  pool.on('error', () => undefined);
  // A checked-out connection (a transaction between two statements) cut the same way emits `error` on the client,
  // which the pool does not hear: unheard, it too ends the process. Its pending and next queries fail to their
  // callers; released, the broken client is dropped by the pool (not queryable).
  pool.on('connect', (client) => client.on('error', () => undefined));
  return new Kysely<StoreSchema>({ dialect: new PostgresDialect({ pool }) });
}

export async function openSqlStore(location: StoreLocation, options: OpenSqlStoreOptions = {}): Promise<SqlStore> {
  const dialect: SqlDialect = location.kind;
  const db = location.kind === 'sqlite' ? openSqlite(location.file) : openPostgres(location.url, options.poolSize ?? 10);
  const store: SqlStore = {
    dialect,
    db,
    transaction: (fn) => db.connection().execute((conn) => inTransaction(conn as Kysely<unknown>, dialect, () => fn(conn))),
    migrate: (list = sqlMigrations) => runSqlMigrations(db as unknown as Kysely<unknown>, dialect, list),
    close: () => db.destroy(),
  };
  if (options.migrations !== false) {
    try {
      await store.migrate(options.migrations ?? sqlMigrations);
    } catch (error) {
      await db.destroy();
      throw error;
    }
  }
  return store;
}
