/**
 * Keeps what inspection reports need from results (the checks table keeps only flat metrics): the newest result of
 * every check, and one sample per check and sample period for trends. Results are buffered (newest per check) and
 * written in one transaction per flush (batched inserts), so the ingest path never waits on the store.
 */
import type { Logger } from '../../common/logger.js';
import type { ResultMessage } from '../../common/protocol.js';
import type { SqlStore } from '../store/sql/connect.js';
import type { ReportStore, ResultSample } from './store.js';

export interface SampleRecorderDeps {
  /** The store the batches are written to (one transaction per flush). */
  store: Pick<SqlStore, 'transaction'>;
  samples: ReportStore;
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

const keyOf = (agentId: string, checkId: string, observedMs: number, periodMs: number) => `${agentId}\u0000${checkId}\u0000${Math.floor(observedMs / periodMs)}`;

export function createSampleRecorder(deps: SampleRecorderDeps) {
  const log = deps.logger.child({ component: 'reports.samples' });
  // Newest pending result per check and slot (a slot's newest wins in the store as well): at most one entry per
  // check and sample period, whatever the result rate.
  const pending = new Map<string, ResultSample>();
  const hold = (sample: ResultSample): void => {
    const key = keyOf(sample.agentId, sample.checkId, sample.observedMs, deps.periodMs);
    const held = pending.get(key);
    if (!held || held.observedMs <= sample.observedMs) pending.set(key, sample);
  };
  // One flush at a time: a flush asked for while one runs waits for it, then writes what arrived meanwhile.
  let running: Promise<void> = Promise.resolve();

  async function write(): Promise<void> {
    if (pending.size === 0) return;
    const batch = [...pending.values()];
    pending.clear();
    try {
      await deps.store.transaction(async (trx) => {
        await deps.samples.recordSamples(trx, batch, deps.periodMs);
        await deps.samples.prune(trx, deps.now() - deps.retentionMs);
      });
    } catch (error) {
      // Kept for the next flush (a store briefly unreachable loses nothing); newer results of a slot still win.
      for (const sample of batch) hold(sample);
      log.error({ err: error, samples: batch.length }, 'report samples not stored (kept for the next flush)');
    }
  }

  return {
    /** Buffers a result (no store access: the ingest path never waits on the store). */
    onResult(m: ResultMessage): void {
      hold(sampleOf(m));
    },
    /** Writes the buffered samples in one transaction; never rejects (errors are logged, the samples kept). */
    flush(): Promise<void> {
      running = running.then(write);
      return running;
    },
    pending: (): number => pending.size,
  };
}
export type SampleRecorder = ReturnType<typeof createSampleRecorder>;
