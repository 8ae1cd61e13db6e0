/**
 * Per-check cadence: the first run at a random point within the interval (so a fleet restarted together
 * does not probe in lockstep), then a fixed cadence from that point (no drift). A run still going when the
 * next is due is not overlapped: the tick is skipped and counted.
 */
import type { Logger } from '../common/logger.js';
import type { CheckConfig } from './config.js';
import type { CheckInstance } from './checks/types.js';
import { runCheck, type RunOutcome } from './runner.js';

export interface ScheduledCheck {
  config: CheckConfig;
  instance: CheckInstance;
}

export interface SchedulerDeps {
  checks: ScheduledCheck[];
  now: () => number;
  /** In [0, 1); injected so tests can pin the first-run offset. */
  random: () => number;
  logger: Logger;
  onResult(check: CheckConfig, outcome: RunOutcome): void;
}

export interface CheckStats {
  runs: number;
  skippedOverlaps: number;
}

export function createScheduler(deps: SchedulerDeps) {
  const log = deps.logger.child({ component: 'scheduler' });
  const timers = new Map<string, NodeJS.Timeout>();
  const running = new Map<string, Promise<unknown>>();
  /** Results being handed to onResult; stop() waits for these, not for checks that ignore their abort signal. */
  const delivering = new Set<Promise<unknown>>();
  const stats = new Map<string, CheckStats>(deps.checks.map((c) => [c.config.name, { runs: 0, skippedOverlaps: 0 }]));
  let stopped = false;

  function tick(check: ScheduledCheck): void {
    const name = check.config.name;
    const stat = stats.get(name) as CheckStats;
    if (running.has(name)) {
      stat.skippedOverlaps++;
      log.warn({ check: name, skipped: stat.skippedOverlaps }, 'previous run still in progress: skipped this run');
      return;
    }
    stat.runs++;
    const outcome = runCheck(check.instance, check.config.timeoutMs, deps.now);
    const delivered = outcome
      .then((o) => deps.onResult(check.config, o))
      .catch((error: unknown) => log.error({ check: name, err: error }, 'result handling failed'))
      .finally(() => delivering.delete(delivered));
    delivering.add(delivered);
    // the overlap guard holds until the check itself has finished, even past its timeout
    const guard = outcome.then((o) => o.settled).finally(() => running.delete(name));
    running.set(name, guard);
  }

  function schedule(check: ScheduledCheck, dueAtMonotonic: number): void {
    const delay = Math.max(0, dueAtMonotonic - performance.now());
    const timer = setTimeout(() => {
      if (stopped) return;
      tick(check);
      // next due time from the previous due time, not from now: fixed cadence without drift
      let next = dueAtMonotonic + check.config.intervalMs;
      while (next < performance.now()) next += check.config.intervalMs; // event loop was blocked: skip, don't burst
      schedule(check, next);
    }, delay);
    timers.set(check.config.name, timer);
  }

  return {
    start(): void {
      const base = performance.now();
      for (const check of deps.checks) schedule(check, base + deps.random() * check.config.intervalMs);
    },
    /** Stops scheduling and waits until runs in progress delivered their results (bounded by their timeouts). */
    async stop(): Promise<void> {
      stopped = true;
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
      await Promise.allSettled([...delivering]);
    },
    stats: (): ReadonlyMap<string, CheckStats> => stats,
  };
}

export type Scheduler = ReturnType<typeof createScheduler>;

/** Runs every check once, concurrently, in config order (for `outpost agent --once`). */
export async function runAllOnce(checks: ScheduledCheck[], now: () => number): Promise<Array<{ check: CheckConfig; outcome: RunOutcome }>> {
  return Promise.all(checks.map(async (c) => ({ check: c.config, outcome: await runCheck(c.instance, c.config.timeoutMs, now) })));
}
