/**
 * Two collectors on one PostgreSQL apply state changes, keyed incidents and people's actions concurrently. What
 * synchronous SQLite guaranteed for free — nothing happens between reading an incident and writing it — is restored
 * per dedup key: a transaction-scoped advisory lock on each key it is about to decide, taken in one global order
 * (sorted lock ids, so two batches never wait on each other in a cycle) before any incident row is read. A second
 * collector handling the same change then waits, reads the first one's committed incident (the store's transactions
 * are READ COMMITTED: each statement after the lock sees what committed before it), and does nothing twice.
 * The partial unique index `incidents_one_active_per_key` (migration 002) stays the backstop. On SQLite every write
 * transaction is exclusive (BEGIN IMMEDIATE): nothing to take.
 */
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { SqlDialect } from '../store/sql/migrations/types.js';
import type { Q } from '../store/sql/sql-helpers.js';
import type { IncidentRecord } from './repository.js';

/** The first key of PostgreSQL's two-int advisory lock space for incident keys ("INC"); other users pick others. */
export const INCIDENT_KEY_LOCK_CLASS = 0x494e43;

/** A stable 32-bit id of a dedup key (the same on every collector; collisions only serialize two keys). */
export function keyLockId(key: string): number {
  return createHash('sha256').update(key).digest().readInt32BE(0);
}

/** Waits for the advisory locks of `keys` (held until the transaction ends). */
export async function lockIncidentKeys(q: Q, dialect: SqlDialect, keys: Iterable<string>): Promise<void> {
  if (dialect !== 'postgres') return;
  const ids = [...new Set([...keys].map(keyLockId))].sort((a, b) => a - b);
  if (ids.length === 0) return;
  // One round trip; volatile target-list functions run after ORDER BY, so the locks are taken in id order.
  await sql`SELECT pg_advisory_xact_lock(${INCIDENT_KEY_LOCK_CLASS}::int4, k) FROM unnest(${ids}::int4[]) AS t(k) ORDER BY k`.execute(q);
}

/**
 * Locks an incident a person acts on (its key, then its row) and returns it as it is now: the caller read it before
 * the lock, and a concurrent action on another collector may have changed it since.
 */
export async function lockIncident(q: Q, dialect: SqlDialect, record: IncidentRecord, reread: () => Promise<IncidentRecord | null>): Promise<IncidentRecord | null> {
  if (dialect !== 'postgres') return record;
  if (record.dedupKey !== null) await lockIncidentKeys(q, dialect, [record.dedupKey]);
  await sql`SELECT id FROM incidents WHERE id = ${record.id} FOR UPDATE`.execute(q);
  return reread();
}

/** PostgreSQL's unique index on active keys refused an insert or reopen: another transaction won the key (a retry re-reads). */
export function isActiveKeyConflict(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, constraint } = error as { code?: unknown; constraint?: unknown };
  return code === '23505' && constraint === 'incidents_one_active_per_key';
}
