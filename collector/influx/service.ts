/**
 * The collector's InfluxDB side: turns results, committed state changes and incident notices into points,
 * and on a timer writes closed availability minutes, the current state of every check (once a minute),
 * open incidents by severity and agents online/offline. Every hook only queues lines: nothing here blocks ingest,
 * and nothing per point reads the store (the targets are cached; the store is read once per tick or per notice).
 */
import type { Logger } from '../../common/logger.js';
import { BACKGROUND_TIMERS, repeat, type Repeating } from '../../common/timers.js';
import type { ResultMessage } from '../../common/protocol.js';
import type { IncidentNotice, StateChange } from '../events.js';
import { countActiveBySeverity, getIncidentByNumber } from '../incidents/repository.js';
import type { SlaFrontDoor } from '../sla-service/front-door.js';
import type { AgentsRepo } from '../store/sql/agents-repo.js';
import type { ChecksRepo } from '../store/sql/checks-repo.js';
import type { SqlStore } from '../store/sql/connect.js';
import type { IntervalsRepo } from '../store/sql/intervals-repo.js';
import { createAvailabilityFeed } from './availability-feed.js';
import { floorMinute } from './buckets.js';
import type { InfluxConfig } from './config.js';
import { formatPoint, type Point } from './line-protocol.js';
import { agentPoints, incidentCountPoints, incidentEventPoint, incidentSlaPoint, resultPoints, stateChangePoint, statePoint } from './points.js';
import { createTransport, type InfluxTransport } from './transport.js';
import { createInfluxWriter } from './writer.js';

export interface InfluxServiceDeps {
  config: InfluxConfig;
  /**
   * The SLA front door: contracts in force, the target derivation and maintenance (config + API) the availability
   * API uses, so the buckets equal /api/v1/availability; and incident SLA clocks as the incident API computes them.
   */
  sla: Pick<SlaFrontDoor, 'current' | 'timeline' | 'groupsOf' | 'timers'>;
  store: SqlStore;
  agents: AgentsRepo;
  checks: ChecksRepo;
  intervals: IntervalsRepo;
  logger: Logger;
  now: () => number;
  /** Defaults to the transport the config's mode asks for. */
  transport?: InfluxTransport;
}

export function createInfluxService(deps: InfluxServiceDeps) {
  const { config } = deps;
  const log = deps.logger.child({ component: 'influx' });
  const writer = createInfluxWriter({
    transport: deps.transport ?? createTransport(config, log),
    logger: log,
    batchSize: config.batch_size,
    flushIntervalMs: config.flush_interval,
    maxBufferLines: config.max_buffer_lines,
    retryMinMs: config.retry_min,
    retryMaxMs: config.retry_max,
  });
  function write(points: readonly Point[]): void {
    const lines: string[] = [];
    for (const p of points) {
      const line = formatPoint(p);
      if (line !== null) lines.push(line);
    }
    writer.write(lines);
  }

  const { sla, store } = deps;
  /** Every target with a check: read once (first tick), then grown by the results seen (checks are never deleted). */
  const targets = new Set<string>();
  let targetsLoaded = false;
  async function knownTargets(): Promise<string[]> {
    if (!targetsLoaded) {
      for (const c of await deps.checks.all(store.db)) targets.add(c.target);
      targetsLoaded = true;
    }
    return [...targets];
  }
  const feed = createAvailabilityFeed({
    setup: sla.current,
    targets: knownTargets,
    groupsOf: sla.groupsOf,
    timeline: sla.timeline,
    write,
    closeDelayMs: config.availability.close_delay,
    backfillMs: config.availability.backfill,
    maxRewriteMs: config.availability.max_rewrite,
  });
  let snapshotMinute = -1;

  /** Writes the incident's SLA outcomes (only clocks that have one) at its opening instant; see incidentSlaPoint. */
  async function slaOutcome(notice: IncidentNotice): Promise<void> {
    const record = await getIncidentByNumber(store.db, notice.incident.number);
    // Folded incidents carry no SLA of their own (the summary skips them too).
    if (!record || record.parentId !== null) return;
    // The contract the incident was opened under (recorded with its policy), not the target's contract now.
    const contractName = (await sla.timers.policyOf(record)).contract;
    const contract = contractName === null ? undefined : sla.current().contracts.find((c) => c.name === contractName);
    const clocks = await sla.timers.compute(record, notice.atMs);
    const outcome = (t: typeof clocks.response): boolean | null => (t === null ? null : t.breached ? false : t.stoppedAtMs !== null ? true : null);
    const point = incidentSlaPoint(
      {
        severity: record.severity,
        contract: contractName,
        number: record.number,
        responseMet: outcome(clocks.response),
        resolutionMet: outcome(clocks.resolution),
        responseElapsedMs: clocks.response?.elapsedMs ?? null,
        resolutionElapsedMs: clocks.resolution?.elapsedMs ?? null,
        complianceTarget: contract?.complianceTarget ?? null,
      },
      record.openedAtMs,
    );
    if (point) write([point]);
  }

  async function tick(): Promise<void> {
    const nowMs = deps.now();
    await feed.tick(nowMs);
    const minute = floorMinute(nowMs);
    if (minute !== snapshotMinute) {
      const [open, agents] = [await deps.intervals.openAll(store.db), await deps.agents.list(store.db)];
      snapshotMinute = minute;
      write(open.map((i) => statePoint(i, minute, false)));
      write(agentPoints(agents, minute));
    }
    write(incidentCountPoints(await countActiveBySeverity(store.db), nowMs));
  }

  let ticking: Repeating | null = null;
  /** The tick running now: a timer firing meanwhile joins it instead of starting a second one. */
  let running: Promise<void> | null = null;
  const guarded = async (what: string, fn: () => void | Promise<void>): Promise<void> => {
    try {
      await fn();
    } catch (error) {
      log.error({ err: error }, `influx ${what} failed`);
    }
  };
  function tickOnce(): Promise<void> {
    running ??= guarded('tick', tick).finally(() => {
      running = null;
    });
    return running;
  }

  return {
    /** Queues the result's points (no store access). */
    onResult(m: ResultMessage, receivedAtMs: number): void {
      try {
        const observedMs = Math.min(m.observed_at_ms, receivedAtMs);
        write(resultPoints(m, observedMs));
        targets.add(m.target);
        feed.markDirty(m.target, observedMs);
      } catch (error) {
        log.error({ err: error }, 'influx result failed');
      }
    },
    /** Queues the change's point (no store access). */
    onStateChange(change: StateChange): void {
      try {
        write([stateChangePoint(change)]);
        feed.markDirty(change.target, change.atMs);
      } catch (error) {
        log.error({ err: error }, 'influx state change failed');
      }
    },
    /** Queues the notice's point; an SLA outcome reads the incident (never rejects: a failure is logged). */
    onIncidentNotice(notice: IncidentNotice): Promise<void> {
      return guarded('incident notice', async () => {
        write([incidentEventPoint(notice)]);
        if (notice.kind === 'resolved' || notice.kind === 'acknowledged' || notice.kind === 'sla_breach') await slaOutcome(notice);
      });
    },
    /** Runs one tick now (tests, shutdown); joins the one running. */
    tick: tickOnce,
    async start(): Promise<void> {
      await tickOnce();
      ticking ??= repeat(BACKGROUND_TIMERS, config.availability.tick, () => void tickOnce(), (error) => log.error({ err: error }, 'influx tick failed'));
    },
    flush: () => writer.flush(),
    stats: () => writer.stats(),
    async stop(): Promise<void> {
      ticking?.stop();
      ticking = null;
      await running;
      await tickOnce();
      await writer.stop();
    },
  };
}
export type InfluxService = ReturnType<typeof createInfluxService>;
