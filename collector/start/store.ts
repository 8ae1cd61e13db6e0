/**
 * The collector's store, opened first: on SQLite the data_dir lock (a second collector on this directory is refused
 * before it touches anything), the store itself (SQLite file or PostgreSQL, migrated on open), the repositories of
 * agents/checks/intervals/observation log, and the state tracker over them. The store is closed at lifecycle stop.
 */
import type { Lifecycle } from '../../common/lifecycle.js';
import { createRateLimitedLog, type Logger } from '../../common/logger.js';
import { storeLocation, type CollectorConfig } from '../config.js';
import type { CollectorMetrics } from '../metrics.js';
import { createStateTracker, type CheckMeta } from '../states/tracker.js';
import { acquireDataDirLock } from '../store/data-dir-lock.js';
import { createAgentsRepo } from '../store/sql/agents-repo.js';
import { createChecksRepo } from '../store/sql/checks-repo.js';
import { openSqlStore } from '../store/sql/connect.js';
import { createIntervalsRepo } from '../store/sql/intervals-repo.js';
import { createObservationLogRepo } from '../store/sql/observation-log.js';

export async function openStore(config: CollectorConfig, deps: { lifecycle: Lifecycle; log: Logger; root: Logger; metrics: CollectorMetrics; now: () => number }) {
  const { lifecycle, log, metrics, now } = deps;
  const location = storeLocation(config);
  if (location.kind === 'sqlite') {
    // One collector per SQLite file; collectors sharing a PostgreSQL store coordinate in the database instead.
    const lock = acquireDataDirLock(config.data_dir);
    lifecycle.add({ name: 'data_dir lock', stop: () => lock.release() });
    if (lock.tookOverFrom !== null) log.warn({ stale_pid: lock.tookOverFrom, lock_file: lock.file }, 'stale data_dir lock of a collector that is gone taken over');
  }
  const store = await openSqlStore(location);
  lifecycle.add({ name: 'database', stop: () => store.close() });
  const agents = createAgentsRepo();
  metrics.countAgentsOnlineWith(() => agents.countOnline(store.db));
  const checks = createChecksRepo();
  const intervals = createIntervalsRepo();
  const observationLog = createObservationLogRepo();
  /** Rate-limited warnings of the ingest (one key per agent and kind). */
  const warn = createRateLimitedLog(deps.root.child({ component: 'ingest' }), 10_000, 5, now);
  const confirmations = config.states.confirmations;
  const tracker = createStateTracker({
    intervals,
    log: observationLog,
    shared: store.dialect === 'postgres',
    confirmationsFor: (meta: CheckMeta) => confirmations[meta.checkId] ?? confirmations[meta.checkType] ?? config.states.default_confirmations,
    reorderWindowMs: config.states.reorder_window,
    now,
    onTooLate: (meta, run) => {
      metrics.tooLate.inc();
      warn(`too-late:${meta.agentId}`, { agent_id: meta.agentId, check_id: meta.checkId, observed_at_ms: run.firstMs }, 'result older than the reorder window dropped');
    },
  });
  return { store, agents, checks, intervals, observationLog, tracker, warn };
}
export type OpenStore = Awaited<ReturnType<typeof openStore>>;
