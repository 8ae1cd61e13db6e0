/** Small pieces both engines accept, where their dialects differ (SQLite's two-argument max() is GREATEST on PostgreSQL). */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { StoreSchema } from './schema.js';

/** A handle to run queries on: the store's `db`, or the `trx` of `store.transaction`. */
export type Q = Kysely<StoreSchema>;

/** In an upsert's DO UPDATE: the larger of the stored and the proposed value (`max(a, b)` / `GREATEST(a, b)`). */
export function laterOf(table: string, column: string): RawBuilder<number> {
  return sql<number>`CASE WHEN ${sql.ref(`excluded.${column}`)} > ${sql.ref(`${table}.${column}`)} THEN ${sql.ref(`excluded.${column}`)} ELSE ${sql.ref(`${table}.${column}`)} END`;
}

/** In an upsert's DO UPDATE: the proposed value when the proposed row is not older (by `timeColumn`), else the stored one. */
export function ifNotOlder<T>(table: string, timeColumn: string, column: string): RawBuilder<T> {
  return sql<T>`CASE WHEN ${sql.ref(`excluded.${timeColumn}`)} >= ${sql.ref(`${table}.${timeColumn}`)} THEN ${sql.ref(`excluded.${column}`)} ELSE ${sql.ref(`${table}.${column}`)} END`;
}

/** Rows changed by an insert/update/delete result, as a number. */
export function changed(result: { numInsertedOrUpdatedRows?: bigint; numUpdatedRows?: bigint; numDeletedRows?: bigint } | undefined): number {
  return Number(result?.numInsertedOrUpdatedRows ?? result?.numUpdatedRows ?? result?.numDeletedRows ?? 0n);
}
