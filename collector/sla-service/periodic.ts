/**
 * A periodic async job on the injected timers (common/timers.ts): one pass at a time — the next is armed when a pass
 * ended, and a pass asked for while one runs joins it — started and stopped as often as the caller likes (a singleton
 * job runs only while its collector holds the lease). `stop` resolves once a running pass ended.
 */
import type { Timers } from '../../common/timers.js';

export interface PeriodicPass<T> {
  start(): void;
  stop(): Promise<void>;
  /** A pass now (or the running one); rejects when the pass threw (a timer's pass reports to onError instead). */
  run(): Promise<T>;
  started(): boolean;
}

export function periodicPass<T>(timers: Timers, everyMs: number, pass: () => Promise<T>, onError: (error: unknown) => void): PeriodicPass<T> {
  let handle: unknown = null;
  let started = false;
  let running: Promise<T> | null = null;

  function run(): Promise<T> {
    if (running !== null) return running;
    const current = (async () => {
      try {
        return await pass();
      } finally {
        running = null;
      }
    })();
    running = current;
    return current;
  }

  function arm(): void {
    if (!started || handle !== null) return;
    handle = timers.setTimeout(() => {
      handle = null;
      run()
        .catch(onError)
        .finally(arm);
    }, everyMs);
  }

  return {
    start(): void {
      started = true;
      arm();
    },
    async stop(): Promise<void> {
      started = false;
      if (handle !== null) timers.clearTimeout(handle);
      handle = null;
      await running?.catch(() => undefined);
    },
    run,
    started: () => started,
  };
}
