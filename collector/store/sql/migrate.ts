/**
 * The migration runner of the async store, one for both engines. History in `schema_migrations` (version, name,
 * applied_at_ms) — the table the releases before it wrote with their own (synchronous) runner, so a store of theirs is
 * recognised and only the newer versions are applied; versions are applied by set membership (gaps are fine). Each migration and its history row commit
 * together. Two collectors starting on an empty database at once: on PostgreSQL the whole run holds a session
 * advisory lock; on SQLite each step is a BEGIN IMMEDIATE transaction that re-reads the history first.
 */
import { sql, type Kysely } from 'kysely';
import type { SqlDialect, SqlMigration } from './migrations/types.js';

/** pg_advisory_lock key of the migration runner (any fixed 64-bit number; "outpost" in ASCII). */
export const MIGRATION_LOCK_KEY = 0x6f7574706f7374;

export interface MigrationRun {
  /** Versions this run applied (the others were applied before, or by a concurrent runner). */
  applied: number[];
}

async function appliedVersions(db: Kysely<unknown>): Promise<Set<number>> {
  const { rows } = await sql<{ version: number }>`SELECT version FROM schema_migrations`.execute(db);
  return new Set(rows.map((r) => Number(r.version)));
}

/** BEGIN (IMMEDIATE on SQLite: takes the write lock now, so busy_timeout applies) … COMMIT, ROLLBACK on error. */
export async function inTransaction<T>(conn: Kysely<unknown>, dialect: SqlDialect, fn: () => Promise<T>): Promise<T> {
  await sql.raw(dialect === 'sqlite' ? 'BEGIN IMMEDIATE' : 'BEGIN').execute(conn);
  try {
    const result = await fn();
    await sql.raw('COMMIT').execute(conn);
    return result;
  } catch (error) {
    await sql.raw('ROLLBACK').execute(conn);
    throw error;
  }
}

export async function runSqlMigrations(db: Kysely<unknown>, dialect: SqlDialect, list: readonly SqlMigration[], now: () => number = Date.now): Promise<MigrationRun> {
  const sorted = [...list].sort((a, b) => a.version - b.version);
  return db.connection().execute(async (conn) => {
    if (dialect === 'postgres') await sql`SELECT pg_advisory_lock(${MIGRATION_LOCK_KEY})`.execute(conn);
    try {
      await conn.schema
        .createTable('schema_migrations')
        .ifNotExists()
        .addColumn('version', dialect === 'sqlite' ? 'integer' : 'bigint', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('applied_at_ms', dialect === 'sqlite' ? 'integer' : 'bigint', (c) => c.notNull())
        .execute();
      const applied: number[] = [];
      let known = await appliedVersions(conn);
      for (const migration of sorted) {
        if (known.has(migration.version)) continue;
        await inTransaction(conn, dialect, async () => {
          // Under the write lock: another runner may have applied it since the history was read.
          known = await appliedVersions(conn);
          if (known.has(migration.version)) return;
          await migration.up(conn, dialect);
          await sql`INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES (${migration.version}, ${migration.name}, ${now()})`.execute(conn);
          applied.push(migration.version);
        });
      }
      return { applied };
    } finally {
      if (dialect === 'postgres') await sql`SELECT pg_advisory_unlock(${MIGRATION_LOCK_KEY})`.execute(conn);
    }
  });
}
