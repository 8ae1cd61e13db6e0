import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../common/logger.js';
import { openSpool, type SpoolEntry } from '../../../agent/spool.js';

const logger = createLogger({ level: 'silent' });
const freshDir = () => mkdtempSync(join(tmpdir(), 'outpost-spool-'));
const entry = (seq: number, at = 1_000_000 + seq): SpoolEntry => ({
  seq,
  kind: 'results',
  message: { seq, observed_at_ms: at, message: 'x'.repeat(50) },
});

function drain(spool: ReturnType<typeof openSpool>, max = 1000): number[] {
  const seqs: number[] = [];
  for (;;) {
    const batch = spool.nextBatch(max);
    if (batch.length === 0) return seqs;
    for (const e of batch) {
      seqs.push(e.seq);
      spool.ack(e.seq);
    }
  }
}

describe('spool', () => {
  it('hands entries out in order, once, and keeps unacked ones across a reopen', () => {
    const dir = freshDir();
    let spool = openSpool({ dir, maxBytes: 1 << 20, maxAgeMs: 1e12, now: () => 2_000_000, logger });
    for (let seq = 1; seq <= 10; seq++) spool.append(entry(seq));
    const first = spool.nextBatch(4);
    expect(first.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect(spool.nextBatch(2).map((e) => e.seq)).toEqual([5, 6]);
    spool.ack(1);
    spool.ack(2);
    spool.ack(4); // out of order: 3 still missing, so only 1..2 count as delivered
    spool.close();
    spool = openSpool({ dir, maxBytes: 1 << 20, maxAgeMs: 1e12, now: () => 2_000_000, logger });
    expect(spool.pendingCount()).toBe(8);
    expect(drain(spool)).toEqual([3, 4, 5, 6, 7, 8, 9, 10]);
    expect(spool.isDrained()).toBe(true);
    expect(spool.highestSeq()).toBe(10);
    spool.close();
  });

  it('live appends queue behind spooled entries (strict FIFO)', () => {
    const spool = openSpool({ dir: freshDir(), maxBytes: 1 << 20, maxAgeMs: 1e12, now: () => 2_000_000, logger, segmentBytes: 4096 });
    for (let seq = 1; seq <= 100; seq++) spool.append(entry(seq));
    const seen: number[] = [];
    for (let seq = 101; seq <= 150; seq++) {
      for (const e of spool.nextBatch(3)) {
        seen.push(e.seq);
        spool.ack(e.seq);
      }
      spool.append(entry(seq));
    }
    seen.push(...drain(spool));
    expect(seen).toEqual(Array.from({ length: 150 }, (_, i) => i + 1));
    spool.close();
  });

  it('rewind resends everything unacked', () => {
    const spool = openSpool({ dir: freshDir(), maxBytes: 1 << 20, maxAgeMs: 1e12, now: () => 2_000_000, logger });
    for (let seq = 1; seq <= 5; seq++) spool.append(entry(seq));
    spool.nextBatch(3);
    spool.ack(1);
    spool.rewind();
    expect(drain(spool)).toEqual([2, 3, 4, 5]);
    spool.close();
  });

  it('fully acked segments are deleted', () => {
    const dir = freshDir();
    const spool = openSpool({ dir, maxBytes: 1 << 20, maxAgeMs: 1e12, now: () => 2_000_000, logger, segmentBytes: 4096 });
    for (let seq = 1; seq <= 200; seq++) spool.append(entry(seq));
    expect(readdirSync(dir).filter((f) => f.endsWith('.jsonl')).length).toBeGreaterThan(3);
    drain(spool);
    expect(readdirSync(dir).filter((f) => f.endsWith('.jsonl')).length).toBe(1);
    spool.close();
  });

  it('size bound: oldest segments dropped first, drops counted and persisted until confirmed', () => {
    const dir = freshDir();
    const maxBytes = 16 * 1024;
    let spool = openSpool({ dir, maxBytes, maxAgeMs: 1e12, now: () => 2_000_000, logger, segmentBytes: 4096 });
    for (let seq = 1; seq <= 1000; seq++) {
      spool.append(entry(seq));
      expect(spool.bytes()).toBeLessThanOrEqual(maxBytes);
    }
    const dropped = spool.droppedUnreported();
    expect(dropped).toBeGreaterThan(0);
    spool.close();
    spool = openSpool({ dir, maxBytes, maxAgeMs: 1e12, now: () => 2_000_000, logger, segmentBytes: 4096 });
    expect(spool.droppedUnreported()).toBe(dropped);
    const remaining = drain(spool);
    // what is left is the newest contiguous tail, and nothing is both dropped and delivered
    expect(remaining[remaining.length - 1]).toBe(1000);
    expect(remaining).toEqual(Array.from({ length: remaining.length }, (_, i) => 1000 - remaining.length + 1 + i));
    expect(remaining.length + dropped).toBe(1000);
    spool.confirmDropsReported(dropped);
    expect(spool.droppedUnreported()).toBe(0);
    spool.close();
  });

  it('age bound: entries older than max_age are dropped and counted, newer ones kept', () => {
    let now = 10_000_000;
    const spool = openSpool({ dir: freshDir(), maxBytes: 1 << 20, maxAgeMs: 60_000, now: () => now, logger });
    spool.append(entry(1, now - 120_000));
    spool.append(entry(2, now - 90_000));
    spool.append(entry(3, now - 1000));
    expect(drain(spool)).toEqual([3]);
    expect(spool.droppedUnreported()).toBe(2);
    now += 1;
    spool.close();
  });

  it('a torn last line (crash mid-write) is ignored on reopen', async () => {
    const dir = freshDir();
    const spool = openSpool({ dir, maxBytes: 1 << 20, maxAgeMs: 1e12, now: () => 2_000_000, logger });
    spool.append(entry(1));
    spool.append(entry(2));
    spool.close();
    const { appendFileSync } = await import('node:fs');
    const segment = readdirSync(dir).find((f) => f.endsWith('.jsonl'))!;
    appendFileSync(join(dir, segment), '{"seq":3,"kind":"res');
    const reopened = openSpool({ dir, maxBytes: 1 << 20, maxAgeMs: 1e12, now: () => 2_000_000, logger });
    expect(drain(reopened)).toEqual([1, 2]);
    reopened.close();
  });
});
