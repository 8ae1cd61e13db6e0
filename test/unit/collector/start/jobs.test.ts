/** The collector's periodic jobs: async passes, one at a time (a tick during a pass is skipped), errors logged not thrown. */
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLifecycle } from '../../../../common/lifecycle.js';
import { createLogger } from '../../../../common/logger.js';
import { defaultCollectorConfig } from '../../../../collector/config.js';
import type { HeartbeatService } from '../../../../collector/heartbeats/service.js';
import type { Ingest } from '../../../../collector/ingest/ingest.js';
import { createLivenessMonitor, type SilenceVerdict } from '../../../../collector/liveness.js';
import { startJobs } from '../../../../collector/start/jobs.js';
import type { SqlStore } from '../../../../collector/store/sql/connect.js';
import type { ObservationLogRepo } from '../../../../collector/store/sql/observation-log.js';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'error', destination, format: 'json' }) };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('collector jobs', () => {
  it('a silence pass still storing its verdicts makes the next tick skip; a failed prune is logged, not thrown', async () => {
    const { lines, logger } = capture();
    const config = { ...defaultCollectorConfig(), states: { ...defaultCollectorConfig().states, silence_scan: 1000 } };
    let now = 0;
    const liveness = createLivenessMonitor({ silenceFactor: 3 });
    const meta = (checkId: string) => ({ agentId: 'a1', checkId, checkType: 'tcp', target: 't' });
    liveness.seen(meta('c1'), 1, 0);
    const calls: SilenceVerdict[][] = [];
    let release: () => void = () => undefined;
    const ingest = {
      silence: (verdicts: SilenceVerdict[]) => {
        calls.push(verdicts);
        return new Promise<void>((resolve) => (release = resolve));
      },
      exclusive: <T>(fn: () => Promise<T>) => fn(),
    } as unknown as Ingest;
    const observationLog = { prune: async () => Promise.reject(new Error('relation "observation_runs" is locked')) } as unknown as ObservationLogRepo;
    const lifecycle = createLifecycle(logger);
    startJobs({
      config,
      lifecycle,
      log: logger,
      now: () => now,
      heartbeats: { checkDeadlines: async () => undefined } as unknown as HeartbeatService,
      liveness,
      ingest,
      brokerHealth: null,
      store: { db: {} } as unknown as SqlStore,
      observationLog,
      // This collector holds every job at once (the lease machinery has its own tests).
      jobs: { register: (_name: string, job: { start(): void }) => void job.start() },
    });
    await vi.waitFor(() => expect(lines.map((l) => l.msg)).toContain('observation log pruning failed'));
    now = 10_000;
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls.map((c) => c.map((v) => v.meta.checkId))).toEqual([['c1']]);
    // Another check falls silent while the first pass is still storing: the tick is skipped.
    liveness.seen(meta('c2'), 1, 9000);
    now = 20_000;
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls).toHaveLength(1);
    release();
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls.map((c) => c.map((v) => v.meta.checkId))).toEqual([['c1'], ['c2']]);
    release();
    await lifecycle.stop();
  });

  it('a check the other collector of a pair heard from (its row in the store is newer) is not declared silent', async () => {
    const { logger } = capture();
    const config = { ...defaultCollectorConfig(), states: { ...defaultCollectorConfig().states, silence_scan: 1000 } };
    let now = 0;
    const liveness = createLivenessMonitor({ silenceFactor: 3 });
    const meta = { agentId: 'a1', checkId: 'c1', checkType: 'tcp', target: 't' };
    liveness.seen(meta, 1, 0);
    const calls: SilenceVerdict[][] = [];
    const ingest = { silence: async (v: SilenceVerdict[]) => void calls.push(v), exclusive: <T>(fn: () => Promise<T>) => fn() } as unknown as Ingest;
    // The partner stored a result received at 8 s: this collector last heard at 0 s.
    const storedReceivedMs = 8000;
    const checks = { get: async () => ({ intervalS: 1, lastReceivedMs: storedReceivedMs }) } as never;
    const lifecycle = createLifecycle(logger);
    const jobs = { register: (_name: string, job: { start(): void | Promise<void> }) => void job.start() };
    startJobs({
      config, lifecycle, log: logger, now: () => now,
      heartbeats: { checkDeadlines: async () => undefined } as unknown as HeartbeatService,
      liveness, ingest, brokerHealth: null, store: { db: {} } as unknown as SqlStore,
      observationLog: { prune: async () => 0 } as unknown as ObservationLogRepo, checks, jobs,
    });
    now = 10_000;
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls).toEqual([]);
    // Nobody hears from it any more: silent 3 intervals after the partner's last result.
    now = 12_000;
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls.map((c) => c.map((v) => [v.meta.checkId, v.atMs]))).toEqual([[['c1', 11_000]]]);
    await lifecycle.stop();
  });
});
