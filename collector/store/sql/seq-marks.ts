/**
 * Durable dedupe as a set of seen (agent_id, incarnation, stream, seq), async on both engines: the port of
 * ../seq-marks.ts (same tables, same verdicts, same pruning into `seq_floors`; see there for the reasoning).
 * The insert of a seq is part of the caller's batch transaction, so a rolled-back batch forgets it: pass `trx`.
 */
import { DEFAULT_DEDUPE_WINDOW_MS, type SeqMarksOptions, type SeqStream, type SeqVerdict } from '../seq-marks.js';
import { changed, laterOf, type Q } from './sql-helpers.js';

const PRUNE_EVERY_MS = 10_000;
const PRUNE_SLICE_MS = 30_000;

export function createSeqMarksRepo(opts: SeqMarksOptions = {}) {
  const now = opts.now ?? Date.now;
  const windowMs = opts.windowMs ?? DEFAULT_DEDUPE_WINDOW_MS;
  const floors = new Map<string, number>();
  const marks = new Map<string, number>();
  const dirty = new Map<string, { agentId: string; stream: string; seq: number }>();
  let lastPruneMs = Number.NEGATIVE_INFINITY;
  const streamOf = (stream: SeqStream, incarnation: string | undefined): string => (incarnation ? `${stream}@${incarnation}` : stream);
  const keyOf = (agentId: string, stream: string): string => `${agentId}\u0000${stream}`;

  async function floor(q: Q, agentId: string, stream: string): Promise<number> {
    const key = keyOf(agentId, stream);
    let value = floors.get(key);
    if (value === undefined) {
      value = (await q.selectFrom('seq_floors').select('floor_seq').where('agent_id', '=', agentId).where('stream', '=', stream).executeTakeFirst())?.floor_seq ?? 0;
      floors.set(key, value);
    }
    return value;
  }
  async function mark(q: Q, agentId: string, stream: string): Promise<number> {
    const key = keyOf(agentId, stream);
    let value = marks.get(key);
    if (value === undefined) {
      value = (await q.selectFrom('seq_marks').select('max_seq').where('agent_id', '=', agentId).where('stream', '=', stream).executeTakeFirst())?.max_seq ?? 0;
      marks.set(key, value);
    }
    return value;
  }

  return {
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
      if (seq > (await mark(q, agentId, stream))) {
        const key = keyOf(agentId, stream);
        marks.set(key, seq);
        dirty.set(key, { agentId, stream, seq });
      }
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
      const pending = [...dirty.values()];
      dirty.clear();
      for (const m of pending) {
        await q
          .insertInto('seq_marks')
          .values({ agent_id: m.agentId, stream: m.stream, max_seq: m.seq })
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
