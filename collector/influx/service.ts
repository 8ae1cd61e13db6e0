/**
 * The collector's InfluxDB side: turns results, committed state changes and incident notices into points,
 * and on a timer writes closed availability minutes, the current state of every check (once a minute),
 * open incidents by severity and agents online/offline. Every hook only queues lines: nothing here blocks ingest.
 */
import type { Logger } from '../../common/logger.js';
import { BACKGROUND_TIMERS, repeat, type Repeating } from '../../common/timers.js';
import type { ResultMessage } from '../../common/protocol.js';
import type { IncidentNotice, StateChange } from '../events.js';
import { countActiveBySeverity, getIncidentByNumber } from '../incidents/repository.js';
import type { SlaFrontDoor } from '../sla-service/front-door.js';
import type { AgentsStore } from '../store/agents-store.js';
import type { ChecksStore } from '../store/checks-store.js';
import type { Db } from '../store/db.js';
import type { IntervalsStore } from '../store/intervals-store.js';
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
  db: Db;
  agents: AgentsStore;
  checks: ChecksStore;
  intervals: IntervalsStore;
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

  const { sla } = deps;
  const feed = createAvailabilityFeed({
    setup: sla.current,
    targets: () => [...new Set(deps.checks.all().map((c) => c.target))],
    groupsOf: sla.groupsOf,
    timeline: sla.timeline,
    write,
    closeDelayMs: config.availability.close_delay,
    backfillMs: config.availability.backfill,
    maxRewriteMs: config.availability.max_rewrite,
  });
  let snapshotMinute = -1;

  /** Writes the incident's SLA outcomes (only clocks that have one) at its opening instant; see incidentSlaPoint. */
  function slaOutcome(notice: IncidentNotice): void {
    const record = getIncidentByNumber(deps.db, notice.incident.number);
    // Folded incidents carry no SLA of their own (the summary skips them too).
    if (!record || record.parentId !== null) return;
    // The contract the incident was opened under (recorded with its policy), not the target's contract now.
    const contractName = sla.timers.policyOf(record).contract;
    const contract = contractName === null ? undefined : sla.current().contracts.find((c) => c.name === contractName);
    const clocks = sla.timers.compute(record, notice.atMs);
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

  function tick(): void {
    const nowMs = deps.now();
    feed.tick(nowMs);
    const minute = floorMinute(nowMs);
    if (minute !== snapshotMinute) {
      snapshotMinute = minute;
      write(deps.intervals.openAll().map((i) => statePoint(i, minute, false)));
      write(agentPoints(deps.agents.list(), minute));
    }
    write(incidentCountPoints(countActiveBySeverity(deps.db), nowMs));
  }

  let ticking: Repeating | null = null;
  const guarded = (what: string, fn: () => void): void => {
    try {
      fn();
    } catch (error) {
      log.error({ err: error }, `influx ${what} failed`);
    }
  };

  return {
    onResult(m: ResultMessage, receivedAtMs: number): void {
      guarded('result', () => {
        const observedMs = Math.min(m.observed_at_ms, receivedAtMs);
        write(resultPoints(m, observedMs));
        feed.markDirty(m.target, observedMs);
      });
    },
    onStateChange(change: StateChange): void {
      guarded('state change', () => {
        write([stateChangePoint(change)]);
        feed.markDirty(change.target, change.atMs);
      });
    },
    onIncidentNotice(notice: IncidentNotice): void {
      guarded('incident notice', () => {
        write([incidentEventPoint(notice)]);
        if (notice.kind === 'resolved' || notice.kind === 'acknowledged' || notice.kind === 'sla_breach') slaOutcome(notice);
      });
    },
    /** Runs one tick now (tests, shutdown). */
    tick: (): void => guarded('tick', tick),
    start(): void {
      guarded('tick', tick);
      ticking ??= repeat(BACKGROUND_TIMERS, config.availability.tick, () => guarded('tick', tick), (error) => log.error({ err: error }, 'influx tick failed'));
    },
    flush: () => writer.flush(),
    stats: () => writer.stats(),
    async stop(): Promise<void> {
      ticking?.stop();
      ticking = null;
      guarded('tick', tick);
      await writer.stop();
    },
  };
}
export type InfluxService = ReturnType<typeof createInfluxService>;
