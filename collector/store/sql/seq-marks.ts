/**
 * Durable dedupe as a set of seen (agent_id, incarnation, stream, seq), one row each under the primary key
 * (table `seen_seqs`, migration 017). A seq is new when its row could be inserted; the insert is part of the batch
 * transaction that applies its effects, so a rolled-back batch forgets it. A set, not a high-water mark: with
 * `$share` one agent's stream is split across collectors and arrives out of order, and a mark would drop every
 * seq below one another collector already applied.
 *
 * Bounded: rows received more than `windowMs` ago are pruned into a floor per (agent, stream) (`seq_floors`):
 * anything at or below the floor counts as applied. What that costs: a seq that was never applied but arrives more
 * than the window after a higher seq of the same agent is dropped (counted as a duplicate, warned as
 * `below_floor`). Within one collector an agent's stream arrives in order (the agent spools and replays in seq
 * order; the broker keeps a session's order), so only a shared group can reorder, by as long as the broker keeps
 * one member's share while that member is down. Duplicates are never accepted, however late: a replayed seq is
 * either still in the set or at or below the floor. The default window (1 h) covers a collector restarted by
 * systemd or an operator within the hour; `ingest.dedupe_window` raises it (at most the states' reorder window,
 * beyond which the state history drops a result anyway), at ≈ 135 bytes of SQLite per result kept (table,
 * primary key and time index).
 *
 * `seq_marks` keeps the highest seq applied per (agent, stream) — a fact for the seq-restart hint and for telling
 * a new incarnation from a superseded one; it no longer decides dedupe. An agent that sends an `incarnation` has
 * one stream per incarnation (`results@<inc>`): a re-installed agent (seq from 1 again) is not a replay.
 *
 * Async on both engines. The inserts of a batch's seqs are part of the caller's batch transaction (pass `trx`), so
 * a rolled-back batch forgets them; `offer` inserts them in ascending (agent, incarnation, stream, seq) order, so
 * two collectors offering overlapping seqs take the primary key's row locks in the same order (fewer deadlocks).
 */
import { sql } from 'kysely';
import { changed, keyPairs, laterOf, onPostgres, type Q } from './sql-helpers.js';

export type SeqStream = 'results' | 'events';
/** `new`: applied now; `seen`: in the set (a redelivery); `below_floor`: at or below the pruned floor. */
export type SeqVerdict = 'new' | 'seen' | 'below_floor';

export const DEFAULT_DEDUPE_WINDOW_MS = 3_600_000;

export interface SeqMarksOptions {
  now?: () => number;
  /** Rows older than this are pruned into the floors. */
  windowMs?: number;
}

/** One seq a batch offers for dedupe. */
export interface SeqOffer {
  agentId: string;
  kind: SeqStream;
  seq: number;
  incarnation: string | undefined;
  receivedAtMs: number;
}

/** How often (at most) the set is pruned, and how much receive time one prune covers (catch-up at 3× real time). */
const PRUNE_EVERY_MS = 10_000;
const PRUNE_SLICE_MS = 30_000;

/** Rows per insert statement (5 parameters each: well under SQLite's and PostgreSQL's limits). */
const OFFER_CHUNK = 1000;
/** Streams per lookup statement of `prefetch`. */
const LOOKUP_CHUNK = 500;

type SeqTable = 'seq_floors' | 'seq_marks';
const keyOf = (agentId: string, stream: string): string => `${agentId}\u0000${stream}`;

/** The per-stream seq of these (agent, stream) pairs in `seq_floors` or `seq_marks`, by `keyOf` (absent: no row). */
async function seqsOf(q: Q, table: SeqTable, pairs: ReadonlyArray<readonly [string, string]>): Promise<Map<string, number>> {
  const column = sql.ref(table === 'seq_floors' ? 'floor_seq' : 'max_seq');
  const out = new Map<string, number>();
  for (let start = 0; start < pairs.length; start += LOOKUP_CHUNK) {
    const chunk = pairs.slice(start, start + LOOKUP_CHUNK);
    // As the batch loads of the state history (sql-helpers.ts checkKeys): a join with an unnest on PostgreSQL, a
    // row-value IN list on SQLite.
    const query = onPostgres(q)
      ? sql<{ agent_id: string; stream: string; seq: number | string }>`SELECT t.agent_id, t.stream, t.${column} AS seq FROM ${keyPairs(chunk, ['agent_id', 'stream'])} JOIN ${sql.table(table)} t ON t.agent_id = k.agent_id AND t.stream = k.stream`
      : sql<{ agent_id: string; stream: string; seq: number | string }>`SELECT agent_id, stream, ${column} AS seq FROM ${sql.table(table)} WHERE (agent_id, stream) IN (${sql.join(chunk.map(([agentId, stream]) => sql`(${agentId}, ${stream})`))})`;
    for (const row of (await query.execute(q)).rows) out.set(keyOf(row.agent_id, row.stream), Number(row.seq));
  }
  return out;
}

function compareOffers(a: SeqOffer, b: SeqOffer): number {
  const text = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  return text(a.agentId, b.agentId) || text(a.incarnation ?? '', b.incarnation ?? '') || text(a.kind, b.kind) || a.seq - b.seq;
}

export function createSeqMarksRepo(opts: SeqMarksOptions = {}) {
  const now = opts.now ?? Date.now;
  const windowMs = opts.windowMs ?? DEFAULT_DEDUPE_WINDOW_MS;
  const floors = new Map<string, number>();
  const marks = new Map<string, number>();
  const caches: Record<SeqTable, Map<string, number>> = { seq_floors: floors, seq_marks: marks };
  const dirty = new Map<string, { agentId: string; stream: string; seq: number }>();
  let lastPruneMs = Number.NEGATIVE_INFINITY;
  const streamOf = (stream: SeqStream, incarnation: string | undefined): string => (incarnation ? `${stream}@${incarnation}` : stream);

  /** Caches the seqs of `table` for these (agent, stream) pairs it has not cached (0: no row), a statement per 500. */
  async function load(q: Q, table: SeqTable, pairs: ReadonlyArray<readonly [string, string]>): Promise<void> {
    const cache = caches[table];
    const missing = pairs.filter(([agentId, stream]) => !cache.has(keyOf(agentId, stream)));
    if (missing.length === 0) return;
    const found = await seqsOf(q, table, missing);
    for (const [agentId, stream] of missing) cache.set(keyOf(agentId, stream), found.get(keyOf(agentId, stream)) ?? 0);
  }
  async function cachedSeq(q: Q, table: SeqTable, agentId: string, stream: string): Promise<number> {
    const key = keyOf(agentId, stream);
    const hit = caches[table].get(key);
    if (hit !== undefined) return hit;
    await load(q, table, [[agentId, stream]]);
    return caches[table].get(key) ?? 0;
  }
  const floor = (q: Q, agentId: string, stream: string) => cachedSeq(q, 'seq_floors', agentId, stream);
  const mark = (q: Q, agentId: string, stream: string) => cachedSeq(q, 'seq_marks', agentId, stream);

  /** Raises the cached highest seq (written by `persist`). */
  function applied(agentId: string, kind: SeqStream, seq: number, incarnation: string | undefined, current: number): void {
    if (seq <= current) return;
    const key = keyOf(agentId, streamOf(kind, incarnation));
    marks.set(key, seq);
    dirty.set(key, { agentId, stream: streamOf(kind, incarnation), seq });
  }

  return {
    /**
     * Caches the floor and the highest seq of these offers' streams in a statement per table and few hundred streams
     * (a batch's, before `offer` and `applied` would read each stream it has not cached with two statements).
     */
    async prefetch(q: Q, offers: readonly SeqOffer[]): Promise<void> {
      const pairs = new Map<string, readonly [string, string]>();
      for (const o of offers) {
        const stream = streamOf(o.kind, o.incarnation);
        pairs.set(keyOf(o.agentId, stream), [o.agentId, stream]);
      }
      await load(q, 'seq_floors', [...pairs.values()]);
      await load(q, 'seq_marks', [...pairs.values()]);
    },
    /**
     * The dedupe verdicts of a batch's seqs, in the order given, without noting them as applied (call `applied` for
     * each `new` one, in the batch's order). Inserts in ascending (agent, incarnation, stream, seq) order, a chunk
     * per statement; a seq offered twice is `new` once (its first offer) and `seen` after.
     */
    async offer(q: Q, offers: readonly SeqOffer[]): Promise<SeqVerdict[]> {
      const verdicts: SeqVerdict[] = offers.map(() => 'seen');
      const order = offers.map((_, i) => i).sort((a, b) => compareOffers(offers[a]!, offers[b]!) || a - b);
      const rowKey = (o: SeqOffer) => `${o.agentId}\u0000${o.incarnation ?? ''}\u0000${o.kind}\u0000${o.seq}`;
      const candidates: number[] = [];
      const taken = new Set<string>();
      for (const i of order) {
        const o = offers[i]!;
        if (o.seq <= (await floor(q, o.agentId, streamOf(o.kind, o.incarnation)))) {
          verdicts[i] = 'below_floor';
          continue;
        }
        const key = rowKey(o);
        if (taken.has(key)) continue;
        taken.add(key);
        candidates.push(i);
      }
      for (let start = 0; start < candidates.length; start += OFFER_CHUNK) {
        const chunk = candidates.slice(start, start + OFFER_CHUNK);
        const inserted = await q
          .insertInto('seen_seqs')
          .values(chunk.map((i) => ({ agent_id: offers[i]!.agentId, incarnation: offers[i]!.incarnation ?? '', stream: offers[i]!.kind, seq: offers[i]!.seq, received_at_ms: offers[i]!.receivedAtMs })))
          .onConflict((oc) => oc.doNothing())
          .returning(['agent_id', 'incarnation', 'stream', 'seq'])
          .execute();
        const fresh = new Set(inserted.map((r) => `${r.agent_id}\u0000${r.incarnation}\u0000${r.stream}\u0000${Number(r.seq)}`));
        for (const i of chunk) if (fresh.has(rowKey(offers[i]!))) verdicts[i] = 'new';
      }
      return verdicts;
    },
    /** Notes an offered seq whose verdict was `new` as applied (the highest seq per stream). */
    async applied(q: Q, agentId: string, kind: SeqStream, seq: number, incarnation: string | undefined): Promise<void> {
      applied(agentId, kind, seq, incarnation, await mark(q, agentId, streamOf(kind, incarnation)));
    },
    /** Notes the seq when it is new (inside the batch transaction); otherwise says why it is not. */
    async accept(q: Q, agentId: string, kind: SeqStream, seq: number, incarnation: string | undefined, receivedAtMs: number): Promise<SeqVerdict> {
      const stream = streamOf(kind, incarnation);
      if (seq <= (await floor(q, agentId, stream))) return 'below_floor';
      const inserted = await q
        .insertInto('seen_seqs')
        .values({ agent_id: agentId, incarnation: incarnation ?? '', stream: kind, seq, received_at_ms: receivedAtMs })
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      if (changed(inserted) === 0) return 'seen';
      applied(agentId, kind, seq, incarnation, await mark(q, agentId, stream));
      return 'new';
    },
    /** The highest seq applied so far (0 = none). */
    async highest(q: Q, agentId: string, kind: SeqStream, incarnation?: string): Promise<number> {
      const stream = streamOf(kind, incarnation);
      const seen = await q
        .selectFrom('seen_seqs')
        .select((eb) => eb.fn.max('seq').as('seq'))
        .where('agent_id', '=', agentId)
        .where('incarnation', '=', incarnation ?? '')
        .where('stream', '=', kind)
        .executeTakeFirst();
      return Math.max(await mark(q, agentId, stream), await floor(q, agentId, stream), Number(seen?.seq ?? 0));
    },
    /** Has anything of this incarnation been applied (results or events)? */
    async knows(q: Q, agentId: string, incarnation: string): Promise<boolean> {
      return (await mark(q, agentId, streamOf('results', incarnation))) > 0 || (await mark(q, agentId, streamOf('events', incarnation))) > 0;
    },
    /** Writes the noted highest seqs and, at most every 10 s, prunes rows older than the window into the floors. */
    async persist(q: Q): Promise<number> {
      // In key order, a few hundred per statement (one row per agent stream a batch advanced).
      const pending = [...dirty.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, m]) => ({ agent_id: m.agentId, stream: m.stream, max_seq: m.seq }));
      dirty.clear();
      for (let start = 0; start < pending.length; start += OFFER_CHUNK) {
        await q
          .insertInto('seq_marks')
          .values(pending.slice(start, start + OFFER_CHUNK))
          .onConflict((oc) => oc.columns(['agent_id', 'stream']).doUpdateSet({ max_seq: laterOf('seq_marks', 'max_seq') }))
          .execute();
      }
      const atMs = now();
      if (atMs - lastPruneMs < PRUNE_EVERY_MS) return 0;
      lastPruneMs = atMs;
      const oldest = (await q.selectFrom('seen_seqs').select((eb) => eb.fn.min('received_at_ms').as('at')).executeTakeFirst())?.at ?? null;
      const cutoff = atMs - windowMs;
      if (oldest === null || Number(oldest) >= cutoff) return 0;
      const before = Math.min(cutoff, Number(oldest) + PRUNE_SLICE_MS);
      const prunable = await q
        .selectFrom('seen_seqs')
        .select(['agent_id', 'incarnation', 'stream', (eb) => eb.fn.max('seq').as('seq')])
        .where('received_at_ms', '<', before)
        .groupBy(['agent_id', 'incarnation', 'stream'])
        .execute();
      for (const row of prunable) {
        const stream = streamOf(row.stream as SeqStream, row.incarnation || undefined);
        await q
          .insertInto('seq_floors')
          .values({ agent_id: row.agent_id, stream, floor_seq: Number(row.seq) })
          .onConflict((oc) => oc.columns(['agent_id', 'stream']).doUpdateSet({ floor_seq: laterOf('seq_floors', 'floor_seq') }))
          .execute();
      }
      // Another collector sharing the store may have raised floors too: read them afresh.
      floors.clear();
      return changed(await q.deleteFrom('seen_seqs').where('received_at_ms', '<', before).executeTakeFirst());
    },
    /** Drops cached marks and floors (after a rolled-back transaction the cache may be ahead of the database). */
    resetCache(): void {
      marks.clear();
      floors.clear();
      dirty.clear();
      lastPruneMs = Number.NEGATIVE_INFINITY;
    },
  };
}
export type SeqMarksRepo = ReturnType<typeof createSeqMarksRepo>;
