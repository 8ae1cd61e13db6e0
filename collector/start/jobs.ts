/**
 * The collector's periodic jobs on its own clock: heartbeat deadlines, the silence scan (checks not heard from in
 * time become unknown — not while the broker connection is down: that is the broker's incident), and pruning the
 * observation log beyond the reorder window. Each pass is async: a new one starts only after the last finished.
 */
import type { Lifecycle } from '../../common/lifecycle.js';
import type { Logger } from '../../common/logger.js';
import type { SingletonJobs } from '../jobs/singleton.js';
import { BACKGROUND_TIMERS, repeat } from '../../common/timers.js';
import type { BrokerHealth } from '../broker-health.js';
import type { CollectorConfig } from '../config.js';
import type { HeartbeatService } from '../heartbeats/service.js';
import type { Ingest } from '../ingest/ingest.js';
import type { LivenessMonitor, SilenceVerdict } from '../liveness.js';
import type { SqlStore } from '../store/sql/connect.js';
import type { ChecksRepo } from '../store/sql/checks-repo.js';
import type { ObservationLogRepo } from '../store/sql/observation-log.js';

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
  store: SqlStore;
  observationLog: ObservationLogRepo;
  /** Read before a check is declared silent: the other collector of a pair may have heard from it. */
  checks?: Pick<ChecksRepo, 'get'>;
  /** The silence scan runs on one collector at a time (its lease). */
  jobs: Pick<SingletonJobs, 'register'>;
}): void {
  const { config, lifecycle, log, now, liveness, ingest, brokerHealth } = deps;
  const failed = (what: string) => (error: unknown) => log.error({ err: error }, what);
  const deadlines = repeat(BACKGROUND_TIMERS, config.states.silence_scan, () => {
    deps.heartbeats.checkDeadlines().catch(failed('heartbeat deadlines not applied'));
  }, failed('heartbeat deadlines not applied'));
  lifecycle.add({ name: 'heartbeat deadlines', stop: () => deadlines.stop() });

  // One pass at a time: a tick while the last pass's verdicts are still being stored is skipped.
  const silencePass = onePassAtATime(async () => {
    // Without a broker connection nothing can be heard: that is the broker incident, not every check's silence.
    if (brokerHealth && !brokerHealth.connected()) return;
    const due = liveness.dueForSilence(now());
    if (due.length === 0) return;
    // Collectors in pairs: each hears only its share of a check's results, the store has all of them. A check the
    // other collector heard from since is not silent: this one learns of it and asks again at the next pass.
    const confirmed: SilenceVerdict[] = [];
    for (const verdict of due) {
      const row = deps.checks ? await deps.checks.get(deps.store.db, verdict.meta.agentId, verdict.meta.checkId) : null;
      const heardHereAtMs = now() - verdict.silentForMs;
      if (row && row.lastReceivedMs > heardHereAtMs) liveness.seen(verdict.meta, row.intervalS, row.lastReceivedMs);
      else confirmed.push(verdict);
    }
    if (confirmed.length > 0) await ingest.silence(confirmed);
  }, failed('silence verdicts not stored'));
  let silence: { stop(): void } | null = null;
  deps.jobs.register('silence-scan', {
    start: () => {
      silence ??= repeat(BACKGROUND_TIMERS, config.states.silence_scan, silencePass, failed('silence scan failed'));
    },
    stop: () => {
      silence?.stop();
      silence = null;
    },
  });

  // Between ingest batches (their queue), so it never interleaves with a batch transaction or its pending run
  // extensions; one pass at a time.
  const pruneOld = onePassAtATime(async () => {
    const dropped = await ingest.exclusive(() => deps.observationLog.prune(deps.store.db, now() - config.states.reorder_window));
    if (dropped > 0) log.info({ dropped }, 'observation log pruned beyond the reorder window');
  }, failed('observation log pruning failed'));
  pruneOld();
  const pruning = repeat(BACKGROUND_TIMERS, PRUNE_EVERY_MS, pruneOld, failed('observation log pruning failed'));
  lifecycle.add({ name: 'observation log pruning', stop: () => pruning.stop() });
}

/** A job pass that starts only when the previous one has finished; its errors are logged, never thrown. */
function onePassAtATime(pass: () => Promise<void>, onError: (error: unknown) => void): () => void {
  let running = false;
  return () => {
    if (running) return;
    running = true;
    pass()
      .catch(onError)
      .finally(() => {
        running = false;
      });
  };
}
