/**
 * Keeps what inspection reports need from results (the checks table keeps only flat metrics): the newest result of
 * every check, and one sample per check and sample period for trends. Results are buffered (newest per check) and
 * written in one transaction per flush, so the ingest path never waits on SQLite.
 */
import type { Logger } from '../../common/logger.js';
import type { ResultMessage } from '../../common/protocol.js';
import type { ReportStore, ResultSample } from './store.js';

export interface SampleRecorderDeps {
  store: ReportStore;
  /** One stored sample per check and period (default 1 h). */
  periodMs: number;
  /** Samples older than this are pruned at each flush. */
  retentionMs: number;
  now: () => number;
  logger: Logger;
}

export function sampleOf(m: ResultMessage): ResultSample {
  return {
    agentId: m.agent_id,
    checkId: m.check_id,
    checkType: m.check_type,
    target: m.target,
    observedMs: m.observed_at_ms,
    state: m.state,
    message: m.message,
    code: m.code ?? null,
    params: m.params ?? null,
    metrics: m.metrics,
    series: m.series ?? [],
    details: m.details ?? {},
  };
}

export function createSampleRecorder(deps: SampleRecorderDeps) {
  const log = deps.logger.child({ component: 'reports.samples' });
  // Newest pending result per check and slot (a slot's newest wins in the store as well).
  const pending = new Map<string, ResultSample>();
  return {
    onResult(m: ResultMessage): void {
      const key = `${m.agent_id}\u0000${m.check_id}\u0000${Math.floor(m.observed_at_ms / deps.periodMs)}`;
      const held = pending.get(key);
      if (!held || held.observedMs <= m.observed_at_ms) pending.set(key, sampleOf(m));
    },
    flush(): void {
      if (pending.size === 0) return;
      const batch = [...pending.values()];
      pending.clear();
      try {
        deps.store.recordSamples(batch, deps.periodMs);
        deps.store.prune(deps.now() - deps.retentionMs);
      } catch (error) {
        log.error({ err: error, samples: batch.length }, 'report samples not stored');
      }
    },
    pending: (): number => pending.size,
  };
}
export type SampleRecorder = ReturnType<typeof createSampleRecorder>;
