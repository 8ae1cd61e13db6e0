/**
 * The one timer abstraction: jobs take `Timers` (injected, so tests drive time with a fake clock and timers that
 * fire when the test says) and build on `repeat` (a periodic job) or `setTimeout` with `clampDelay` (one alarm at
 * an instant). Nothing else in the collector calls the global setTimeout/setInterval for a job.
 */

export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Node's timers, unref'd: a pending job never keeps a process alive (the servers do). */
export const BACKGROUND_TIMERS: Timers = {
  setTimeout: (callback, ms) => {
    const handle = setTimeout(callback, ms);
    handle.unref();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Node's timers as they are: a pending one keeps the process alive (a notification retry a CLI must wait for). */
export const SYSTEM_TIMERS: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** setTimeout's largest delay (~24.8 days); a later instant is reached by re-arming. */
export const MAX_DELAY_MS = 2_147_483_647;

/** A delay for an instant `dueMs` seen at `nowMs`: never negative, never beyond what setTimeout accepts. */
export function clampDelay(dueMs: number, nowMs: number): number {
  return Math.min(Math.max(0, dueMs - nowMs), MAX_DELAY_MS);
}

export interface Repeating {
  stop(): void;
}

/**
 * Runs `job` every `everyMs` until stopped: the next run is armed after this one returned, or after its promise
 * settled (runs never overlap). A throw or rejection is passed to `onError` (the job runs again next time).
 */
export function repeat(timers: Timers, everyMs: number, job: () => void | Promise<void>, onError: (error: unknown) => void): Repeating {
  let handle: unknown = null;
  let stopped = false;
  const arm = (): void => {
    if (stopped) return;
    handle = timers.setTimeout(() => {
      handle = null;
      let result: void | Promise<void>;
      try {
        result = job();
      } catch (error) {
        onError(error);
        arm();
        return;
      }
      if (result instanceof Promise) {
        result.then(arm, (error: unknown) => {
          onError(error);
          arm();
        });
      } else arm();
    }, everyMs);
  };
  arm();
  return {
    stop(): void {
      stopped = true;
      if (handle !== null) timers.clearTimeout(handle);
      handle = null;
    },
  };
}
