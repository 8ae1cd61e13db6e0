/**
 * The one answer to "is this target in maintenance?": the windows in force (config `sla.maintenance` of the current
 * setup + windows added through the API), applied to a target directly or through its group (incidents.targets).
 * The availability service, incident timers, incident suppression, the maintenance-end watcher, agent events and
 * reports all ask it; none assembles windows of its own. It answers from memory (the maintenance store's live windows,
 * loaded at start and kept current by its writes and re-reads): asked for every state change, it never waits for the
 * database.
 */
import { maintenanceIntervals, maintenanceSpanAt, type Interval, type MaintenanceWindow, type SlaSetup } from '../sla/index.js';
import type { MaintenanceStore } from './maintenance-store.js';

export interface MaintenanceViewDeps {
  /** The SLA setup in force (asked at use time: a reload swaps it). */
  setup: () => SlaSetup;
  store: MaintenanceStore;
  /** incidents.targets: each target's group. */
  targets?: Readonly<Record<string, { group?: string | undefined }>>;
}

export function createMaintenanceView(deps: MaintenanceViewDeps) {
  const targets = deps.targets ?? {};
  const groupsOf = (target: string): string[] => {
    const group = targets[target]?.group;
    return group ? [group] : [];
  };
  const windows = (): MaintenanceWindow[] => deps.store.windows(deps.setup());
  /** Maintenance of a target (its windows and its group's) over [fromMs, toMs), merged. */
  const of = (target: string, fromMs: number, toMs: number): Interval[] => maintenanceIntervals(windows(), target, groupsOf(target), fromMs, toMs);
  return {
    windows,
    groupsOf,
    of,
    /** Whether a window covers the target at `atMs`. */
    at: (target: string, atMs: number): boolean => of(target, atMs, atMs + 1).length > 0,
    /** The whole span (however long the window runs) covering the target at `atMs`, if any. */
    spanAt: (target: string, atMs: number): Interval | null => maintenanceSpanAt(windows(), target, groupsOf(target), atMs),
  };
}
export type MaintenanceView = ReturnType<typeof createMaintenanceView>;
