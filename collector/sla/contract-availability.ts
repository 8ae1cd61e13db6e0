/**
 * A contract's availability over a period (pure): the time-weighted mean of its member targets,
 * `A = Σ up / Σ measured`, so each target weighs by the contract time it was measured (seed 003: "测量期间的服务可用性
 * 平均不低于98%"). The error budget is pooled the same way: allowed = (100 − target) % of Σ measured, used = Σ down.
 * One definition for the SLA summary (/api/v1/sla/summary, the console's overview, status pages) and the SLA report.
 */
import type { AvailabilityReport } from './availability.js';

export type MemberFigures = Pick<AvailabilityReport, 'upMs' | 'downMs' | 'measuredMs' | 'unknownMs' | 'maintenanceMs' | 'scheduledMs'>;

export interface ContractAvailability {
  /** Members with a report (targets without any history count nowhere). */
  measuredTargets: number;
  upMs: number;
  downMs: number;
  measuredMs: number;
  /** Σ up / Σ measured × 100; null when nothing was measured. */
  availabilityPercent: number | null;
  targetPercent: number;
  targetMet: boolean | null;
  allowedDowntimeMs: number;
  errorBudgetLeftMs: number;
  /** Percent of the allowed downtime still unused (negative when overspent; null when nothing is allowed). */
  errorBudgetLeftPercent: number | null;
}

export function contractAvailability(members: ReadonlyArray<MemberFigures | null>, targetPercent: number): ContractAvailability {
  let upMs = 0;
  let downMs = 0;
  let measuredMs = 0;
  let measuredTargets = 0;
  for (const m of members) {
    if (m === null) continue;
    measuredTargets++;
    upMs += m.upMs;
    downMs += m.downMs;
    measuredMs += m.measuredMs;
  }
  const availabilityPercent = measuredMs > 0 ? (upMs / measuredMs) * 100 : null;
  const allowedDowntimeMs = ((100 - targetPercent) / 100) * measuredMs;
  const errorBudgetLeftMs = allowedDowntimeMs - downMs;
  return {
    measuredTargets,
    upMs,
    downMs,
    measuredMs,
    availabilityPercent,
    targetPercent,
    targetMet: availabilityPercent === null ? null : availabilityPercent >= targetPercent,
    allowedDowntimeMs,
    errorBudgetLeftMs,
    errorBudgetLeftPercent: allowedDowntimeMs > 0 ? (errorBudgetLeftMs / allowedDowntimeMs) * 100 : null,
  };
}
