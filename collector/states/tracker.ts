/**
 * Turns observations into state intervals. In-order observations extend the observation log and step the
 * per-check machine (O(1)); a late observation (older than the newest one of its check) is inserted into the
 * log and the intervals from the last interval that began before it are re-derived by replaying the log.
 * Must be called inside the ingest batch transaction; the returned StateChange is announced after commit.
 */
import type { StateChange } from '../events.js';
import type { CheckState } from '../../common/protocol.js';
import type { IntervalsStore, NewInterval, StateInterval } from '../store/intervals-store.js';
import type { ObservationLog, StoredRun } from '../store/observation-log.js';
import { INITIAL_MACHINE, replayRuns, stepRun, type ConfirmedChange, type MachineState, type ObservationRun } from './machine.js';
import { extendsRun, insertObservation } from './runs.js';

export interface CheckMeta {
  agentId: string;
  checkId: string;
  checkType: string;
  target: string;
}

interface TrackedCheck {
  meta: CheckMeta;
  machine: MachineState;
  lastRun: StoredRun | null;
  lastObservedMs: number;
}

export interface StateTrackerDeps {
  intervals: IntervalsStore;
  log: ObservationLog;
  /** Consecutive results needed before a change, for this check (config by check id, then type, then default). */
  confirmationsFor(meta: CheckMeta): number;
  /**
   * How far back (from now) a late observation may still rewrite history. Older late ones are dropped (and
   * reported): the observation log is pruned beyond this window.
   */
  reorderWindowMs: number;
  now(): number;
  onTooLate?(meta: CheckMeta, run: ObservationRun): void;
}

const EARLIEST = Number.MIN_SAFE_INTEGER;

function machineAfter(interval: StateInterval | null): MachineState {
  if (!interval) return INITIAL_MACHINE;
  return { confirmed: interval.state, confirmedSynthetic: interval.cause !== 'result', pending: null };
}

export function createStateTracker(deps: StateTrackerDeps) {
  const { intervals, log } = deps;
  const tracked = new Map<string, TrackedCheck>();

  /** Rebuilds the in-memory machine from the open interval and the runs since it began. */
  function load(meta: CheckMeta): TrackedCheck {
    const open = intervals.open(meta.agentId, meta.checkId);
    const runs = open ? log.loadFrom(meta.agentId, meta.checkId, open.startMs) : [];
    const { machine } = replayRuns(machineAfter(open), runs, deps.confirmationsFor(meta));
    const lastRun = log.last(meta.agentId, meta.checkId);
    return { meta, machine, lastRun, lastObservedMs: lastRun ? lastRun.lastMs : EARLIEST };
  }

  function get(meta: CheckMeta): TrackedCheck {
    const key = `${meta.agentId}\u0000${meta.checkId}`;
    let check = tracked.get(key);
    if (!check) {
      check = load(meta);
      tracked.set(key, check);
    }
    check.meta = meta;
    return check;
  }

  function toStateChange(meta: CheckMeta, change: Pick<ConfirmedChange, 'atMs' | 'reason' | 'cause' | 'finding'>, from: CheckState | null, to: CheckState): StateChange {
    return { ...meta, from, to, atMs: change.atMs, reason: change.reason, ...(change.finding ? { finding: change.finding } : {}), cause: change.cause };
  }

  function appendInOrder(check: TrackedCheck, run: ObservationRun): StateChange | null {
    const { meta } = check;
    check.lastRun = check.lastRun && extendsRun(check.lastRun, run)
      ? log.extend(check.lastRun, run.firstMs)
      : log.append(meta.agentId, meta.checkId, run);
    check.lastObservedMs = run.firstMs;
    const step = stepRun(check.machine, run, deps.confirmationsFor(meta));
    check.machine = step.machine;
    if (!step.change) return null;
    const { change } = step;
    intervals.transition({ ...meta, state: change.to, startMs: change.atMs, endMs: null, reason: change.reason, finding: change.finding ?? null, cause: change.cause });
    return toStateChange(meta, change, change.from, change.to);
  }

  function rederive(check: TrackedCheck, run: ObservationRun): StateChange | null {
    const { meta } = check;
    const before = check.machine.confirmed;
    const anchor = intervals.lastBefore(meta.agentId, meta.checkId, run.firstMs);
    const fromMs = anchor ? anchor.startMs : EARLIEST;
    const runs = insertObservation(log.loadFrom(meta.agentId, meta.checkId, fromMs), run);
    const stored = log.replaceFrom(meta.agentId, meta.checkId, fromMs, runs);
    const { machine, changes } = replayRuns(machineAfter(anchor), runs, deps.confirmationsFor(meta));
    const next: NewInterval[] = changes.map((c, i) => ({
      ...meta,
      state: c.to,
      startMs: c.atMs,
      endMs: changes[i + 1]?.atMs ?? null,
      reason: c.reason,
      finding: c.finding ?? null,
      cause: c.cause,
    }));
    intervals.replaceFrom(meta.agentId, meta.checkId, anchor ? anchor.startMs + 1 : EARLIEST, anchor, next);
    check.machine = machine;
    check.lastRun = stored[stored.length - 1] ?? check.lastRun;
    const last = changes[changes.length - 1];
    if (!last || machine.confirmed === before || machine.confirmed === null) return null;
    // Only a change of the *current* state is announced; corrections further back are history.
    return toStateChange(meta, last, before, machine.confirmed);
  }

  return {
    /** Applies one observation; returns the change of the check's current confirmed state, if any. */
    observe(meta: CheckMeta, run: ObservationRun): StateChange | null {
      const check = get(meta);
      if (run.firstMs >= check.lastObservedMs) return appendInOrder(check, run);
      if (run.firstMs < deps.now() - deps.reorderWindowMs) {
        deps.onTooLate?.(meta, run);
        return null;
      }
      return rederive(check, run);
    },
    /** The current confirmed state (null before the first result). */
    current(meta: CheckMeta): CheckState | null {
      return get(meta).machine.confirmed;
    },
    /** Writes coalesced observation-log updates; call at the end of the batch transaction. */
    persist(): void {
      log.persist();
    },
    /** Forgets cached machines (after a rolled-back transaction they may be ahead of the database). */
    resetCache(): void {
      tracked.clear();
      log.discard();
    },
  };
}
export type StateTracker = ReturnType<typeof createStateTracker>;
