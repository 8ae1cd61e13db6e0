/**
 * When a maintenance window ends, checks that are still bad get their incident then — not only at their next state
 * change, which may never come (a host that stays down). Every pass looks at the checks currently not ok and offers
 * those whose target left a window since the previous pass to the incident service again (idempotent).
 * A singleton job (start/stop as the lease comes and goes; the window since the last pass here is scanned on
 * restart); passes never overlap.
 */
import type { StateChange } from '../events.js';
import { currentStateChanges } from '../incidents/reconcile.js';
import type { StateInterval } from '../store/sql/intervals-repo.js';
import type { Timers } from '../../common/timers.js';
import { periodicPass } from './periodic.js';

export interface MaintenanceEndDeps {
  /** The open intervals of the checks currently not ok (only those can need an incident when a window ends). */
  openIntervals(): Promise<StateInterval[]>;
  /** Maintenance of a target over [fromMs, toMs), merged (in memory: the SLA front door's maintenanceOf). */
  maintenanceOf(target: string, fromMs: number, toMs: number): Array<{ startMs: number; endMs: number }>;
  /** The incident service's batch entry. */
  handle(changes: StateChange[]): void | Promise<void>;
  now: () => number;
  timerFunctions: Timers;
  everyMs: number;
  /** A pass that threw (the next one runs anyway). */
  onError: (error: unknown) => void;
}

export function createMaintenanceEndWatcher(deps: MaintenanceEndDeps) {
  let lastMs = deps.now();

  /** True when a window of the target ended in (fromMs, toMs] (and the target is not in another one now). */
  function leftMaintenance(target: string, fromMs: number, toMs: number): boolean {
    const windows = deps.maintenanceOf(target, fromMs - 1, toMs + 60_000);
    const inWindowNow = windows.some((w) => w.startMs <= toMs && toMs < w.endMs);
    return !inWindowNow && windows.some((w) => w.endMs > fromMs && w.endMs <= toMs);
  }

  /** One pass; returns how many checks were offered again. */
  async function pass(): Promise<number> {
    const nowMs = deps.now();
    const fromMs = lastMs;
    if (nowMs <= fromMs) return 0;
    const due = (await deps.openIntervals()).filter((i) => i.state !== 'ok')
      .filter((i) => leftMaintenance(i.target, fromMs, nowMs) || ((i.cause === 'agent_offline' || i.cause === 'agent_stopped') && leftMaintenance(i.agentId, fromMs, nowMs)));
    if (due.length > 0) await deps.handle(currentStateChanges(due));
    // Only once handled: a pass that failed is covered by the next one.
    lastMs = nowMs;
    return due.length;
  }

  const job = periodicPass(deps.timerFunctions, deps.everyMs, pass, deps.onError);
  return {
    /** One pass now (joining a running one). */
    scan: job.run,
    start: job.start,
    /** Resolves once a running pass ended. */
    stop: job.stop,
    running: job.started,
  };
}
