/**
 * Turns the state history into per-minute availability points. Each tick writes the minutes that closed since
 * the last one (a minute closes `closeDelayMs` after it ends) for every target, once. Late data (a state change
 * or result dated before the closed mark) marks its target dirty from that minute; the next tick rewrites those
 * minutes (same series and timestamp: InfluxDB overwrites), as far back as `maxRewriteMs`.
 */
import type { StateInterval as AvailabilityInterval } from '../sla/availability.js';
import { getCalendar, resolvePolicy, type SlaSetup } from '../sla/setup.js';
import { floorMinute, minuteBuckets } from './buckets.js';
import { float, int, type Point } from './line-protocol.js';
import { MEASUREMENTS } from './points.js';

export interface TargetTimeline {
  intervals: AvailabilityInterval[];
  maintenance: Array<{ startMs: number; endMs: number }>;
}

export interface AvailabilityFeedDeps {
  /** The SLA front door's setup in force (asked at every tick: a reload swaps it). */
  setup(): SlaSetup;
  /** Every target with a check. */
  targets(): string[] | Promise<string[]>;
  /** Groups a target belongs to (for its contract). */
  groupsOf(target: string): readonly string[];
  write(points: Point[]): void;
  /**
   * The target's derived state and maintenance as the SLA front door (the API and reports) sees them, so the
   * buckets and /api/v1/availability agree.
   */
  timeline(target: string, fromMs: number, toMs: number): TargetTimeline | Promise<TargetTimeline>;
  closeDelayMs: number;
  backfillMs: number;
  maxRewriteMs: number;
}

/** The availability points of one target for the minutes [fromMs, toMs). */
export async function targetAvailabilityPoints(deps: Pick<AvailabilityFeedDeps, 'setup' | 'groupsOf' | 'timeline'>, target: string, fromMs: number, toMs: number): Promise<Point[]> {
  const { intervals, maintenance } = await deps.timeline(target, fromMs, toMs);
  // The setup is read after the timeline (an await): one setup for the whole computation, even across a reload.
  const setup = deps.setup();
  const groups = deps.groupsOf(target);
  const { contract } = resolvePolicy(setup, target, groups);
  const calendarName = contract?.calendar ?? '24x7';
  const tags: Record<string, string> = { target, contract: contract?.name ?? 'none', calendar: calendarName };
  if (groups[0]) tags.group = groups[0];
  return minuteBuckets(getCalendar(setup, calendarName), intervals, maintenance, fromMs, toMs, setup.warnCountsAsUp).map((b) => ({
    measurement: MEASUREMENTS.availability,
    tags,
    fields: {
      up_s: float(b.upMs / 1000),
      down_s: float(b.downMs / 1000),
      unknown_s: float(b.unknownMs / 1000),
      maintenance_s: float(b.maintenanceMs / 1000),
      scheduled_s: float(b.scheduledMs / 1000),
      state_code: int(b.stateCode),
      /** The contract's availability target (percent): lets dashboards compute allowed downtime. */
      target_percent: float(contract?.availabilityTarget ?? 99.9),
    },
    timeMs: b.minuteMs,
  }));
}

export function createAvailabilityFeed(deps: AvailabilityFeedDeps) {
  let closedUntil: number | null = null;
  /** While a tick runs: the mark it is closing up to (data before it may have been read already). */
  let closing: number | null = null;
  let dirty = new Map<string, number>();

  return {
    /** Late data for `target` at `atMs`: rewrite from its minute on the next tick. */
    markDirty(target: string, atMs: number): void {
      // The store is read across awaits now: data arriving during a tick for minutes it is writing is late too.
      const mark = closing ?? closedUntil;
      if (mark === null || atMs >= mark) return;
      const from = floorMinute(atMs);
      dirty.set(target, Math.min(dirty.get(target) ?? from, from));
    },
    /** Writes newly closed minutes (and dirty ones); returns how many points were produced. Ticks must not overlap. */
    async tick(nowMs: number): Promise<number> {
      const closeUntil = floorMinute(nowMs - deps.closeDelayMs);
      const previous = closedUntil ?? floorMinute(nowMs - deps.backfillMs);
      const floor = floorMinute(nowMs - deps.maxRewriteMs);
      if (closeUntil <= previous && dirty.size === 0) return 0;
      let written = 0;
      const to = Math.max(previous, closeUntil);
      // Marks made from here on belong to the next tick.
      const rewrite = dirty;
      dirty = new Map();
      closing = to;
      try {
        for (const target of await deps.targets()) {
          const from = Math.max(floor, Math.min(previous, rewrite.get(target) ?? previous));
          if (from >= to) continue;
          const points = await targetAvailabilityPoints(deps, target, from, to);
          written += points.length;
          deps.write(points);
        }
      } catch (error) {
        // Nothing is lost: the same minutes and marks are tried again next tick.
        for (const [target, from] of rewrite) dirty.set(target, Math.min(dirty.get(target) ?? from, from));
        throw error;
      } finally {
        closing = null;
      }
      closedUntil = to;
      return written;
    },
    closedUntil: (): number | null => closedUntil,
  };
}
export type AvailabilityFeed = ReturnType<typeof createAvailabilityFeed>;
