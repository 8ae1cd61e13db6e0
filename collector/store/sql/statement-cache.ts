/**
 * Prepared statements reused by their SQL text on SQLite. Kysely's SQLite driver prepares every query afresh; at fleet
 * scale preparing was the collector's largest single cost (≈ a quarter of its CPU in a 10,000-agent connect storm),
 * while the ingest and the incident service issue the same few hundred SQL texts over and over. A statement still
 * iterating (a streamed select) is busy and cannot run again: such a query gets a fresh one. SQLite re-prepares a
 * cached statement by itself after a schema change (migrations).
 */
import type { Database, Statement } from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

/** Distinct SQL texts kept (the least recently used go first). */
export const STATEMENT_CACHE_SIZE = 500;
/**
 * Longer texts are not kept: they are the multi-row statements (IN lists, VALUES of a batch: a distinct text per row
 * count, each a large compiled program), whose preparing is spread over their many rows anyway.
 */
export const CACHED_SQL_MAX_CHARS = 2000;

export function withStatementCache(database: Database, size = STATEMENT_CACHE_SIZE): SqliteDatabase {
  const cache = new Map<string, Statement>();
  return {
    close: () => {
      cache.clear();
      database.close();
    },
    prepare(sqlText: string): Statement {
      if (sqlText.length > CACHED_SQL_MAX_CHARS) return database.prepare(sqlText);
      const cached = cache.get(sqlText);
      if (cached !== undefined) {
        if (cached.busy) return database.prepare(sqlText);
        // Most recently used last: Map keeps insertion order.
        cache.delete(sqlText);
        cache.set(sqlText, cached);
        return cached;
      }
      const statement = database.prepare(sqlText);
      cache.set(sqlText, statement);
      if (cache.size > size) cache.delete(cache.keys().next().value as string);
      return statement;
    },
  };
}
