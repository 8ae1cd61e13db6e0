/**
 * Singleton-job leases (collector/store/sql/leases.ts) on both drivers, with a driven clock: take, renew, take over
 * at expiry, release, and the fence growing at each new tenure; on PostgreSQL, two pools racing for one lease.
 */
import { describe, expect, it } from 'vitest';
import { openSqlStore, type SqlStore } from '../../../../../collector/store/sql/connect.js';
import { claim, list, release, tryAcquire } from '../../../../../collector/store/sql/leases.js';
import { ENGINES, storeLocations, type Engine } from '../../../../helpers/engines.js';

const T0 = Date.UTC(2026, 11, 5, 2, 0, 0); // beyond INTEGER on PostgreSQL: must come back as the same numbers
const TTL = 8000;

const locations = storeLocations('leases');

async function openStore(driver: Engine): Promise<SqlStore> {
  return openSqlStore(await locations.location(driver));
}

describe.each(ENGINES)('job leases on %s', (driver) => {
  it('take, refuse another, renew, take over at expiry, refuse the old holder', async () => {
    const store = await openStore(driver);
    try {
      const q = store.db;
      expect(await tryAcquire(q, 'sla-timers', 'a', TTL, T0)).toEqual({ held: true, holder: 'a', expiresAtMs: T0 + TTL, fence: 1 });
      expect(await tryAcquire(q, 'sla-timers', 'b', TTL, T0 + 1000)).toEqual({ held: false, holder: 'a', expiresAtMs: T0 + TTL, fence: 1 });
      // Renewal: same tenure (fence, acquired_at kept), later expiry.
      expect(await tryAcquire(q, 'sla-timers', 'a', TTL, T0 + 2000)).toEqual({ held: true, holder: 'a', expiresAtMs: T0 + 2000 + TTL, fence: 1 });
      expect(await tryAcquire(q, 'sla-timers', 'b', TTL, T0 + 2000 + TTL - 1)).toEqual({ held: false, holder: 'a', expiresAtMs: T0 + 2000 + TTL, fence: 1 });
      // At the expiry instant it is free: b takes it over, a new tenure.
      expect(await tryAcquire(q, 'sla-timers', 'b', TTL, T0 + 2000 + TTL)).toEqual({ held: true, holder: 'b', expiresAtMs: T0 + 2000 + 2 * TTL, fence: 2 });
      expect(await tryAcquire(q, 'sla-timers', 'a', TTL, T0 + 2000 + TTL + 1)).toEqual({ held: false, holder: 'b', expiresAtMs: T0 + 2000 + 2 * TTL, fence: 2 });
      // Another job's lease is independent.
      expect(await tryAcquire(q, 'silence-scan', 'a', TTL, T0 + 2000 + TTL + 1)).toMatchObject({ held: true, holder: 'a', fence: 1 });
      expect(await list(q)).toEqual([
        { name: 'silence-scan', holder: 'a', acquiredAtMs: T0 + 2000 + TTL + 1, renewedAtMs: T0 + 2000 + TTL + 1, expiresAtMs: T0 + 2001 + 2 * TTL, fence: 1 },
        { name: 'sla-timers', holder: 'b', acquiredAtMs: T0 + 2000 + TTL, renewedAtMs: T0 + 2000 + TTL, expiresAtMs: T0 + 2000 + 2 * TTL, fence: 2 },
      ]);
    } finally {
      await store.close();
    }
  });

  it('a holder that renews late, after its own expiry with nobody taking over, starts a new tenure (fence grows)', async () => {
    const store = await openStore(driver);
    try {
      expect(await tryAcquire(store.db, 'reports', 'a', TTL, T0)).toMatchObject({ held: true, fence: 1 });
      expect(await tryAcquire(store.db, 'reports', 'a', TTL, T0 + TTL)).toEqual({ held: true, holder: 'a', expiresAtMs: T0 + 2 * TTL, fence: 2 });
      expect((await list(store.db))[0]).toMatchObject({ acquiredAtMs: T0 + TTL, renewedAtMs: T0 + TTL });
    } finally {
      await store.close();
    }
  });

  it('release: only by the holder; the lease is free at once, for another holder or the same one, with a new fence', async () => {
    const store = await openStore(driver);
    try {
      const q = store.db;
      await tryAcquire(q, 'burn-rate', 'a', TTL, T0);
      expect(await release(q, 'burn-rate', 'b')).toBe(false);
      expect(await release(q, 'nothing-such', 'a')).toBe(false);
      expect(await tryAcquire(q, 'burn-rate', 'b', TTL, T0 + 1)).toMatchObject({ held: false, holder: 'a' });
      expect(await release(q, 'burn-rate', 'a')).toBe(true);
      expect(await release(q, 'burn-rate', 'a')).toBe(false);
      expect(await tryAcquire(q, 'burn-rate', 'b', TTL, T0 + 2)).toEqual({ held: true, holder: 'b', expiresAtMs: T0 + 2 + TTL, fence: 2 });
      expect(await release(q, 'burn-rate', 'b')).toBe(true);
      expect(await tryAcquire(q, 'burn-rate', 'b', TTL, T0 + 3)).toEqual({ held: true, holder: 'b', expiresAtMs: T0 + 3 + TTL, fence: 3 });
    } finally {
      await store.close();
    }
  });

  it('claim: the owner takes its lease whoever holds it, even unexpired (a new tenure); renewing keeps the tenure', async () => {
    const store = await openStore(driver);
    try {
      const q = store.db;
      expect(await claim(q, 'mqtt-session:x', 'owner', TTL, T0)).toEqual({ held: true, holder: 'owner', expiresAtMs: T0 + TTL, fence: 1 });
      expect(await claim(q, 'mqtt-session:x', 'owner', TTL, T0 + 2000)).toEqual({ held: true, holder: 'owner', expiresAtMs: T0 + 2000 + TTL, fence: 1 });
      // Lapsed: an adopter takes it (tryAcquire); the owner back claims it at once, before the adopter's lease expires.
      expect(await tryAcquire(q, 'mqtt-session:x', 'adopter', TTL, T0 + 2000 + TTL)).toMatchObject({ held: true, holder: 'adopter', fence: 2 });
      expect(await claim(q, 'mqtt-session:x', 'owner', TTL, T0 + 2000 + TTL + 1)).toEqual({ held: true, holder: 'owner', expiresAtMs: T0 + 2001 + 2 * TTL, fence: 3 });
      expect(await tryAcquire(q, 'mqtt-session:x', 'adopter', TTL, T0 + 2000 + TTL + 2)).toMatchObject({ held: false, holder: 'owner', fence: 3 });
      // Released, then claimed again by its owner: a new tenure.
      expect(await release(q, 'mqtt-session:x', 'owner')).toBe(true);
      expect(await claim(q, 'mqtt-session:x', 'owner', TTL, T0 + 20_000)).toEqual({ held: true, holder: 'owner', expiresAtMs: T0 + 20_000 + TTL, fence: 4 });
      expect((await list(q))[0]).toMatchObject({ acquiredAtMs: T0 + 20_000, renewedAtMs: T0 + 20_000 });
      await expect(claim(q, 'mqtt-session:x', 'owner', 0, T0)).rejects.toThrow('ttlMs: must be positive (got 0)');
    } finally {
      await store.close();
    }
  });

  it('refuses a TTL that is not positive, naming it', async () => {
    const store = await openStore(driver);
    try {
      await expect(tryAcquire(store.db, 'x', 'a', 0, T0)).rejects.toThrow('ttlMs: must be positive (got 0)');
      expect(await list(store.db)).toEqual([]);
    } finally {
      await store.close();
    }
  });
});

describe('job leases on PostgreSQL, two collectors (two pools) racing', () => {
  it('exactly one of many concurrent attempts takes a free lease, and exactly one takes it over once it expires', async () => {
    const url = await locations.database();
    const a = await openSqlStore({ kind: 'postgres', url });
    const b = await openSqlStore({ kind: 'postgres', url }, { migrations: false });
    try {
      const race = (at: number) =>
        Promise.all(Array.from({ length: 40 }, (_, i) => tryAcquire((i % 2 === 0 ? a : b).db, 'escalations', `c${i}`, TTL, at)));
      const first = await race(T0);
      const winners = first.filter((r) => r.held);
      expect(winners).toHaveLength(1);
      const winner = winners[0]?.holder;
      expect(first.every((r) => r.holder === winner && r.fence === 1 && r.expiresAtMs === T0 + TTL)).toBe(true);

      const second = await race(T0 + TTL);
      const takers = second.filter((r) => r.held);
      expect(takers).toHaveLength(1);
      // Expired: whoever takes it (the first winner too) starts a new tenure.
      const taker = takers[0];
      expect(taker?.fence).toBe(2);
      expect(second.every((r) => r.holder === taker?.holder && r.fence === 2)).toBe(true);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  }, 60_000);
});
