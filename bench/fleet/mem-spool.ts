/**
 * The agent's spool semantics (agent/spool.ts) kept in memory, for thousands of simulated agents in one process:
 * entries leave only on PUBACK, what was in flight when a connection dropped is sent again after the reconnect
 * (mqtt.js resends its own unacked publishes; a rewind resends from the oldest unacked), order is kept. No size or
 * age bound: the benchmark counts every result, so nothing may be dropped on the agents' side.
 */
import type { SpoolEntry } from '../../agent/spool.js';
import type { OutboxSpool } from '../../agent/outbox.js';

export interface MemSpool extends OutboxSpool {
  /** Highest seq acked with every lower one acked too. */
  ackedSeq(): number;
  /** Highest seq appended. */
  lastSeq(): number;
  /** Entries not yet acked (in flight or waiting). */
  pending(): number;
}

export function createMemSpool(): MemSpool {
  /** Unacked entries, oldest first. */
  let entries: SpoolEntry[] = [];
  let head = 0;
  let sentSeq = 0;
  let acked = 0;
  let last = 0;
  const inflight = new Set<number>();
  const ackedOutOfOrder = new Set<number>();

  function compact(): void {
    if (head > 1024 && head * 2 > entries.length) {
      entries = entries.slice(head);
      head = 0;
    }
  }

  return {
    append(entry) {
      entries.push(entry);
      last = entry.seq;
    },
    nextBatch(max) {
      const out: SpoolEntry[] = [];
      for (let i = head; i < entries.length && out.length < max; i++) {
        const entry = entries[i] as SpoolEntry;
        if (entry.seq <= sentSeq || ackedOutOfOrder.has(entry.seq)) continue;
        sentSeq = entry.seq;
        inflight.add(entry.seq);
        out.push(entry);
      }
      return out;
    },
    ack(seq) {
      if (!inflight.delete(seq)) return;
      ackedOutOfOrder.add(seq);
      while (head < entries.length && ackedOutOfOrder.delete((entries[head] as SpoolEntry).seq)) {
        acked = (entries[head] as SpoolEntry).seq;
        head++;
      }
      compact();
    },
    rewind() {
      inflight.clear();
      sentSeq = acked;
    },
    inflightCount: () => inflight.size,
    isDrained: () => head >= entries.length,
    droppedUnreported: () => 0,
    confirmDropsReported: () => undefined,
    ackedSeq: () => acked,
    lastSeq: () => last,
    pending: () => entries.length - head,
  };
}
