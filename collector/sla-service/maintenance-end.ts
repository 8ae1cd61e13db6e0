/**
 * When a maintenance window ends, checks that are still bad get their incident then — not only at their next state
 * change, which may never come (a host that stays down). Every pass looks at the checks currently not ok and offers
 * those whose target left a window since the previous pass to the incident service again (idempotent).
 */
import type { StateChange } from '../events.js';
import { currentStateChanges } from '../incidents/reconcile.js';
import type { StateInterval } from '../store/intervals-store.js';
import { repeat, type Repeating, type Timers } from '../../common/timers.js';

export interface MaintenanceEndDeps {
  /** The open intervals of the checks currently not ok (only those can need an incident when a window ends). */
  openIntervals(): StateInterval[];
  /** Maintenance of a target over [fromMs, toMs), merged. */
  maintenanceOf(target: string, fromMs: number, toMs: number): Array<{ startMs: number; endMs: number }>;
  /** The incident service's batch entry. */
  handle(changes: StateChange[]): void;
  now: () => number;
  timerFunctions: Timers;
  everyMs: number;
  /** A pass that threw (the next one runs anyway). */
  onError: (error: unknown) => void;
}

export function createMaintenanceEndWatcher(deps: MaintenanceEndDeps) {
  let lastMs = deps.now();
  let job: Repeating | null = null;

  /** True when a window of the target ended in (fromMs, toMs] (and the target is not in another one now). */
  function leftMaintenance(target: string, fromMs: number, toMs: number): boolean {
    const windows = deps.maintenanceOf(target, fromMs - 1, toMs + 60_000);
    const inWindowNow = windows.some((w) => w.startMs <= toMs && toMs < w.endMs);
    return !inWindowNow && windows.some((w) => w.endMs > fromMs && w.endMs <= toMs);
  }

  /** One pass; returns how many checks were offered again. */
  function scan(): number {
    const nowMs = deps.now();
    const fromMs = lastMs;
    lastMs = nowMs;
    if (nowMs <= fromMs) return 0;
    const due = deps
      .openIntervals()
      .filter((i) => i.state !== 'ok')
      .filter((i) => leftMaintenance(i.target, fromMs, nowMs) || ((i.cause === 'agent_offline' || i.cause === 'agent_stopped') && leftMaintenance(i.agentId, fromMs, nowMs)));
    if (due.length > 0) deps.handle(currentStateChanges(due));
    return due.length;
  }

  return {
    scan,
    start(): void {
      job ??= repeat(deps.timerFunctions, deps.everyMs, () => void scan(), deps.onError);
    },
    stop(): void {
      job?.stop();
    },
  };
}
