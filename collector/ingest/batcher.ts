/**
 * Micro-batching: items are collected until `maxItems` or `maxDelayMs` (0: end of the current I/O turn), then processed together in one
 * SQLite transaction. Each submitter's promise resolves only after the batch committed, so the broker can
 * hold the acknowledgement until the effect is durable; after-commit work (announcing changes) runs then.
 */
export interface BatcherOptions<T, R> {
  maxItems: number;
  maxDelayMs: number;
  /** Processes a batch inside a transaction; returns what to announce after the commit. */
  processBatch(items: T[]): R;
  afterCommit(result: R): void;
  onError(error: unknown, items: T[]): void;
}

export function createBatcher<T, R>(opts: BatcherOptions<T, R>) {
  let items: T[] = [];
  let waiters: Array<{ resolve: () => void; reject: (e: unknown) => void }> = [];
  let timer: NodeJS.Timeout | null = null;
  let immediate: NodeJS.Immediate | null = null;

  function flush(): void {
    if (timer) clearTimeout(timer);
    if (immediate) clearImmediate(immediate);
    timer = null;
    immediate = null;
    if (items.length === 0) return;
    const batch = items;
    const batchWaiters = waiters;
    items = [];
    waiters = [];
    let result: R;
    try {
      result = opts.processBatch(batch);
    } catch (error) {
      opts.onError(error, batch);
      for (const w of batchWaiters) w.reject(error);
      return;
    }
    for (const w of batchWaiters) w.resolve();
    opts.afterCommit(result);
  }

  return {
    submit(item: T): Promise<void> {
      items.push(item);
      const done = new Promise<void>((resolve, reject) => waiters.push({ resolve, reject }));
      if (items.length >= opts.maxItems) flush();
      // 0 = flush once the current I/O has been handled: everything that arrived together shares a commit.
      else if (opts.maxDelayMs <= 0) immediate ??= setImmediate(flush);
      else timer ??= setTimeout(flush, opts.maxDelayMs);
      return done;
    },
    flush,
    get pending(): number {
      return items.length;
    },
  };
}
export type Batcher<T> = { submit(item: T): Promise<void>; flush(): void; readonly pending: number };
