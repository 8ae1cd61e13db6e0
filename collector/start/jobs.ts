/**
 * The collector's periodic jobs on its own clock: heartbeat deadlines, the silence scan (checks not heard from in
 * time become unknown — not while the broker connection is down: that is the broker's incident), and pruning the
 * observation log beyond the reorder window.
 */
import type { Lifecycle } from '../../common/lifecycle.js';
import type { Logger } from '../../common/logger.js';
import { BACKGROUND_TIMERS, repeat } from '../../common/timers.js';
import type { BrokerHealth } from '../broker-health.js';
import type { CollectorConfig } from '../config.js';
import type { HeartbeatService } from '../heartbeats/service.js';
import type { Ingest } from '../ingest/ingest.js';
import type { LivenessMonitor } from '../liveness.js';
import type { ObservationLog } from '../store/observation-log.js';

const PRUNE_EVERY_MS = 3_600_000;

export function startJobs(deps: {
  config: CollectorConfig;
  lifecycle: Lifecycle;
  log: Logger;
  now: () => number;
  heartbeats: HeartbeatService;
  liveness: LivenessMonitor;
  ingest: Ingest;
  brokerHealth: BrokerHealth | null;
  observationLog: ObservationLog;
}): void {
  const { config, lifecycle, log, now, liveness, ingest, brokerHealth } = deps;
  const failed = (what: string) => (error: unknown) => log.error({ err: error }, what);
  const deadlines = repeat(BACKGROUND_TIMERS, config.states.silence_scan, () => {
    deps.heartbeats.checkDeadlines().catch(failed('heartbeat deadlines not applied'));
  }, failed('heartbeat deadlines not applied'));
  lifecycle.add({ name: 'heartbeat deadlines', stop: () => deadlines.stop() });

  const silence = repeat(BACKGROUND_TIMERS, config.states.silence_scan, () => {
    // Without a broker connection nothing can be heard: that is the broker incident, not every check's silence.
    if (brokerHealth && !brokerHealth.connected()) return;
    const due = liveness.dueForSilence(now());
    if (due.length > 0) ingest.silence(due).catch(failed('silence verdicts not stored'));
  }, failed('silence scan failed'));
  lifecycle.add({ name: 'silence scan', stop: () => silence.stop() });

  // Between batches (better-sqlite3 is synchronous), so it never interleaves with an ingest transaction.
  const pruneOld = () => {
    const dropped = deps.observationLog.prune(now() - config.states.reorder_window);
    if (dropped > 0) log.info({ dropped }, 'observation log pruned beyond the reorder window');
  };
  pruneOld();
  const pruning = repeat(BACKGROUND_TIMERS, PRUNE_EVERY_MS, pruneOld, failed('observation log pruning failed'));
  lifecycle.add({ name: 'observation log pruning', stop: () => pruning.stop() });
}
