import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../../common/logger.js';
import { createScheduler } from '../../../agent/scheduler.js';
import type { CheckConfig } from '../../../agent/config.js';
import type { CheckInstance, Observation } from '../../../agent/checks/types.js';

const logger = createLogger({ level: 'silent' });
const config = (name: string, intervalMs: number, timeoutMs = intervalMs / 2): CheckConfig => ({
  type: 'tcp', name, intervalMs, timeoutMs, target: 't', tags: {}, options: {},
});
const okCheck = (log: number[]): CheckInstance => ({
  run: async () => {
    log.push(performance.now());
    return { state: 'ok', message: 'ok', metrics: {} };
  },
});

afterEach(() => vi.useRealTimers());

describe('scheduler', () => {
  it('first run at random × interval, then a fixed cadence', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance', 'Date'] });
    const runs: number[] = [];
    const results: string[] = [];
    const scheduler = createScheduler({
      checks: [{ config: config('a', 10_000), instance: okCheck(runs) }],
      now: Date.now,
      random: () => 0.25,
      logger,
      onResult: (c, o) => results.push(`${c.name}:${o.observation.state}`),
    });
    const t0 = performance.now();
    scheduler.start();
    await vi.advanceTimersByTimeAsync(2499);
    expect(runs).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(runs.map((t) => t - t0)).toEqual([2500, 12_500, 22_500, 32_500]);
    expect(results).toEqual(['a:ok', 'a:ok', 'a:ok', 'a:ok']);
    await scheduler.stop();
    await vi.advanceTimersByTimeAsync(50_000);
    expect(runs).toHaveLength(4);
  });

  it('a run that outlives its interval is not overlapped: the tick is skipped and counted', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance', 'Date'] });
    let starts = 0;
    let release!: () => void;
    const stuck: CheckInstance = {
      run: () => {
        starts++;
        return new Promise<Observation>((resolve) => (release = () => resolve({ state: 'ok', message: 'late', metrics: {} })));
      },
    };
    const results: string[] = [];
    const scheduler = createScheduler({
      checks: [{ config: config('slow', 1000, 500), instance: stuck }],
      now: Date.now,
      random: () => 0,
      logger,
      onResult: (_c, o) => results.push(o.observation.message),
    });
    scheduler.start();
    await vi.advanceTimersByTimeAsync(3500);
    expect(starts).toBe(1);
    expect(results).toEqual(['timed out after 0.5s']);
    expect(scheduler.stats().get('slow')).toEqual({ runs: 1, skippedOverlaps: 3 });
    release();
    await vi.advanceTimersByTimeAsync(1000);
    expect(starts).toBe(2);
    await scheduler.stop();
  });
});
