/** The month cache with async reads: a read overtaken by an invalidation (or a maintenance edit, or a clear) is not kept. */
import { describe, expect, it } from 'vitest';
import { createMonthCache } from '../../../../collector/sla-service/month-cache.js';

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('month cache (async reads)', () => {
  it('keeps a read; a second get is a hit', async () => {
    const cache = createMonthCache({ maintenanceVersion: () => 0, now: () => 1000 });
    let reads = 0;
    const read = async () => ++reads;
    expect(await cache.get('web-1', 0, 10, read)).toBe(1);
    expect(await cache.get('web-1', 0, 10, read)).toBe(1);
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 1 });
  });

  it('a state change while the read runs: the value is returned but not kept', async () => {
    const cache = createMonthCache({ maintenanceVersion: () => 0, now: () => 1000 });
    const slow = deferred<string>();
    const pending = cache.get('web-1', 0, 10, () => slow.promise);
    cache.invalidate('web-1');
    slow.resolve('before the change');
    expect(await pending).toBe('before the change');
    expect(await cache.get('web-1', 0, 10, async () => 'after the change')).toBe('after the change');
  });

  it('a maintenance edit or a clear while the read runs: not kept either', async () => {
    let maintenance = 0;
    const cache = createMonthCache({ maintenanceVersion: () => maintenance, now: () => 1000 });
    const slow = deferred<string>();
    const pending = cache.get('web-1', 0, 10, () => slow.promise);
    maintenance++;
    slow.resolve('old windows');
    await pending;
    expect(await cache.get('web-1', 0, 10, async () => 'new windows')).toBe('new windows');
    const again = deferred<string>();
    const cleared = cache.get('db-1', 0, 10, () => again.promise);
    cache.clear();
    again.resolve('old setup');
    await cleared;
    expect(await cache.get('db-1', 0, 10, async () => 'new setup')).toBe('new setup');
  });

  it('with a stamp: an entry is used only while the stored history is unchanged', async () => {
    let stamp = 'a';
    const cache = createMonthCache({ maintenanceVersion: () => 0, now: () => 1000, stamp: async () => stamp });
    let reads = 0;
    const read = async () => ++reads;
    expect(await cache.get('web-1', 0, 10, read)).toBe(1);
    expect(await cache.get('web-1', 0, 10, read)).toBe(1);
    stamp = 'b'; // another collector wrote the history
    expect(await cache.get('web-1', 0, 10, read)).toBe(2);
    expect(await cache.get('web-1', 0, 10, read)).toBe(2);
  });
});
