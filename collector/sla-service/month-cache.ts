/**
 * The month-to-date cache behind the SLA summary (/api/v1/sla/summary: the console's overview, status pages, the SLA
 * report's contract figures). What it keeps is what a target's figures are computed *from* — its state intervals
 * over the period (read and derived from the history), its maintenance intervals and its checks — not the figures:
 * those depend on `now` in a running month (time accrues in the current state, coverage grows), so they are
 * recomputed on every read from the cached inputs by the pure engine, and cached == uncached at any instant.
 *
 * The inputs change only when a state of the target changes or the maintenance windows change, so an entry is dropped
 * - when a state of the target changes (`invalidate(target)`, fed by the collector's state-change listeners),
 * - when maintenance windows were added or removed since it was read (`maintenanceVersion`),
 * - when the target's history fingerprint (`stamp`, given on PostgreSQL) changed: another collector wrote it,
 * - and after `maxAgeMs` (default 1 h), a bound on anything that writes the history without a state change
 *   (retention pruning of old months).
 * A reload of the SLA config (contracts, calendars, config windows) clears it (front-door.ts `replace`).
 *
 * Reads are async: an invalidation (or clear, or maintenance edit) that happens while a read is in flight means the
 * read may have seen the old history, so its value is returned to its caller but not kept.
 */

export const MONTH_CACHE_MAX_AGE_MS = 60 * 60_000;
/** What is kept of figures other collectors can change behind this one's back (PostgreSQL) is used this long at most. */
export const SHARED_STORE_MAX_AGE_MS = 15_000;
/** Periods kept per target (this month, last month, a quarter, ...); the oldest read goes first. */
const RANGES_PER_TARGET = 4;

interface Entry {
  value: unknown;
  atMs: number;
  maintenance: number;
  stamp: string | null;
}

export interface MonthCacheDeps {
  /** Changes whenever a maintenance window is added or removed. */
  maintenanceVersion: () => number;
  now: () => number;
  maxAgeMs?: number;
  /**
   * A cheap fingerprint of the target's stored history (PostgreSQL: other collectors write it, and their state changes
   * never reach `invalidate` here); an entry is used only while it is unchanged.
   */
  stamp?: (target: string) => Promise<string>;
}

export function createMonthCache(deps: MonthCacheDeps) {
  const maxAgeMs = deps.maxAgeMs ?? MONTH_CACHE_MAX_AGE_MS;
  const byTarget = new Map<string, Map<string, Entry>>();
  const stats = { hits: 0, misses: 0 };
  /** Bumped per target by invalidate, for all by clear: a read that began before a bump is not kept. */
  const generations = new Map<string, number>();
  let cleared = 0;
  const generationOf = (target: string): string => `${cleared}:${generations.get(target) ?? 0}`;

  const fresh = (e: Entry, nowMs: number): boolean => e.maintenance === deps.maintenanceVersion() && nowMs >= e.atMs && nowMs - e.atMs < maxAgeMs;

  return {
    /** The target's inputs over [fromMs, toMs): cached, else `read()` (stored unless it throws). */
    async get<T>(target: string, fromMs: number, toMs: number, read: () => Promise<T>): Promise<T> {
      const nowMs = deps.now();
      const key = `${fromMs}:${toMs}`;
      // Taken before the read: a write while the read runs moves it, so the entry is not used again.
      const stamp = deps.stamp ? await deps.stamp(target) : null;
      let ranges = byTarget.get(target);
      const hit = ranges?.get(key);
      if (hit && fresh(hit, nowMs) && hit.stamp === stamp) {
        stats.hits++;
        return hit.value as T;
      }
      stats.misses++;
      const maintenance = deps.maintenanceVersion();
      const generation = generationOf(target);
      const value = await read();
      if (generation !== generationOf(target) || maintenance !== deps.maintenanceVersion()) return value;
      ranges = byTarget.get(target);
      if (!ranges) byTarget.set(target, (ranges = new Map()));
      ranges.delete(key);
      ranges.set(key, { value, atMs: nowMs, maintenance, stamp });
      if (ranges.size > RANGES_PER_TARGET) ranges.delete(ranges.keys().next().value as string);
      return value;
    },
    /** A state of the target changed: its inputs are read again on the next use. */
    invalidate(target: string): void {
      byTarget.delete(target);
      generations.set(target, (generations.get(target) ?? 0) + 1);
    },
    clear(): void {
      byTarget.clear();
      generations.clear();
      cleared++;
    },
    stats: (): { hits: number; misses: number; targets: number } => ({ ...stats, targets: byTarget.size }),
  };
}
export type MonthCache = ReturnType<typeof createMonthCache>;
