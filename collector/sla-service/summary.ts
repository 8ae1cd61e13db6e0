/**
 * The SLA summary of a month per contract: availability of each member target against the contract's target, and
 * the contract's incidents opened in the month (attributed to the month they opened) by severity with
 * response/resolution compliance, MTTA and MTTR (wall clock, acknowledged / resolved incidents only).
 *
 * Compliance counts only clocks with an outcome: met (stopped within target) or breached (past its due instant,
 * stopped or still running). Running-and-not-yet-due, waiting, deferred (maintenance) and paused clocks are
 * `pending`, shown beside: compliance = met / (met + breached), null when no clock has an outcome. The contract's
 * `compliance_target` judges resolution compliance.
 */
import { contractAvailability, getCalendar, monthPeriod, PERIOD_FORMAT, type SlaSetup, type TimerStatus } from '../sla/index.js';
import type { SqlStore } from '../store/sql/connect.js';
import { AvailabilityError, type AvailabilityResult, type AvailabilityService } from './availability-service.js';
import type { IncidentTimers } from './incident-timers.js';
import { createIncidentSections } from './summary-incidents.js';

export interface Compliance {
  /** Clocks the policy sets for these incidents. */
  with_target: number;
  met: number;
  breached: number;
  /** Clocks without an outcome yet (running and not due, waiting, deferred, paused). */
  pending: number;
  /** met / (met + breached) × 100; null when no clock has an outcome. */
  compliance_percent: number | null;
}

const seconds = (ms: number | null) => (ms === null ? null : Math.round(ms / 1000));

/** The outcome of one clock: met, breached, or pending (no outcome yet). */
export function clockOutcome(t: TimerStatus): 'met' | 'breached' | 'pending' {
  if (t.breached) return 'breached';
  return t.stoppedAtMs !== null ? 'met' : 'pending';
}

export function tally(timers: ReadonlyArray<TimerStatus | null>): Compliance {
  const withTarget = timers.filter((t): t is TimerStatus => t !== null);
  const met = withTarget.filter((t) => clockOutcome(t) === 'met').length;
  const breached = withTarget.filter((t) => clockOutcome(t) === 'breached').length;
  const decided = met + breached;
  return {
    with_target: withTarget.length,
    met,
    breached,
    pending: withTarget.length - decided,
    compliance_percent: decided ? (met / decided) * 100 : null,
  };
}

/** Whether resolution compliance reaches the goal; null without a goal or without any outcome. */
export function resolutionMetTarget(goal: number | null, resolution: Compliance): boolean | null {
  return goal === null || resolution.compliance_percent === null ? null : resolution.compliance_percent >= goal;
}

export interface SlaSummaryDeps {
  store: SqlStore;
  /** The SLA front door's setup in force (asked at use time: a reload swaps it). */
  setup: () => SlaSetup;
  availability: AvailabilityService;
  timers: IncidentTimers;
  now: () => number;
  /** Incident writes and maintenance edits (summary-incidents.ts caches the incident part between them). */
  incidentsVersion?: () => number;
  maintenanceVersion?: () => number;
}

export function createSlaSummary(deps: SlaSummaryDeps) {
  const { store, setup, availability, timers, now } = deps;

  const sections = createIncidentSections({ store, timers, ...(deps.incidentsVersion ? { incidentsVersion: deps.incidentsVersion } : {}), ...(deps.maintenanceVersion ? { maintenanceVersion: deps.maintenanceVersion } : {}) });

  return {
    async forPeriod(period: string) {
      const nowMs = now();
      // One setup for the whole answer (a reload between two awaits must not mix contracts).
      const current = setup();
      const contracts = [];
      for (const contract of current.contracts) {
        const timeZone = getCalendar(current, contract.calendar).spec.timeZone;
        const range = monthPeriod(timeZone, period);
        if (!range) throw new AvailabilityError('invalid', `period must be ${PERIOD_FORMAT}, got "${period}"`);
        const reports: Array<AvailabilityResult['report'] | null> = [];
        const members = [];
        for (const target of await availability.contractMembers(contract)) {
          try {
            const { report } = await availability.forTarget(target, range.fromMs, range.toMs);
            reports.push(report);
            members.push({
              target,
              availability_percent: report.availabilityPercent,
              target_percent: report.targetPercent,
              target_met: report.targetMet,
              downtime_s: seconds(report.downMs),
              allowed_downtime_s: seconds(report.allowedDowntimeMs),
              coverage: report.coverage,
              outages: report.outageCount,
            });
          } catch (error) {
            if (!(error instanceof AvailabilityError)) throw error;
            members.push({ target, availability_percent: null, target_percent: contract.availabilityTarget, target_met: null, downtime_s: null, allowed_downtime_s: null, coverage: 0, outages: 0 });
          }
        }
        const whole = contractAvailability(reports, contract.availabilityTarget);
        contracts.push({
          name: contract.name,
          policy: contract.policy,
          calendar: contract.calendar,
          time_zone: timeZone,
          from: new Date(range.fromMs).toISOString(),
          to: new Date(range.toMs).toISOString(),
          availability_target: contract.availabilityTarget,
          /** Percent of resolution clocks with an outcome that must be met (contract, else policy); null: none. */
          compliance_target: contract.complianceTarget,
          /** The contract as a whole (collector/sla/contract-availability.ts): Σ up / Σ measured of its members. */
          availability: {
            availability_percent: whole.availabilityPercent,
            target_met: whole.targetMet,
            measured_targets: whole.measuredTargets,
            downtime_s: seconds(whole.downMs),
            allowed_downtime_s: seconds(whole.allowedDowntimeMs),
            error_budget_left_s: seconds(whole.errorBudgetLeftMs),
            error_budget_left_percent: whole.errorBudgetLeftPercent,
          },
          members,
          incidents: await sections.of(contract.name, range.fromMs, range.toMs, nowMs, contract.complianceTarget),
        });
      }
      return { period, contracts };
    },
  };
}
export type SlaSummary = ReturnType<typeof createSlaSummary>;
