/**
 * The state tracker on a real store, both engines: intervals, late results, confirmations surviving a restart,
 * rollback; and on PostgreSQL two collectors deriving one check's history from results split between them.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { openSqlStore, type SqlStore } from '../../../../collector/store/sql/connect.js';
import { createIntervalsRepo } from '../../../../collector/store/sql/intervals-repo.js';
import { createObservationLogRepo } from '../../../../collector/store/sql/observation-log.js';
import type { StoreLocation } from '../../../../collector/store/sql/url.js';
import { createStateTracker, type CheckMeta } from '../../../../collector/states/tracker.js';
import { singleRun, type ObservationCause } from '../../../../collector/states/machine.js';
import type { CheckState } from '../../../../common/protocol.js';
import { ENGINES, storeLocations } from '../../../helpers/engines.js';

const META: CheckMeta = { agentId: 'a1', checkId: 'c1', checkType: 'ping', target: 'host-1' };
const WINDOW = 1_000_000;

const locations = storeLocations('tracker');

const stores: SqlStore[] = [];
afterAll(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

/** `verifyFirst`: re-check and load machines for the batch up front (as the ingest does), else at each first touch. */
async function open(location: StoreLocation, confirmations = 1, now = () => 500, shared = location.kind === 'postgres', verifyFirst = true, reads?: string[]) {
  const store = await openSqlStore(location);
  stores.push(store);
  const repo = createIntervalsRepo();
  // `reads`: the interval reads a machine (re)load makes, by method name.
  const intervals = reads
    ? { ...repo, open: (...a: Parameters<typeof repo.open>) => (reads.push('open'), repo.open(...a)), openMany: (...a: Parameters<typeof repo.openMany>) => (reads.push('openMany'), repo.openMany(...a)) }
    : repo;
  const log = createObservationLogRepo();
  const tooLate: number[] = [];
  const tracker = createStateTracker({ intervals, log, shared, confirmationsFor: () => confirmations, reorderWindowMs: WINDOW, now, onTooLate: (_m, run) => tooLate.push(run.firstMs) });
  /** One ingest batch of observations of META: lock, observe each, persist; rolled back (caches reset) on failure. */
  const batch = async (list: Array<[CheckState, number, ObservationCause?]>, fail = false, locked?: () => void) => {
    try {
      return await store.transaction(async (trx) => {
        await tracker.lockAgents(trx, [META.agentId]);
        if (verifyFirst) {
          // As the ingest does: re-check cached machines, then load what is missing or stale.
          await tracker.verify(trx, [META]);
          await tracker.preload(trx, [META]);
        }
        locked?.();
        const changes = [];
        for (const [state, at, cause] of list) changes.push(await tracker.observe(trx, META, singleRun(state, cause ?? 'result', at, `${state}@${at}`)));
        await tracker.persist(trx);
        if (fail) throw new Error('commit failed');
        return changes;
      });
    } catch (error) {
      tracker.resetCache();
      throw error;
    }
  };
  const observe = async (state: CheckState, at: number, cause: ObservationCause = 'result') => (await batch([[state, at, cause]]))[0] ?? null;
  const history = async () => (await intervals.history(store.db, 'a1', 'c1', 0, 1e15)).map((i) => [i.state, i.startMs, i.endMs]);
  return { store, observe, batch, history, tracker, log, tooLate };
}

describe.each(ENGINES)('state tracker on %s', (driver) => {
  it('late results re-derive intervals; only a change of the current state is announced', async () => {
    const t = await open(await locations.location(driver));
    await t.observe('ok', 0);
    await t.observe('ok', 100);
    await t.observe('ok', 200);
    expect(await t.observe('crit', 150)).toBeNull(); // late, current state still ok
    expect(await t.history()).toEqual([
      ['ok', 0, 150],
      ['crit', 150, 200],
      ['ok', 200, null],
    ]);
    // A late result newer than everything else in its run can change the current state.
    const change = await t.observe('crit', 300);
    expect(change).toMatchObject({ from: 'ok', to: 'crit', atMs: 300 });
    expect(await t.observe('ok', 250)).toBeNull();
    expect(await t.history()).toEqual([
      ['ok', 0, 150],
      ['crit', 150, 200],
      ['ok', 200, 300],
      ['crit', 300, null],
    ]);
  });

  it('late results fill an UNKNOWN silence gap with what the check really said', async () => {
    const t = await open(await locations.location(driver));
    await t.observe('ok', 0);
    await t.observe('unknown', 180, 'silence');
    expect(await t.observe('crit', 60)).toBeNull(); // spooled result from before the silence verdict
    await t.observe('crit', 240);
    expect(await t.history()).toEqual([
      ['ok', 0, 60],
      ['crit', 60, 180],
      ['unknown', 180, 240],
      ['crit', 240, null],
    ]);
  });

  it('with 3 confirmations a late result can complete a streak in the past', async () => {
    const t = await open(await locations.location(driver), 3);
    await t.batch([['ok', 0], ['crit', 10], ['crit', 30], ['ok', 40]]);
    expect(await t.history()).toEqual([['ok', 0, null]]);
    await t.observe('crit', 20); // the missing third crit arrives late
    expect(await t.history()).toEqual([
      ['ok', 0, 10],
      ['crit', 10, null],
    ]);
  });

  it('a pending streak survives a restart (the machine is rebuilt from the log)', async () => {
    const location = await locations.location(driver);
    const first = await open(location, 3);
    await first.observe('ok', 0);
    await first.observe('crit', 10);
    await first.observe('crit', 20);
    await first.store.close();
    stores.splice(stores.indexOf(first.store), 1);
    const second = await open(location, 3);
    expect(await second.tracker.current(second.store.db, META)).toBe('ok');
    const change = await second.observe('crit', 30);
    expect(change).toMatchObject({ from: 'ok', to: 'crit', atMs: 10 });
    expect(await second.history()).toEqual([
      ['ok', 0, 10],
      ['crit', 10, null],
    ]);
  });

  it('preloading a batch\'s checks rebuilds exactly the machines loading them one at a time does', async () => {
    const location = await locations.location(driver);
    const writer = await open(location, 3);
    const metas: CheckMeta[] = Array.from({ length: 60 }, (_, i) => ({ agentId: `a${i % 7}`, checkId: `c${i}`, checkType: 'ping', target: `host-${i % 7}` }));
    const states: CheckState[] = ['ok', 'crit', 'warn', 'unknown'];
    let seed = 7;
    /** mulberry32: a small seeded generator (the same histories every run). */
    const random = (n: number): number => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
    };
    // Histories of every shape: streaks cut short, confirmed changes, late results, checks never observed.
    await writer.store.transaction(async (trx) => {
      for (const [i, meta] of metas.entries()) {
        if (i % 10 === 9) continue;
        // Streaks of 1–4 equal results (with 3 confirmations: some confirm, some stay pending), now and then one late.
        let at = 0;
        for (let streak = random(5); streak > 0; streak--) {
          const state = states[random(4)]!;
          for (let k = 1 + random(4); k > 0; k--) {
            at += 100;
            await writer.tracker.observe(trx, meta, singleRun(state, 'result', random(6) === 0 ? at - 150 : at, `${state}@${at}`));
          }
        }
      }
      await writer.tracker.persist(trx);
    });
    /** The changes the next two results of every check make, rolled back (the store stays as it is). */
    const nextChanges = async (preload: boolean) => {
      const t = await open(location, 3);
      const seen: unknown[] = [];
      await expect(
        t.store.transaction(async (trx) => {
          await t.tracker.lockAgents(trx, metas.map((m) => m.agentId));
          await t.tracker.verify(trx, metas);
          if (preload) await t.tracker.preload(trx, metas);
          for (const meta of metas) {
            seen.push(await t.tracker.current(trx, meta));
            for (const [state, at] of [['crit', 5_000], ['crit', 5_100], ['ok', 550]] as const) seen.push(await t.tracker.observe(trx, meta, singleRun(state, 'result', at, `${state}@${at}`)));
          }
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      return seen;
    };
    expect(await nextChanges(true)).toEqual(await nextChanges(false));
  });

  it('a rolled-back batch leaves nothing behind, and the reset tracker goes on from the database', async () => {
    const t = await open(await locations.location(driver));
    await t.observe('ok', 0);
    await t.observe('ok', 50);
    await expect(t.batch([['ok', 80], ['crit', 100]], true)).rejects.toThrow('commit failed');
    expect(await t.history()).toEqual([['ok', 0, null]]);
    expect(await t.log.loadFrom(t.store.db, 'a1', 'c1', 0)).toMatchObject([{ state: 'ok', firstMs: 0, lastMs: 50, count: 2 }]);
    expect(await t.observe('crit', 100)).toMatchObject({ from: 'ok', to: 'crit', atMs: 100 });
    expect(await t.history()).toEqual([
      ['ok', 0, 100],
      ['crit', 100, null],
    ]);
  });

  it('results split between two streams and re-joined late: the same states as in order, each boundary within one interval', async () => {
    const states: CheckState[] = ['ok', 'ok', 'crit', 'crit', 'ok', 'warn', 'warn', 'ok', 'crit', 'ok'];
    const observations = Array.from({ length: 40 }, (_, i) => [states[(i * 7) % states.length]!, 1000 + i * 10] as [CheckState, number]);
    const pairs: Array<Array<[CheckState, number]>> = [];
    for (let i = 0; i < observations.length; i += 2) pairs.push(observations.slice(i, i + 2));
    // Each later pair commits before the earlier one: late results fill the holes of runs (once this duplicated intervals).
    const t = await open(await locations.location(driver));
    for (let k = 0; k < pairs.length; k += 2) {
      await t.batch(pairs[k + 1]!);
      await t.batch(pairs[k]!);
    }
    const inOrder = await open(await locations.location(driver));
    await inOrder.batch(observations);
    const got = await t.history();
    const want = await inOrder.history();
    expect(got.map(([state]) => state)).toEqual(want.map(([state]) => state));
    got.forEach(([, start, end], i) => {
      expect(Math.abs(Number(start) - Number(want[i]![1]))).toBeLessThan(10);
      if (end !== null) expect(Number(end)).toBeGreaterThan(Number(start));
    });
  });

  it('late results beyond the reorder window are dropped and reported; pruning keeps each check\'s newest run', async () => {
    let now = 500;
    const t = await open(await locations.location(driver), 1, () => now);
    await t.observe('ok', 0);
    await t.observe('crit', 100);
    await t.observe('ok', 200);
    now = WINDOW + 150;
    expect(await t.observe('crit', 140)).toBeNull();
    expect(t.tooLate).toEqual([140]);
    expect(await t.history()).toEqual([
      ['ok', 0, 100],
      ['crit', 100, 200],
      ['ok', 200, null],
    ]);
    expect(await t.log.prune(t.store.db, now - WINDOW)).toBe(2);
    expect((await t.log.loadFrom(t.store.db, 'a1', 'c1', 0)).map((r) => [r.state, r.firstMs])).toEqual([['ok', 200]]);
    // History (intervals) is untouched by pruning, and the tracker goes on.
    expect(await t.observe('crit', WINDOW + 200)).toMatchObject({ from: 'ok', to: 'crit' });
    expect(await t.history()).toHaveLength(4);
  });
});

describe('two collectors on one PostgreSQL deriving one check (results split by $share)', () => {
  it('a collector whose cached machine is stale reloads it: no second transition, no lost one', async () => {
    const location = await locations.location('postgres');
    const a = await open(location);
    const b = await open(location, 1, () => 500, true, false);
    await a.observe('ok', 0);
    expect(await b.observe('crit', 100)).toMatchObject({ from: 'ok', to: 'crit' });
    // A still has "ok since 0" cached: it must see B's crit, so crit at 200 changes nothing.
    expect(await a.observe('crit', 200)).toBeNull();
    expect(await b.observe('ok', 300)).toMatchObject({ from: 'crit', to: 'ok' }); // B re-checks at its first touch
    expect(await a.observe('ok', 250)).toBeNull(); // late for the shared history: re-derived, current state stays ok
    expect(await a.history()).toEqual([
      ['ok', 0, 100],
      ['crit', 100, 250],
      ['ok', 250, null],
    ]);
  }, 60_000);

  it('results alternating between the collectors: a machine settled on a run the other only extended is not reloaded; one with a streak pending is', async () => {
    const location = await locations.location('postgres');
    const a = await open(location, 2);
    const reads: string[] = [];
    const b = await open(location, 2, () => 500, true, true, reads);
    expect(await a.observe('ok', 0)).toMatchObject({ from: null, to: 'ok' }); // a first result is taken at once
    for (const [t, at] of [[b, 10], [a, 20]] as const) expect(await t.observe('ok', at)).toBeNull();
    expect(reads).toEqual(['openMany']); // b's first touch
    for (let at = 30; at < 100; at += 20) {
      await b.observe('ok', at);
      await a.observe('ok', at + 10);
    }
    expect(reads).toEqual(['openMany']); // a only counted into the run b's machine is settled on
    // a starts a crit streak (1 of 2): b's machine must see it pending, so it reloads and confirms at the second crit.
    expect(await a.observe('crit', 200)).toBeNull();
    expect(await b.observe('crit', 210)).toMatchObject({ from: 'ok', to: 'crit', atMs: 200 });
    expect(reads).toEqual(['openMany', 'openMany']);
    expect(await b.history()).toEqual([
      ['ok', 0, 200],
      ['crit', 200, null],
    ]);
  }, 60_000);

  it('concurrent batches of both collectors end in the history one collector would have derived from them in turn', async () => {
    const location = await locations.location('postgres');
    const a = await open(location);
    const b = await open(location);
    const states: CheckState[] = ['ok', 'ok', 'crit', 'crit', 'ok', 'warn', 'warn', 'ok', 'crit', 'ok'];
    const observations = Array.from({ length: 60 }, (_, i) => [states[(i * 7) % states.length]!, 1000 + i * 10] as [CheckState, number]);
    // $share splits the stream: alternate pairs to each collector, each sending its batches as fast as it can.
    const toA: Array<Array<[CheckState, number]>> = [];
    const toB: Array<Array<[CheckState, number]>> = [];
    for (let i = 0; i < observations.length; i += 2) (i % 4 === 0 ? toA : toB).push(observations.slice(i, i + 2));
    // The agent lock serializes whole batches: the order they took it in is their commit order.
    const order: Array<Array<[CheckState, number]>> = [];
    const run = async (t: Awaited<ReturnType<typeof open>>, lists: typeof toA) => {
      for (const list of lists) await t.batch(list, false, () => order.push(list));
    };
    await Promise.all([run(a, toA), run(b, toB)]);
    expect(order).toHaveLength(toA.length + toB.length);
    const reference = await open(await locations.location('sqlite'));
    for (const list of order) await reference.batch(list);
    const shared = await a.history();
    expect(shared).toEqual(await reference.history());
    expect(await b.history()).toEqual(shared);
    expect(shared.filter(([, , end]) => end === null)).toHaveLength(1);
  }, 120_000);
});
