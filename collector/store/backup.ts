/**
 * A consistent copy of a live SQLite store with SQLite's online backup API (better-sqlite3 `db.backup`). The source
 * is opened read-only and the collector's data_dir lock is not taken: in WAL mode a reader never blocks the writer,
 * so the collector keeps ingesting. The copy is a snapshot of one moment (the backup restarts when the collector
 * wrote between two steps; after the first step it copies everything in one step, so it finishes under any write
 * load). It is written beside FILE and renamed into place only after `PRAGMA integrity_check` passed on it, so a
 * failed or interrupted backup never leaves a half-written FILE; an existing FILE is kept unless `force`.
 */
import Database from 'better-sqlite3';
import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export interface TableRows {
  table: string;
  rows: number;
}

export interface BackupOutcome {
  file: string;
  bytes: number;
  tables: TableRows[];
}

export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupError';
  }
}

/** Every table of a database (SQLite's own excepted) and its row count, by name. */
export function tableRows(db: Database.Database): TableRows[] {
  const names = db
    .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .all()
    .map((r) => r.name);
  return names.map((table) => ({ table, rows: (db.prepare(`SELECT count(*) AS n FROM "${table.replaceAll('"', '""')}"`).get() as { n: number }).n }));
}

export async function backupSqlite(source: string, target: string, opts: { force?: boolean } = {}): Promise<BackupOutcome> {
  if (!existsSync(source)) throw new BackupError(`no collector database at ${source}`);
  if (existsSync(target) && !opts.force) throw new BackupError(`${target} exists: pass --force to overwrite it`);
  if (!existsSync(dirname(target))) throw new BackupError(`directory ${dirname(target)} does not exist`);
  const partial = join(dirname(target), `.${basename(target)}.partial-${process.pid}`);
  rmSync(partial, { force: true });
  let src: Database.Database;
  try {
    src = new Database(source, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new BackupError(`cannot open ${source} read-only: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    src.pragma('busy_timeout = 5000');
    // After the first (default-sized) step, the rest in one step: one read snapshot, no endless restarts.
    await src.backup(partial, { progress: ({ totalPages }) => Math.max(totalPages, 100) });
  } catch (error) {
    rmSync(partial, { force: true });
    throw new BackupError(`backup of ${source} failed: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    src.close();
  }
  let tables: TableRows[];
  try {
    const copy = new Database(partial, { fileMustExist: true });
    try {
      const check = copy.pragma('integrity_check', { simple: true });
      if (check !== 'ok') throw new BackupError(`the copy failed PRAGMA integrity_check: ${String(check)}`);
      tables = tableRows(copy);
      // A self-contained single file: no -wal/-shm beside it.
      copy.pragma('wal_checkpoint(TRUNCATE)');
      copy.pragma('journal_mode = DELETE');
    } finally {
      copy.close();
    }
  } catch (error) {
    rmSync(partial, { force: true });
    for (const suffix of ['-wal', '-shm', '-journal']) rmSync(`${partial}${suffix}`, { force: true });
    if (error instanceof BackupError) throw error;
    throw new BackupError(`the copy could not be verified: ${error instanceof Error ? error.message : String(error)}`);
  }
  renameSync(partial, target);
  return { file: target, bytes: statSync(target).size, tables };
}
