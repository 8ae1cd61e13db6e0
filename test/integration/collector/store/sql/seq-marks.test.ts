/**
 * Dedupe as a set of seen (agent, incarnation, stream, seq), on both engines: order does not matter, a redelivery is
 * refused, two collectors sharing one store accept each seq once between them, a batch's seqs are offered in one
 * ordered pass with verdicts in the batch's order, pruning folds old rows into a floor that still refuses their
 * replays, and an upgraded store's high-water marks become floors.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openSqlStore, type SqlStore } from '../../../../../collector/store/sql/connect.js';
import { sqlMigrations } from '../../../../../collector/store/sql/migrations/index.js';
import { createSeqMarksRepo, DEFAULT_DEDUPE_WINDOW_MS, type SeqMarksRepo, type SeqOffer } from '../../../../../collector/store/sql/seq-marks.js';
import type { StoreLocation } from '../../../../../collector/store/sql/url.js';
import { ENGINES, storeLocations } from '../../../../helpers/engines.js';

const T0 = Date.UTC(2026, 11, 4, 2, 0, 0);

const locations = storeLocations('seen');

const count = async (store: SqlStore) => Number((await sql<{ n: number }>`SELECT count(*) AS n FROM seen_seqs`.execute(store.db)).rows[0]!.n);

describe.each(ENGINES)('seen seqs on %s', (driver) => {
  const stores: SqlStore[] = [];
  const open = async (location?: StoreLocation, migrations?: typeof sqlMigrations) => {
    const store = await openSqlStore(location ?? (await locations.location(driver)), migrations ? { migrations } : {});
    stores.push(store);
    return store;
  };
  afterAll(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
  });
  /** One batch: `fn` inside a transaction, then persist, as the ingest does. */
  const batch = <T>(store: SqlStore, marks: SeqMarksRepo, fn: (trx: SqlStore['db']) => Promise<T>) =>
    store.transaction(async (trx) => {
      const out = await fn(trx);
      await marks.persist(trx);
      return out;
    });

  it('accepts seqs in any order once; a redelivery is "seen"', async () => {
    const store = await open();
    const marks = createSeqMarksRepo({ now: () => T0 });
    const verdicts = await batch(store, marks, async (trx) => {
      const out = [];
      for (const seq of [5, 2, 9, 1, 2, 7, 5]) out.push(await marks.accept(trx, 'a1', 'results', seq, 'inc1', T0));
      return out;
    });
    expect(verdicts).toEqual(['new', 'new', 'new', 'new', 'seen', 'new', 'seen']);
    expect(await marks.highest(store.db, 'a1', 'results', 'inc1')).toBe(9);
    expect(await marks.knows(store.db, 'a1', 'inc1')).toBe(true);
    expect(await marks.knows(store.db, 'a1', 'inc2')).toBe(false);
  });

  it('offer: one ordered pass per batch, verdicts in the order given; a seq offered twice is new once (its first offer)', async () => {
    const store = await open();
    const marks = createSeqMarksRepo({ now: () => T0 });
    const o = (seq: number, incarnation?: string, agentId = 'a1', kind: 'results' | 'events' = 'results'): SeqOffer => ({ agentId, kind, seq, incarnation, receivedAtMs: T0 });
    await batch(store, marks, (trx) => marks.accept(trx, 'a1', 'results', 3, 'i', T0));
    const offers = [o(9, 'i'), o(3, 'i'), o(1, 'i'), o(9, 'i'), o(2, 'i', 'a0'), o(1, 'i', 'a1', 'events'), o(1, 'j')];
    const verdicts = await batch(store, marks, (trx) => marks.offer(trx, offers));
    expect(verdicts).toEqual(['new', 'seen', 'new', 'seen', 'new', 'new', 'new']);
    // Offering does not note them as applied: the batch does that for each `new` one, in its own order.
    expect(await marks.knows(store.db, 'a1', 'j')).toBe(false);
    await batch(store, marks, (trx) => marks.applied(trx, 'a1', 'results', 1, 'j'));
    expect(await marks.knows(store.db, 'a1', 'j')).toBe(true);
    expect(await count(store)).toBe(6);
    // A batch larger than one insert statement holds.
    const many = Array.from({ length: 2500 }, (_, i) => o(2500 - i, 'big'));
    const bulk = await batch(store, marks, (trx) => marks.offer(trx, [...many, o(7, 'big')]));
    expect(bulk.filter((v) => v === 'new')).toHaveLength(2500);
    expect(bulk[2500]).toBe('seen');
  });

  it('keeps incarnations, streams and agents apart (a re-installed agent\'s seq 1 is new)', async () => {
    const store = await open();
    const marks = createSeqMarksRepo({ now: () => T0 });
    const q = store.db;
    expect(await marks.accept(q, 'a1', 'results', 1, 'old', T0)).toBe('new');
    expect(await marks.accept(q, 'a1', 'results', 1, 'new', T0)).toBe('new');
    expect(await marks.accept(q, 'a1', 'events', 1, 'new', T0)).toBe('new');
    expect(await marks.accept(q, 'a2', 'results', 1, 'new', T0)).toBe('new');
    expect(await marks.accept(q, 'a1', 'results', 1, undefined, T0)).toBe('new');
    expect(await marks.accept(q, 'a1', 'results', 1, undefined, T0)).toBe('seen');
  });

  it('forgets the seqs of a rolled-back batch (the insert is part of the transaction)', async () => {
    const store = await open();
    const marks = createSeqMarksRepo({ now: () => T0 });
    await expect(
      store.transaction(async (trx) => {
        expect(await marks.accept(trx, 'a1', 'results', 3, 'i', T0)).toBe('new');
        await marks.persist(trx);
        throw new Error('commit failed');
      }),
    ).rejects.toThrow('commit failed');
    marks.resetCache();
    expect(await marks.accept(store.db, 'a1', 'results', 3, 'i', T0)).toBe('new');
    expect(await marks.knows(store.db, 'a1', 'i')).toBe(true);
  });

  it('two collectors sharing one store (a $share group) accept each seq exactly once, whatever each one gets', async () => {
    const location = await locations.location(driver);
    const storeA = await open(location);
    const storeB = await open(location, []);
    const a = createSeqMarksRepo({ now: () => T0 });
    const b = createSeqMarksRepo({ now: () => T0 });
    // The broker splits seqs 1..20 between the two; each of them also gets some of the other's after a reconnect.
    const toA = [2, 1, 4, 3, 6, 8, 10, 12, 14, 16, 18, 20, 5];
    const toB = [5, 7, 9, 11, 13, 15, 17, 19, 2, 4, 20];
    const accepted: number[] = [];
    let dropped = 0;
    for (let i = 0; i < Math.max(toA.length, toB.length); i++) {
      for (const [marks, store, list] of [[a, storeA, toA], [b, storeB, toB]] as const) {
        const seq = list[i];
        if (seq === undefined) continue;
        await batch(store, marks, async (trx) => {
          if ((await marks.accept(trx, 'agent', 'results', seq, 'inc', T0)) === 'new') accepted.push(seq);
          else dropped++;
        });
      }
    }
    expect([...accepted].sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(dropped).toBe(toA.length + toB.length - 20);
    // The highest-seq fact is the maximum of both writers (never lowered by the one that saw fewer).
    expect(await storeA.db.selectFrom('seq_marks').select('max_seq').where('stream', '=', 'results@inc').execute()).toEqual([{ max_seq: 20 }]);
  });

  it('prunes rows older than the window into a floor that still refuses their replays; newer rows stay', async () => {
    const store = await open();
    let now = T0;
    const marks = createSeqMarksRepo({ now: () => now, windowMs: 60_000 });
    await batch(store, marks, async (trx) => {
      for (const s of [1, 2, 3]) await marks.accept(trx, 'a1', 'results', s, 'i', now);
    });
    now += 50_000;
    await batch(store, marks, async (trx) => {
      for (const s of [5, 6]) await marks.accept(trx, 'a1', 'results', s, 'i', now);
    });
    expect(await count(store)).toBe(5);
    now = T0 + 70_000; // seqs 1..3 are past the window, 5 and 6 are not
    const pruned = await store.transaction((trx) => marks.persist(trx));
    expect(pruned).toBe(3);
    expect(await count(store)).toBe(2);
    expect(await store.db.selectFrom('seq_floors').select(['stream', 'floor_seq']).execute()).toEqual([{ stream: 'results@i', floor_seq: 3 }]);
    // Replays at or below the floor are refused as below the floor; the still-missing seq 4 is new (above it).
    expect(await marks.accept(store.db, 'a1', 'results', 2, 'i', now)).toBe('below_floor');
    expect(await marks.accept(store.db, 'a1', 'results', 4, 'i', now)).toBe('new');
    expect(await marks.accept(store.db, 'a1', 'results', 6, 'i', now)).toBe('seen');
    expect(await marks.offer(store.db, [{ agentId: 'a1', kind: 'results', seq: 1, incarnation: 'i', receivedAtMs: now }])).toEqual(['below_floor']);
    // Another collector on the same store reads the floor from the database.
    const other = createSeqMarksRepo({ now: () => now });
    expect(await other.accept(store.db, 'a1', 'results', 3, 'i', now)).toBe('below_floor');
  });

  it('a long backlog is pruned a slice at a time, never more than the window allows', async () => {
    const store = await open();
    let now = T0;
    const marks = createSeqMarksRepo({ now: () => now, windowMs: 60_000 });
    await store.transaction(async (trx) => {
      await marks.offer(trx, Array.from({ length: 100 }, (_, i) => ({ agentId: 'a1', kind: 'results' as const, seq: i + 1, incarnation: undefined, receivedAtMs: T0 + (i + 1) * 1000 })));
    });
    now = T0 + 10 * 86_400_000; // back after ten days: everything is past the window
    const slices: number[] = [];
    for (let i = 0; i < 10 && (await count(store)) > 0; i++) {
      slices.push(await store.transaction((trx) => marks.persist(trx)));
      now += 10_000;
    }
    expect(slices.every((n) => n <= 30)).toBe(true);
    expect(slices.reduce((s, n) => s + n, 0)).toBe(100);
    expect(await marks.accept(store.db, 'a1', 'results', 100, undefined, now)).toBe('below_floor');
    expect(await marks.accept(store.db, 'a1', 'results', 101, undefined, now)).toBe('new');
    expect(DEFAULT_DEDUPE_WINDOW_MS).toBe(3_600_000);
  });

  it('an upgraded store keeps dropping what the old high-water marks dropped (marks become floors)', async () => {
    const location = await locations.location(driver);
    const before = await openSqlStore(location, { migrations: sqlMigrations.filter((m) => m.version < 17) });
    await before.db.insertInto('seq_marks').values([{ agent_id: 'old', stream: 'results', max_seq: 500 }, { agent_id: 'old', stream: 'results@i1', max_seq: 40 }]).execute();
    await before.close();
    const store = await open(location);
    const marks = createSeqMarksRepo({ now: () => T0 });
    expect(await marks.accept(store.db, 'old', 'results', 500, undefined, T0)).toBe('below_floor');
    expect(await marks.accept(store.db, 'old', 'results', 501, undefined, T0)).toBe('new');
    expect(await marks.accept(store.db, 'old', 'results', 12, 'i1', T0)).toBe('below_floor');
    expect(await marks.accept(store.db, 'old', 'results', 1, 'i2', T0)).toBe('new');
    expect(await marks.knows(store.db, 'old', 'i1')).toBe(true);
  });

  it('prefetch: a cold cache reads the floors and marks of a batch in one statement each, with the verdicts of the lazy reads', async () => {
    const store = await open();
    const o = (agentId: string, seq: number, kind: 'results' | 'events' = 'results'): SeqOffer => ({ agentId, kind, seq, incarnation: 'i', receivedAtMs: T0 });
    const agents = Array.from({ length: 600 }, (_, i) => `agent-${String(i).padStart(3, '0')}`);
    // History: every agent applied seqs 1–3; agent-000's results were pruned into a floor of 5 (seq 4 never seen).
    const before = createSeqMarksRepo({ now: () => T0 });
    await batch(store, before, (trx) => before.offer(trx, agents.flatMap((a) => [1, 2, 3].map((seq) => o(a, seq)))).then(async (verdicts) => {
      for (const a of agents) for (const seq of [1, 2, 3]) await before.applied(trx, a, 'results', seq, 'i');
      return verdicts;
    }));
    await store.db.insertInto('seq_floors').values({ agent_id: 'agent-000', stream: 'results@i', floor_seq: 5 }).execute();
    const offers = [...agents.flatMap((a) => [o(a, 3), o(a, 4)]), o('agent-000', 6), o('agent-001', 1, 'events'), o('newcomer', 1)];

    /** Each cold (a restarted collector's) repo offers the same batch; returns the verdicts and the statements it ran. */
    const run = async (prefetch: boolean) => {
      const marks = createSeqMarksRepo({ now: () => T0 });
      const statements: string[] = [];
      const verdicts = await store.transaction(async (trx) => {
        const q = trx.withPlugin({ transformQuery: (args) => (statements.push(args.node.kind), args.node), transformResult: async (args) => args.result });
        if (prefetch) await marks.prefetch(q, offers);
        const prefetched = statements.length;
        const found = await marks.offer(q, offers);
        for (const [i, offer] of offers.entries()) if (found[i] === 'new') await marks.applied(q, offer.agentId, offer.kind, offer.seq, offer.incarnation);
        return { found, prefetched, afterwards: statements.slice(prefetched) };
      });
      await store.transaction((trx) => trx.deleteFrom('seen_seqs').where('seq', '>=', 4).execute()); // the same batch again for the other run
      await store.transaction((trx) => trx.deleteFrom('seen_seqs').where('stream', '=', 'events').execute());
      await store.transaction((trx) => trx.deleteFrom('seen_seqs').where('agent_id', '=', 'newcomer').execute());
      return { ...verdicts, highest: await marks.highest(store.db, 'agent-005', 'results', 'i') };
    };
    const lazy = await run(false);
    const eager = await run(true);
    expect(eager.found).toEqual(lazy.found);
    expect(eager.found.slice(0, 4)).toEqual(['below_floor', 'below_floor', 'seen', 'new']);
    expect(eager.found.slice(-3)).toEqual(['new', 'new', 'new']);
    expect(eager.highest).toBe(4);
    // 602 streams: two lookups per table (500 a statement); afterwards only the inserts, no read per stream.
    expect(eager.prefetched).toBe(4);
    expect(eager.afterwards.every((kind) => kind === 'InsertQueryNode')).toBe(true);
    // The lazy path: a read (raw or built) per stream and table.
    expect(lazy.afterwards.filter((kind) => kind !== 'InsertQueryNode').length).toBeGreaterThan(1000);
  });
});
