/** Small pieces both engines accept, where their dialects differ (SQLite's two-argument max() is GREATEST on PostgreSQL). */
import { PostgresAdapter, sql, type Kysely, type RawBuilder } from 'kysely';
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

/** Is `q` a PostgreSQL handle (where a query shape that suits both engines costs PostgreSQL too much)? */
export function onPostgres(q: Q): boolean {
  return q.getExecutor().adapter instanceof PostgresAdapter;
}

/**
 * PostgreSQL: these checks as a relation `k(agent_id, check_id)` from two array parameters. A row-value IN list of
 * hundreds of pairs is planned as hundreds of OR'ed index probes (measured ≈ 10× the time of a join with this).
 */
export function checkKeys(keys: ReadonlyArray<{ agentId: string; checkId: string }>): RawBuilder<unknown> {
  return keyPairs(keys.map((k) => [k.agentId, k.checkId]), ['agent_id', 'check_id']);
}

/** PostgreSQL: text pairs as a relation `k(<columns>)` from two array parameters (as `checkKeys`). */
export function keyPairs(pairs: ReadonlyArray<readonly [string, string]>, columns: readonly [string, string]): RawBuilder<unknown> {
  return sql`unnest(${pairs.map((p) => p[0])}::text[], ${pairs.map((p) => p[1])}::text[]) AS k(${sql.id(columns[0])}, ${sql.id(columns[1])})`;
}
