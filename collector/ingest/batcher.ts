/**
 * Micro-batching: items are collected until `maxItems` or `maxDelayMs` (0: end of the current I/O turn), then processed together in one
 * store transaction. Each submitter's promise resolves only after the batch committed, so the broker can
 * hold the acknowledgement until the effect is durable; after-commit work (announcing changes) starts then.
 *
 * One batch at a time: what arrives while a batch is being committed waits for it, then goes in the next batch
 * (at most `maxItems`, at once: it has waited a commit already). So at most one batch is in flight and one is
 * filling — the bound the external broker's backpressure counts on (2 × maxItems uncommitted).
 *
 * Quiet flush: a batch that has gathered `quiet.minItems` and then hears nothing for `quiet.ms` goes before its delay
 * is up. A broker that bounds what it sends us unacknowledged (EMQX `max_inflight`, Mosquitto
 * `max_inflight_messages`) sends that window in one burst while it has a backlog for us, then waits for PUBACKs that
 * wait for this commit: waiting out the delay would idle the pipeline and cap a session at one window per delay.
 * A live stream spread over time rarely pauses that long once the batch is that full.
 */
export interface BatcherOptions<T, R> {
  maxItems: number;
  maxDelayMs: number;
  /** Processes a batch inside a transaction; returns what to announce after the commit. */
  processBatch(items: T[]): Promise<R>;
  /** Runs after the commit (not awaited before the next batch: its own sinks keep their order). */
  afterCommit(result: R): void | Promise<void>;
  onError(error: unknown, items: T[]): void;
  /** `afterCommit` failed (the batch is committed and acknowledged). */
  onAfterCommitError?(error: unknown): void;
  /** Flush early once the batch has `minItems` and nothing arrived for `ms` (absent: only `maxItems` / `maxDelayMs`). */
  quiet?: { ms: number; minItems: number };
  /** Monotonic milliseconds (injected by tests). */
  now?: () => number;
}

interface Waiter {
  resolve: () => void;
  reject: (e: unknown) => void;
}

export function createBatcher<T, R>(opts: BatcherOptions<T, R>) {
  let items: T[] = [];
  let waiters: Waiter[] = [];
  let timer: NodeJS.Timeout | null = null;
  let immediate: NodeJS.Immediate | null = null;
  let quietTimer: NodeJS.Timeout | null = null;
  let lastArrivalMs = 0;
  let running: Promise<void> | null = null;
  const now = opts.now ?? (() => performance.now());

  function clearSchedule(): void {
    if (timer) clearTimeout(timer);
    if (immediate) clearImmediate(immediate);
    if (quietTimer) clearTimeout(quietTimer);
    timer = null;
    immediate = null;
    quietTimer = null;
  }

  /** Goes once `quiet.ms` passed since the last arrival; a timer that fires early (arrivals meanwhile) waits the rest. */
  function armQuiet(quietMs: number, waitMs: number): void {
    quietTimer = setTimeout(() => {
      quietTimer = null;
      const rest = lastArrivalMs + quietMs - now();
      // Timers keep whole milliseconds of a cached loop clock: a fraction short counts as quiet.
      if (rest < 1) kick();
      else armQuiet(quietMs, rest);
    }, waitMs);
  }

  async function runOne(batch: T[], batchWaiters: Waiter[]): Promise<void> {
    let result: R;
    try {
      result = await opts.processBatch(batch);
    } catch (error) {
      opts.onError(error, batch);
      for (const w of batchWaiters) w.reject(error);
      return;
    }
    for (const w of batchWaiters) w.resolve();
    try {
      void Promise.resolve(opts.afterCommit(result)).catch((error: unknown) => opts.onAfterCommitError?.(error));
    } catch (error) {
      opts.onAfterCommitError?.(error);
    }
  }

  /** Starts the next batch unless one is running; after it, whatever queued meanwhile goes next. */
  function kick(): void {
    clearSchedule();
    if (running || items.length === 0) return;
    const batch = items.slice(0, opts.maxItems);
    const batchWaiters = waiters.slice(0, opts.maxItems);
    items = items.slice(batch.length);
    waiters = waiters.slice(batch.length);
    running = runOne(batch, batchWaiters).finally(() => {
      running = null;
      kick();
    });
  }

  /** Commits everything queued now and resolves when it is committed (or failed). */
  async function flush(): Promise<void> {
    kick();
    while (running) await running;
  }

  return {
    submit(item: T): Promise<void> {
      items.push(item);
      const done = new Promise<void>((resolve, reject) => waiters.push({ resolve, reject }));
      // While a batch runs, the next one starts when it ends (kick in `finally`).
      if (running) return done;
      if (items.length >= opts.maxItems) kick();
      // 0 = flush once the current I/O has been handled: everything that arrived together shares a commit.
      else if (opts.maxDelayMs <= 0) immediate ??= setImmediate(kick);
      else {
        timer ??= setTimeout(kick, opts.maxDelayMs);
        const quiet = opts.quiet;
        if (quiet && items.length >= quiet.minItems) {
          lastArrivalMs = now();
          if (!quietTimer) armQuiet(quiet.ms, quiet.ms);
        }
      }
      return done;
    },
    flush,
    /** Items waiting for a batch (not the one being committed). */
    get pending(): number {
      return items.length;
    },
  };
}
export type Batcher<T> = { submit(item: T): Promise<void>; flush(): Promise<void>; readonly pending: number };
