import { describe, expect, it } from 'vitest';
import { createBatcher } from '../../../../collector/ingest/batcher.js';

describe('micro-batcher', () => {
  it('flushes at maxItems and resolves every submitter after the batch was processed', async () => {
    const batches: number[][] = [];
    const after: number[][] = [];
    const b = createBatcher<number, number[]>({
      maxItems: 3,
      maxDelayMs: 60_000,
      processBatch: (items) => (batches.push(items), items.map((i) => i * 10)),
      afterCommit: (r) => after.push(r),
      onError: () => undefined,
    });
    const done = [1, 2, 3].map((i) => b.submit(i));
    await Promise.all(done);
    expect(batches).toEqual([[1, 2, 3]]);
    expect(after).toEqual([[10, 20, 30]]);
    expect(b.pending).toBe(0);
  });

  it('flushes after the delay when fewer items arrive', async () => {
    const batches: number[][] = [];
    const b = createBatcher<number, void>({ maxItems: 100, maxDelayMs: 1, processBatch: (items) => void batches.push(items), afterCommit: () => undefined, onError: () => undefined });
    await Promise.all([b.submit(1), b.submit(2)]);
    expect(batches).toEqual([[1, 2]]);
  });

  it('rejects every submitter of a failed batch and reports the error', async () => {
    const errors: unknown[] = [];
    const b = createBatcher<number, void>({
      maxItems: 2,
      maxDelayMs: 60_000,
      processBatch: () => {
        throw new Error('disk full');
      },
      afterCommit: () => undefined,
      onError: (e) => errors.push(e),
    });
    const results = await Promise.allSettled([b.submit(1), b.submit(2)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(errors).toHaveLength(1);
  });
});
