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
 */
import type { Db } from './db.js';

export type SeqStream = 'results' | 'events';
/** `new`: applied now; `seen`: in the set (a redelivery); `below_floor`: at or below the pruned floor. */
export type SeqVerdict = 'new' | 'seen' | 'below_floor';

export const DEFAULT_DEDUPE_WINDOW_MS = 3_600_000;
/** How often (at most) the set is pruned, and how much receive time one prune covers (catch-up at 3× real time). */
const PRUNE_EVERY_MS = 10_000;
const PRUNE_SLICE_MS = 30_000;

export interface SeqMarksOptions {
  now?: () => number;
  /** Rows older than this are pruned into the floors. */
  windowMs?: number;
}

export function createSeqMarks(db: Db, opts: SeqMarksOptions = {}) {
  const now = opts.now ?? Date.now;
  const windowMs = opts.windowMs ?? DEFAULT_DEDUPE_WINDOW_MS;
  const insertSeen = db.prepare(
    'INSERT INTO seen_seqs (agent_id, incarnation, stream, seq, received_at_ms) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
  );
  const selectFloor = db.prepare<[string, string], { floor_seq: number }>('SELECT floor_seq FROM seq_floors WHERE agent_id = ? AND stream = ?');
  const upsertFloor = db.prepare(
    'INSERT INTO seq_floors (agent_id, stream, floor_seq) VALUES (?, ?, ?) ON CONFLICT (agent_id, stream) DO UPDATE SET floor_seq = max(seq_floors.floor_seq, excluded.floor_seq)',
  );
  const oldestSeen = db.prepare<[], { at: number | null }>('SELECT min(received_at_ms) AS at FROM seen_seqs');
  const prunable = db.prepare<[number], { agent_id: string; incarnation: string; stream: string; seq: number }>(
    'SELECT agent_id, incarnation, stream, max(seq) AS seq FROM seen_seqs WHERE received_at_ms < ? GROUP BY agent_id, incarnation, stream',
  );
  const deleteSeen = db.prepare('DELETE FROM seen_seqs WHERE received_at_ms < ?');
  const maxSeen = db.prepare<[string, string, string], { seq: number | null }>(
    'SELECT max(seq) AS seq FROM seen_seqs WHERE agent_id = ? AND incarnation = ? AND stream = ?',
  );
  const selectMark = db.prepare<[string, string], { max_seq: number }>('SELECT max_seq FROM seq_marks WHERE agent_id = ? AND stream = ?');
  const upsertMark = db.prepare(
    'INSERT INTO seq_marks (agent_id, stream, max_seq) VALUES (?, ?, ?) ON CONFLICT (agent_id, stream) DO UPDATE SET max_seq = max(seq_marks.max_seq, excluded.max_seq)',
  );

  const floors = new Map<string, number>();
  const marks = new Map<string, number>();
  const dirty = new Map<string, { agentId: string; stream: string; seq: number }>();
  let lastPruneMs = Number.NEGATIVE_INFINITY;
  const streamOf = (stream: SeqStream, incarnation: string | undefined): string => (incarnation ? `${stream}@${incarnation}` : stream);
  const keyOf = (agentId: string, stream: string): string => `${agentId}\u0000${stream}`;

  function floor(agentId: string, stream: string): number {
    const key = keyOf(agentId, stream);
    let value = floors.get(key);
    if (value === undefined) {
      value = selectFloor.get(agentId, stream)?.floor_seq ?? 0;
      floors.set(key, value);
    }
    return value;
  }
  function mark(agentId: string, stream: string): number {
    const key = keyOf(agentId, stream);
    let value = marks.get(key);
    if (value === undefined) {
      value = selectMark.get(agentId, stream)?.max_seq ?? 0;
      marks.set(key, value);
    }
    return value;
  }

  return {
    /** Notes the seq when it is new (inside the batch transaction); otherwise says why it is not. */
    accept(agentId: string, kind: SeqStream, seq: number, incarnation: string | undefined, receivedAtMs: number): SeqVerdict {
      const stream = streamOf(kind, incarnation);
      if (seq <= floor(agentId, stream)) return 'below_floor';
      if (insertSeen.run(agentId, incarnation ?? '', kind, seq, receivedAtMs).changes === 0) return 'seen';
      if (seq > mark(agentId, stream)) {
        const key = keyOf(agentId, stream);
        marks.set(key, seq);
        dirty.set(key, { agentId, stream, seq });
      }
      return 'new';
    },
    /** The highest seq applied so far (0 = none). */
    highest(agentId: string, kind: SeqStream, incarnation?: string): number {
      const stream = streamOf(kind, incarnation);
      return Math.max(mark(agentId, stream), floor(agentId, stream), maxSeen.get(agentId, incarnation ?? '', kind)?.seq ?? 0);
    },
    /** Has anything of this incarnation been applied (results or events)? */
    knows(agentId: string, incarnation: string): boolean {
      return mark(agentId, streamOf('results', incarnation)) > 0 || mark(agentId, streamOf('events', incarnation)) > 0;
    },
    /**
     * Writes the highest seqs noted since the last call and, at most every 10 s, prunes rows older than the window
     * into the floors (a slice at a time, so a long downtime's backlog never stalls one batch). Call inside the
     * batch transaction, once per batch. Returns the rows pruned.
     */
    persist(): number {
      for (const m of dirty.values()) upsertMark.run(m.agentId, m.stream, m.seq);
      dirty.clear();
      const atMs = now();
      if (atMs - lastPruneMs < PRUNE_EVERY_MS) return 0;
      lastPruneMs = atMs;
      const oldest = oldestSeen.get()?.at ?? null;
      const cutoff = atMs - windowMs;
      if (oldest === null || oldest >= cutoff) return 0;
      const before = Math.min(cutoff, oldest + PRUNE_SLICE_MS);
      for (const row of prunable.all(before)) {
        const stream = streamOf(row.stream as SeqStream, row.incarnation || undefined);
        upsertFloor.run(row.agent_id, stream, row.seq);
      }
      // Another collector sharing the store may have raised floors too: read them afresh.
      floors.clear();
      return deleteSeen.run(before).changes;
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
export type SeqMarks = ReturnType<typeof createSeqMarks>;
