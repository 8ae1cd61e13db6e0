/** The SLA engine's public surface for the collector (incidents, API, reports, /healthz). All pure. */
export { slaConfigSchema, type SlaConfig } from './config.js';
export {
  createSlaSetup,
  getCalendar,
  HOLIDAY_LOOKAHEAD_MS,
  missingHolidayData,
  resolvePolicy,
  setupWarnings,
  UnknownNameError,
  type Contract,
  type MissingHolidayData,
  type SlaSetup,
} from './setup.js';
export { calendarWarnings, compileCalendar, missingHolidayYears, yearsBetween, type BusinessCalendar, type CalendarSpec, type DayPlan } from './calendar.js';
export { BUILTIN_CALENDARS, DEFAULT_TIME_ZONE } from './builtin-calendars.js';
export { addBusinessMs, businessIntervals, businessMsBetween, isBusinessTime } from './business-time.js';
export { DEFAULT_POLICY, PRESET_ESCALATIONS, PRESET_POLICIES } from './presets.js';
export type { EscalationChain, EscalationLevel, SeverityPolicy, SlaPolicy, TimerName, TimerTarget } from './policy-types.js';
export { clockStartMs, computeTimer, responseStopMs, type IncidentFacts, type PauseInterval, type ResolutionStart, type TimerState, type TimerStatus } from './timers.js';
export { dueEscalations, escalationSteps, type EscalationStep } from './escalation.js';
export { computeIncidentSla, nextChangeAt, type IncidentSla } from './incident-sla.js';
export { expandWindow, maintenanceIntervals, maintenanceSpanAt, windowApplies, type MaintenanceSchedule, type MaintenanceWindow } from './maintenance.js';
export { mergeIntervals, subtractIntervals, intersectIntervals, type Interval } from './intervals.js';
export {
  availabilityWindow,
  computeAvailability,
  monthPeriod,
  PERIOD_FORMAT,
  PERIOD_PATTERN,
  type AvailabilityReport,
  type AvailabilityState,
  type AvailabilityWindow,
  type StateInterval,
} from './availability.js';
export { deriveStateIntervals, type DerivationRule } from './derived-state.js';
export { DEFAULT_BURN_RATE_RULES, evaluateBurnRate, type BurnRateEvaluation, type BurnRateRule } from './burn-rate.js';
export { contractAvailability, type ContractAvailability, type MemberFigures } from './contract-availability.js';
export { targetAvailability, type TargetAvailability, type TargetAvailabilityInput } from './target-availability.js';
export { formatZoned, parseInstant } from './zoned-time.js';
