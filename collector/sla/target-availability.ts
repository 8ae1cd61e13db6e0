/**
 * Availability of one target under its contract: picks the contract (or none → 24x7 at 99.9 %), its calendar
 * and target, the maintenance windows that apply to the target, and the configured UNKNOWN/WARN policy.
 */
import { availabilityWindow, computeAvailability, type AvailabilityReport, type StateInterval } from './availability.js';
import { maintenanceIntervals } from './maintenance.js';
import { getCalendar, resolvePolicy, type SlaSetup } from './setup.js';

export interface TargetAvailabilityInput {
  target: string;
  groups: readonly string[];
  /** The target's (or a derived service's) state intervals overlapping the period. */
  intervals: readonly StateInterval[];
  fromMs: number;
  toMs: number;
  nowMs: number;
}

export interface TargetAvailability {
  contract: string | null;
  calendar: string;
  report: AvailabilityReport;
}

export function targetAvailability(setup: SlaSetup, input: TargetAvailabilityInput): TargetAvailability {
  const { contract } = resolvePolicy(setup, input.target, input.groups);
  const calendarName = contract?.calendar ?? '24x7';
  const window = availabilityWindow(getCalendar(setup, calendarName), input.fromMs, input.toMs, input.nowMs);
  const maintenance = maintenanceIntervals(setup.maintenance, input.target, input.groups, window.fromMs, window.toMs);
  const report = computeAvailability(window, input.intervals, maintenance, {
    targetPercent: contract?.availabilityTarget ?? 99.9,
    unknownPolicy: setup.unknownPolicy,
    warnCountsAsUp: setup.warnCountsAsUp,
  });
  return { contract: contract?.name ?? null, calendar: calendarName, report };
}
