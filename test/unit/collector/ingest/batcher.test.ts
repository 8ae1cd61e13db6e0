import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createBatcher } from '../../../../collector/ingest/batcher.js';

/** A promise with its resolve, to hold a batch "in the database" until the test lets it commit. */
function gate() {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe('micro-batcher', () => {
  it('flushes at maxItems and resolves every submitter after the batch was processed', async () => {
    const batches: number[][] = [];
    const after: number[][] = [];
    const b = createBatcher<number, number[]>({
      maxItems: 3,
      maxDelayMs: 60_000,
      processBatch: async (items) => (batches.push(items), items.map((i) => i * 10)),
      afterCommit: (r) => void after.push(r),
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
    const b = createBatcher<number, void>({ maxItems: 100, maxDelayMs: 1, processBatch: async (items) => void batches.push(items), afterCommit: () => undefined, onError: () => undefined });
    await Promise.all([b.submit(1), b.submit(2)]);
    expect(batches).toEqual([[1, 2]]);
  });

  it('rejects every submitter of a failed batch and reports the error', async () => {
    const errors: unknown[] = [];
    const b = createBatcher<number, void>({
      maxItems: 2,
      maxDelayMs: 60_000,
      processBatch: async () => {
        throw new Error('disk full');
      },
      afterCommit: () => undefined,
      onError: (e) => errors.push(e),
    });
    const results = await Promise.allSettled([b.submit(1), b.submit(2)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(errors).toHaveLength(1);
  });

  it('one batch in flight: what arrives meanwhile waits, then goes in the next batch (at most maxItems each)', async () => {
    const first = gate();
    const batches: number[][] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const b = createBatcher<number, void>({
      maxItems: 2,
      maxDelayMs: 0,
      processBatch: async (items) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        batches.push(items);
        if (batches.length === 1) await first.opened;
        inFlight--;
      },
      afterCommit: () => undefined,
      onError: () => undefined,
    });
    const settled: number[] = [];
    const track = (i: number) => b.submit(i).then(() => void settled.push(i));
    const all = [track(1), track(2)];
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toEqual([[1, 2]]);
    // The first batch is still committing: these queue up (the backpressure bound is 2 × maxItems).
    all.push(track(3), track(4), track(5));
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toHaveLength(1);
    expect(settled).toEqual([]);
    expect(b.pending).toBe(3);
    first.open();
    await Promise.all(all);
    expect(batches).toEqual([[1, 2], [3, 4], [5]]);
    expect(maxInFlight).toBe(1);
    expect(settled).toEqual([1, 2, 3, 4, 5]);
  });

  it('flush commits everything queued and resolves after the last commit; a failing afterCommit does not fail the batch', async () => {
    const batches: number[][] = [];
    const afterErrors: unknown[] = [];
    const b = createBatcher<number, void>({
      maxItems: 2,
      maxDelayMs: 60_000,
      processBatch: async (items) => void batches.push(items),
      afterCommit: async () => {
        throw new Error('sink down');
      },
      onError: () => undefined,
      onAfterCommitError: (e) => afterErrors.push(e),
    });
    const done = [1, 2, 3].map((i) => b.submit(i));
    await b.flush();
    expect(batches).toEqual([[1, 2], [3]]);
    await expect(Promise.all(done)).resolves.toBeDefined();
    await vi.waitFor(() => expect(afterErrors).toHaveLength(2));
  });

  describe('quiet flush (a window-bound broker waits for our acknowledgements)', () => {
    beforeEach(() => void vi.useFakeTimers());
    afterEach(() => void vi.useRealTimers());

    function quietBatcher(maxDelayMs: number) {
      const batches: number[][] = [];
      const b = createBatcher<number, void>({
        maxItems: 1000,
        maxDelayMs,
        quiet: { ms: 10, minItems: 3 },
        now: () => Date.now(),
        processBatch: async (items) => void batches.push(items),
        afterCommit: () => undefined,
        onError: () => undefined,
      });
      return { b, batches };
    }

    it('a batch of minItems goes once nothing arrived for quiet.ms, long before its delay', async () => {
      const { b, batches } = quietBatcher(60_000);
      const done = [1, 2, 3].map((i) => b.submit(i));
      await vi.advanceTimersByTimeAsync(9);
      expect(batches).toEqual([]);
      await vi.advanceTimersByTimeAsync(1);
      expect(batches).toEqual([[1, 2, 3]]);
      await Promise.all(done);
    });

    it('counts quiet from the last arrival: a stream that keeps coming fills the batch until it pauses', async () => {
      const { b, batches } = quietBatcher(60_000);
      const done = [1, 2, 3].map((i) => b.submit(i));
      for (let i = 4; i <= 9; i++) {
        await vi.advanceTimersByTimeAsync(5);
        done.push(b.submit(i));
      }
      // Last arrival at 30 ms: still open at 39 ms, gone at 40 ms.
      await vi.advanceTimersByTimeAsync(9);
      expect(batches).toEqual([]);
      await vi.advanceTimersByTimeAsync(1);
      expect(batches).toEqual([[1, 2, 3, 4, 5, 6, 7, 8, 9]]);
      await Promise.all(done);
    });

    it('below minItems a quiet batch waits for its delay (a trickle is not committed message by message)', async () => {
      const { b, batches } = quietBatcher(100);
      const done = [1, 2].map((i) => b.submit(i));
      await vi.advanceTimersByTimeAsync(99);
      expect(batches).toEqual([]);
      await vi.advanceTimersByTimeAsync(1);
      expect(batches).toEqual([[1, 2]]);
      await Promise.all(done);
    });

    it('a source that sends a window of 5 and waits for its acknowledgements: one window per commit, not per delay', async () => {
      const { b, batches } = quietBatcher(100);
      // The broker: a window in flight; each acknowledgement (commit) lets the next message go, 1 ms later.
      let sent = 0;
      const send = (): void => {
        sent++;
        void b.submit(sent).then(() => setTimeout(send, 1));
      };
      for (let i = 0; i < 5; i++) send();
      await vi.advanceTimersByTimeAsync(1000);
      // Without the quiet flush: 10 batches of 5 (one per 100 ms delay). With it: one per 11 ms (quiet + round trip).
      expect(batches.length).toBeGreaterThanOrEqual(85);
      expect(batches.every((batch) => batch.length === 5)).toBe(true);
    });
  });
});
