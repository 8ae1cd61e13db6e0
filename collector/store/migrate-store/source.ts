/**
 * The SQLite side of `store migrate`: opened read-only and never written. Refused while a collector runs on it (the
 * data_dir lock, which is held for the whole copy so none starts meanwhile; and a non-empty `-wal`, which means a
 * writer has the file open or was killed before it checkpointed). Every read — counts, rows, checksums — happens in
 * one read transaction, i.e. one snapshot. Integers are read exactly (safeIntegers): never rounded on the way.
 */
import Database from 'better-sqlite3';
import { existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { acquireDataDirLock, DataDirLockedError, LOCK_FILE, type DataDirLock } from '../data-dir-lock.js';
import type { SqlMigration } from '../sql/migrations/index.js';
import type { SourceValue } from './convert.js';

export class MigrateStoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrateStoreError';
  }
}

export interface SourceColumn {
  name: string;
  /** Position in the primary key (1-based), 0 when not part of it. */
  pk: number;
}

export interface SourceTable {
  name: string;
  columns: SourceColumn[];
  /** Primary-key columns in key order; `rowid` for a table without one. */
  key: string[];
  /** Tables its foreign keys point at. */
  references: string[];
  /** Columns referring to this table's own single-column key (copied after the rows they point at exist). */
  selfReferences: string[];
}

export interface SourceStore {
  file: string;
  tables: SourceTable[];
  /** Row count, in the snapshot. */
  count(table: SourceTable): number;
  /** Sum of the key as text (exact; call it for a single integer key), or null when the key is not one column. */
  keySum(table: SourceTable): string | null;
  /** Total characters in the given columns. */
  textLength(table: SourceTable, columns: readonly string[]): number;
  /** The rows in key order, columns in `table.columns` order. */
  rows(table: SourceTable): IterableIterator<SourceValue[]>;
  close(): void;
}

const ident = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** Refuses a source a collector runs on; otherwise holds its data_dir lock until released. */
function lockSource(file: string, extraDataDirs: readonly string[]): DataDirLock[] {
  const dirs = [...new Set([dirname(file), ...extraDataDirs])];
  const held: DataDirLock[] = [];
  try {
    for (const dir of dirs) {
      try {
        held.push(acquireDataDirLock(dir));
      } catch (error) {
        if (error instanceof DataDirLockedError) {
          throw new MigrateStoreError(
            `sqlite:${file} is in use by a running collector (PID ${error.holderPid}, lock ${dir}/${LOCK_FILE}): stop the collector first; the copy must be of a store nobody writes`,
          );
        }
        const code = (error as NodeJS.ErrnoException).code;
        throw new MigrateStoreError(`cannot take the collector's lock in ${dir} (${code ?? String(error)}): run as the user the collector runs as`);
      }
    }
  } catch (error) {
    for (const lock of held) lock.release();
    throw error;
  }
  const wal = `${file}-wal`;
  if (existsSync(wal) && statSync(wal).size > 0) {
    for (const lock of held) lock.release();
    throw new MigrateStoreError(
      `sqlite:${file} has ${statSync(wal).size} bytes in ${wal}: a process has it open for writing (a collector with store.url sqlite:${file}?) or was killed before it checkpointed; stop it (or start the collector once and stop it cleanly), then retry`,
    );
  }
  return held;
}

function describeVersions(versions: readonly number[], migrations: readonly SqlMigration[]): string {
  const last = Math.max(0, ...versions);
  const name = migrations.find((m) => m.version === last)?.name;
  return `${String(last).padStart(3, '0')}${name ? ` (${name})` : ''}`;
}

/** The source's migration history must be exactly this release's. */
function checkMigrations(db: Database.Database, file: string, migrations: readonly SqlMigration[]): void {
  const hasHistory = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get() !== undefined;
  if (!hasHistory) throw new MigrateStoreError(`sqlite:${file} is not an Outpost store (no schema_migrations table)`);
  const versions = db
    .prepare<[], { version: bigint }>('SELECT version FROM schema_migrations ORDER BY version')
    .safeIntegers(true)
    .all()
    .map((r) => Number(r.version));
  const known = new Set(migrations.map((m) => m.version));
  const unknown = versions.filter((v) => !known.has(v));
  if (unknown.length > 0) {
    throw new MigrateStoreError(
      `sqlite:${file} has migrations this release does not know (${unknown.join(', ')}): it was written by a newer release; run store migrate of that release`,
    );
  }
  const have = new Set(versions);
  const missing = migrations.filter((m) => !have.has(m.version));
  if (missing.length > 0) {
    throw new MigrateStoreError(
      `sqlite:${file} is at migration ${describeVersions(versions, migrations)}, this release's last is ${describeVersions(migrations.map((m) => m.version), migrations)} ` +
        `(${missing.length} missing): start this release's collector once on it (it upgrades the store in place, keeping every row), stop it, then migrate; ` +
        'or migrate with the release that wrote it and upgrade on PostgreSQL',
    );
  }
}

function describeTables(db: Database.Database): SourceTable[] {
  const names = db
    .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations' ORDER BY name")
    .all()
    .map((r) => r.name);
  return names.map((name) => {
    const columns = db.prepare<[], { name: string; pk: number }>(`PRAGMA table_info(${ident(name)})`).all().map((c) => ({ name: c.name, pk: c.pk }));
    const keyColumns = columns.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name);
    const fks = db.prepare<[], { table: string; from: string; to: string | null }>(`PRAGMA foreign_key_list(${ident(name)})`).all();
    const selfReferences = fks.filter((f) => f.table === name && keyColumns.length === 1 && (f.to === null || f.to === keyColumns[0])).map((f) => f.from);
    return { name, columns, key: keyColumns.length > 0 ? keyColumns : ['rowid'], references: [...new Set(fks.map((f) => f.table))], selfReferences };
  });
}

export function openSource(file: string, migrations: readonly SqlMigration[], opts: { dataDirs?: readonly string[] } = {}): SourceStore {
  if (!existsSync(file)) throw new MigrateStoreError(`sqlite:${file}: no such file`);
  const locks = lockSource(file, opts.dataDirs ?? []);
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 5000');
    db.exec('BEGIN');
    checkMigrations(db, file, migrations);
    const tables = describeTables(db);
    const conn = db;
    const order = (t: SourceTable): string => t.key.map(ident).join(', ');
    return {
      file,
      tables,
      count: (t) => Number((conn.prepare(`SELECT count(*) FROM ${ident(t.name)}`).pluck().safeIntegers(true).get() as bigint | undefined) ?? 0n),
      keySum(t) {
        const [key] = t.key;
        // PostgreSQL has no rowid to compare with.
        if (t.key.length !== 1 || key === undefined || key === 'rowid') return null;
        return String((conn.prepare(`SELECT coalesce(sum(${ident(key)}), 0) FROM ${ident(t.name)}`).pluck().safeIntegers(true).get() as bigint | undefined) ?? 0n);
      },
      textLength(t, columns) {
        if (columns.length === 0) return 0;
        const sum = columns.map((c) => `coalesce(sum(length(${ident(c)})), 0)`).join(' + ');
        return Number(conn.prepare(`SELECT ${sum} FROM ${ident(t.name)}`).pluck().get());
      },
      rows(t) {
        const cols = t.columns.map((c) => ident(c.name)).join(', ');
        return conn.prepare(`SELECT ${cols} FROM ${ident(t.name)} ORDER BY ${order(t)}`).raw(true).safeIntegers(true).iterate() as IterableIterator<SourceValue[]>;
      },
      close() {
        try {
          if (conn.inTransaction) conn.exec('COMMIT');
          conn.close();
        } finally {
          for (const lock of locks) lock.release();
        }
      },
    };
  } catch (error) {
    db?.close();
    for (const lock of locks) lock.release();
    if (error instanceof MigrateStoreError) throw error;
    throw new MigrateStoreError(`cannot read sqlite:${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
