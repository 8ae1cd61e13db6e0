/**
 * Singleton-job leases on both engines (table job_leases, migration 019): one row per job name, held by one holder
 * until `expires_at_ms`. Taking, taking over and renewing are one upsert whose WHERE decides, so on PostgreSQL two
 * collectors racing for a lease are serialised by the row (or the primary key on first insert) and exactly one wins;
 * on SQLite the write is exclusive anyway.
 *
 * Times are the caller's clock (`nowMs`), so tests drive them. With collectors on two machines each compares its own
 * clock with an expiry another machine wrote: the holder must give a job up earlier than a survivor may take it by at
 * least the machines' clock difference (../../jobs/singleton.ts stops its jobs `maxClockSkewMs` before the expiry;
 * docs/ha.md states the bound), and the lease TTL must exceed that difference.
 */
import { sql } from 'kysely';
import { changed, type Q } from './sql-helpers.js';

export interface LeaseAttempt {
  /** Whether `holder` holds the lease now (taken, taken over, or renewed by this call). */
  held: boolean;
  /** Who holds it (this holder when `held`; else the current holder, possibly one whose lease has expired). */
  holder: string;
  expiresAtMs: number;
  /** Grows at every new tenure: a change of holder, or a take after the lease had expired or been released. */
  fence: number;
}

export interface Lease {
  name: string;
  holder: string;
  acquiredAtMs: number;
  renewedAtMs: number;
  /** 0 once released. */
  expiresAtMs: number;
  fence: number;
}

/**
 * Takes the lease `name` for `ttlMs` from `nowMs`: inserts it when new, takes it over when expired (or released),
 * renews it when `holder` holds it. Otherwise leaves it alone and reports who holds it.
 */
export async function tryAcquire(q: Q, name: string, holder: string, ttlMs: number, nowMs: number): Promise<LeaseAttempt> {
  if (!(ttlMs > 0)) throw new RangeError(`ttlMs: must be positive (got ${ttlMs})`);
  // A new tenure when the stored lease has lapsed (by the caller's clock): whoever holds it next gets a new fence.
  const lapsed = sql<boolean>`${sql.ref('job_leases.expires_at_ms')} <= ${sql.ref('excluded.acquired_at_ms')}`;
  const taken = await q
    .insertInto('job_leases')
    .values({ name, holder, acquired_at_ms: nowMs, renewed_at_ms: nowMs, expires_at_ms: nowMs + ttlMs, fence: 1 })
    .onConflict((oc) =>
      oc
        .column('name')
        .doUpdateSet({
          holder: sql.ref('excluded.holder'),
          acquired_at_ms: sql<number>`CASE WHEN ${lapsed} THEN ${sql.ref('excluded.acquired_at_ms')} ELSE ${sql.ref('job_leases.acquired_at_ms')} END`,
          renewed_at_ms: sql.ref('excluded.renewed_at_ms'),
          expires_at_ms: sql.ref('excluded.expires_at_ms'),
          fence: sql<number>`CASE WHEN ${lapsed} THEN ${sql.ref('job_leases.fence')} + 1 ELSE ${sql.ref('job_leases.fence')} END`,
        })
        .where(sql<boolean>`${sql.ref('job_leases.holder')} = ${sql.ref('excluded.holder')} OR ${lapsed}`),
    )
    .returning(['holder', 'expires_at_ms', 'fence'])
    .executeTakeFirst();
  if (taken !== undefined) return { held: true, holder: taken.holder, expiresAtMs: taken.expires_at_ms, fence: taken.fence };
  // Held by another: report it (read after the upsert; informational, the upsert above decided).
  const current = await q.selectFrom('job_leases').select(['holder', 'expires_at_ms', 'fence']).where('name', '=', name).executeTakeFirst();
  if (current === undefined) throw new Error(`lease ${name}: neither taken nor found`);
  return { held: false, holder: current.holder, expiresAtMs: current.expires_at_ms, fence: current.fence };
}

/**
 * Takes the lease `name` for `holder` whatever its state: inserts it, renews it, or takes it from its current holder
 * even before that lease expired. For a lease with a rightful owner (a collector's own broker session,
 * ../../jobs/session-adoption.ts): the owner always wins over whoever took it meanwhile. A new tenure (the fence
 * grows) when the holder changes or the lease had lapsed.
 */
export async function claim(q: Q, name: string, holder: string, ttlMs: number, nowMs: number): Promise<LeaseAttempt> {
  if (!(ttlMs > 0)) throw new RangeError(`ttlMs: must be positive (got ${ttlMs})`);
  const newTenure = sql<boolean>`${sql.ref('job_leases.holder')} <> ${sql.ref('excluded.holder')} OR ${sql.ref('job_leases.expires_at_ms')} <= ${sql.ref('excluded.acquired_at_ms')}`;
  const row = await q
    .insertInto('job_leases')
    .values({ name, holder, acquired_at_ms: nowMs, renewed_at_ms: nowMs, expires_at_ms: nowMs + ttlMs, fence: 1 })
    .onConflict((oc) =>
      oc.column('name').doUpdateSet({
        holder: sql.ref('excluded.holder'),
        acquired_at_ms: sql<number>`CASE WHEN ${newTenure} THEN ${sql.ref('excluded.acquired_at_ms')} ELSE ${sql.ref('job_leases.acquired_at_ms')} END`,
        renewed_at_ms: sql.ref('excluded.renewed_at_ms'),
        expires_at_ms: sql.ref('excluded.expires_at_ms'),
        fence: sql<number>`CASE WHEN ${newTenure} THEN ${sql.ref('job_leases.fence')} + 1 ELSE ${sql.ref('job_leases.fence')} END`,
      }),
    )
    .returning(['holder', 'expires_at_ms', 'fence'])
    .executeTakeFirstOrThrow();
  return { held: true, holder: row.holder, expiresAtMs: row.expires_at_ms, fence: row.fence };
}

/** Gives the lease up at once if `holder` holds it (another may take it at its next attempt); true when it did. */
export async function release(q: Q, name: string, holder: string): Promise<boolean> {
  const result = await q
    .updateTable('job_leases')
    .set({ expires_at_ms: 0 })
    .where('name', '=', name)
    .where('holder', '=', holder)
    .where('expires_at_ms', '>', 0)
    .executeTakeFirst();
  return changed(result) > 0;
}

/** Every lease, by name (the current or last holder of each). */
export async function list(q: Q): Promise<Lease[]> {
  const rows = await q.selectFrom('job_leases').select(['name', 'holder', 'acquired_at_ms', 'renewed_at_ms', 'expires_at_ms', 'fence']).orderBy('name').execute();
  return rows.map((r) => ({
    name: r.name,
    holder: r.holder,
    acquiredAtMs: r.acquired_at_ms,
    renewedAtMs: r.renewed_at_ms,
    expiresAtMs: r.expires_at_ms,
    fence: r.fence,
  }));
}
