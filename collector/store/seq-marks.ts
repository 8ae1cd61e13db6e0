/**
 * Durable dedupe by (agent_id, seq). Agents publish each stream strictly in seq order (spool replay
 * included), so a high-water mark per (agent, stream) is exact: anything at or below it was already applied
 * (QoS 1 redelivery, replay after a crash). The mark is written in the same transaction as the effects.
 * An agent that sends an `incarnation` has one mark per (stream, incarnation), stored as stream `results@<inc>`:
 * a re-installed agent (new incarnation, seq from 1 again) is not mistaken for a replay.
 */
import type { Db } from './db.js';

export type SeqStream = 'results' | 'events';

export function createSeqMarks(db: Db) {
  const cache = new Map<string, number>();
  const select = db.prepare<[string, string], { max_seq: number }>('SELECT max_seq FROM seq_marks WHERE agent_id = ? AND stream = ?');
  const upsert = db.prepare(
    'INSERT INTO seq_marks (agent_id, stream, max_seq) VALUES (?, ?, ?) ON CONFLICT (agent_id, stream) DO UPDATE SET max_seq = excluded.max_seq',
  );
  const dirty = new Map<string, { agentId: string; stream: string; seq: number }>();
  const streamOf = (stream: SeqStream, incarnation: string | undefined): string => (incarnation ? `${stream}@${incarnation}` : stream);
  function mark(agentId: string, stream: string): number {
    const key = `${agentId}\u0000${stream}`;
    let value = cache.get(key);
    if (value === undefined) {
      value = select.get(agentId, stream)?.max_seq ?? 0;
      cache.set(key, value);
    }
    return value;
  }
  return {
    /** Returns true and notes the seq when it is new; false for a duplicate. `persist` writes the notes. */
    accept(agentId: string, kind: SeqStream, seq: number, incarnation?: string): boolean {
      const stream = streamOf(kind, incarnation);
      if (seq <= mark(agentId, stream)) return false;
      const key = `${agentId}\u0000${stream}`;
      cache.set(key, seq);
      dirty.set(key, { agentId, stream, seq });
      return true;
    },
    /** The highest seq applied so far (0 = none). */
    highest(agentId: string, kind: SeqStream, incarnation?: string): number {
      return mark(agentId, streamOf(kind, incarnation));
    },
    /** Has anything of this incarnation been applied (results or events)? */
    knows(agentId: string, incarnation: string): boolean {
      return mark(agentId, streamOf('results', incarnation)) > 0 || mark(agentId, streamOf('events', incarnation)) > 0;
    },
    /** Writes the marks noted since the last call; call inside the batch transaction, once per batch. */
    persist(): void {
      for (const m of dirty.values()) upsert.run(m.agentId, m.stream, m.seq);
      dirty.clear();
    },
    /** Drops cached marks (after a rolled-back transaction the cache may be ahead of the database). */
    resetCache(): void {
      cache.clear();
      dirty.clear();
    },
  };
}
export type SeqMarks = ReturnType<typeof createSeqMarks>;
