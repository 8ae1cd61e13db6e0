/**
 * The collector's store, opened first: the data_dir lock (a second collector on this directory is refused before it
 * touches anything), the database, the stores of agents/checks/intervals, and the state tracker over them.
 */
import type { Lifecycle } from '../../common/lifecycle.js';
import { createRateLimitedLog, type Logger } from '../../common/logger.js';
import { databaseFile, type CollectorConfig } from '../config.js';
import type { CollectorMetrics } from '../metrics.js';
import { createStateTracker, type CheckMeta } from '../states/tracker.js';
import { createAgentsStore } from '../store/agents-store.js';
import { createChecksStore } from '../store/checks-store.js';
import { acquireDataDirLock } from '../store/data-dir-lock.js';
import { openDatabase } from '../store/db.js';
import { createIntervalsStore } from '../store/intervals-store.js';
import { createObservationLog } from '../store/observation-log.js';

export function openStore(config: CollectorConfig, deps: { lifecycle: Lifecycle; log: Logger; root: Logger; metrics: CollectorMetrics; now: () => number }) {
  const { lifecycle, log, metrics, now } = deps;
  const lock = acquireDataDirLock(config.data_dir);
  lifecycle.add({ name: 'data_dir lock', stop: () => lock.release() });
  if (lock.tookOverFrom !== null) log.warn({ stale_pid: lock.tookOverFrom, lock_file: lock.file }, 'stale data_dir lock of a collector that is gone taken over');
  const db = openDatabase(databaseFile(config));
  lifecycle.add({ name: 'database', stop: () => void db.close() });
  const agents = createAgentsStore(db);
  metrics.countAgentsOnlineWith(() => agents.countOnline());
  const checks = createChecksStore(db);
  const intervals = createIntervalsStore(db);
  const observationLog = createObservationLog(db);
  /** Rate-limited warnings of the ingest (one key per agent and kind). */
  const warn = createRateLimitedLog(deps.root.child({ component: 'ingest' }), 10_000, 5, now);
  const confirmations = config.states.confirmations;
  const tracker = createStateTracker({
    intervals,
    log: observationLog,
    confirmationsFor: (meta: CheckMeta) => confirmations[meta.checkId] ?? confirmations[meta.checkType] ?? config.states.default_confirmations,
    reorderWindowMs: config.states.reorder_window,
    now,
    onTooLate: (meta, run) => {
      metrics.tooLate.inc();
      warn(`too-late:${meta.agentId}`, { agent_id: meta.agentId, check_id: meta.checkId, observed_at_ms: run.firstMs }, 'result older than the reorder window dropped');
    },
  });
  return { db, agents, checks, intervals, observationLog, tracker, warn };
}
export type OpenStore = ReturnType<typeof openStore>;
