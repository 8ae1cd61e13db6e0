/**
 * SLA timers of one incident (pure): when response and resolution are due in working time of each timer's
 * calendar, how much is elapsed / remaining, the state, the warning at `warnAt` of the target, and breach.
 * Clocks start at the incident's opening, or at the end of a maintenance window it was opened in
 * (contract-003: incidents raised during planned downtime count from its end). Pauses do not count.
 * Maintenance that begins after the incident opened does not stop the clocks (pause the incident for that).
 */
import { addBusinessMsExcluding, businessMsBetweenExcluding } from './business-time.js';
import type { BusinessCalendar } from './calendar.js';
import { intervalContaining, mergeIntervals, type Interval } from './intervals.js';
import type { TimerName, TimerTarget } from './policy-types.js';

export interface PauseInterval {
  startMs: number;
  /** null while the pause is still on. */
  endMs: number | null;
  reason: string;
}

export interface IncidentFacts {
  openedAtMs: number;
  acknowledgedAtMs: number | null;
  resolvedAtMs: number | null;
  pauses: readonly PauseInterval[];
  /** Maintenance intervals affecting the incident's target (any order, may overlap). */
  maintenance: readonly Interval[];
  /** Working time added to the resolution target with the customer's consent (sum of the extensions); default 0. */
  resolutionExtensionMs?: number;
}

export type TimerState = 'pending' | 'running' | 'paused' | 'met' | 'breached';

export interface TimerStatus {
  name: TimerName;
  calendar: string;
  targetMs: number;
  /** When the clock started (opening, or the end of the maintenance window it was opened in). */
  startedAtMs: number;
  /** The instant the target is reached, pauses so far included; null while an open pause holds the clock. */
  dueAtMs: number | null;
  /** The instant the warning share is reached (same caveats as dueAtMs). */
  warnAtMs: number | null;
  /** Acknowledgement (response) or resolution instant, if it happened. */
  stoppedAtMs: number | null;
  elapsedMs: number;
  /** Target minus elapsed; negative once breached. */
  remainingMs: number;
  state: TimerState;
  warning: boolean;
  breached: boolean;
}

/** The instant the clocks start: openedAt, or the end of the (merged) maintenance window containing it. */
export function clockStartMs(facts: Pick<IncidentFacts, 'openedAtMs' | 'maintenance'>): number {
  return intervalContaining(mergeIntervals(facts.maintenance), facts.openedAtMs)?.endMs ?? facts.openedAtMs;
}

/** Pause intervals as sorted disjoint exclusions (an open pause runs to infinity). */
export function pauseExclusions(pauses: readonly PauseInterval[]): Interval[] {
  return mergeIntervals(pauses.map((p) => ({ startMs: p.startMs, endMs: p.endMs ?? Infinity })));
}

/** Computes one timer at `nowMs`. */
export function computeTimer(
  name: TimerName,
  target: TimerTarget,
  calendar: BusinessCalendar,
  facts: IncidentFacts,
  warnAt: number,
  nowMs: number,
): TimerStatus {
  const startedAtMs = clockStartMs(facts);
  const excluded = pauseExclusions(facts.pauses);
  const stoppedAtMs = name === 'response' ? (facts.acknowledgedAtMs ?? facts.resolvedAtMs) : facts.resolvedAtMs;
  const until = stoppedAtMs !== null && stoppedAtMs <= nowMs ? stoppedAtMs : nowMs;
  const elapsedMs = until <= startedAtMs ? 0 : businessMsBetweenExcluding(calendar, startedAtMs, until, excluded);
  const dueAtMs = addBusinessMsExcluding(calendar, startedAtMs, target.afterMs, excluded);
  const warnAtMs = addBusinessMsExcluding(calendar, startedAtMs, Math.ceil(target.afterMs * warnAt), excluded);
  const stopped = stoppedAtMs !== null && stoppedAtMs <= nowMs;
  // Stopping exactly at the due instant meets the target; a running clock is breached from the due instant on.
  const breached = stopped ? elapsedMs > target.afterMs : dueAtMs !== null && nowMs >= dueAtMs;
  let state: TimerState;
  if (stopped) state = breached ? 'breached' : 'met';
  else if (breached) state = 'breached';
  else if (nowMs < startedAtMs) state = 'pending';
  else if (intervalContaining(excluded, nowMs)) state = 'paused';
  else state = 'running';
  return {
    name,
    calendar: target.calendar,
    targetMs: target.afterMs,
    startedAtMs,
    dueAtMs,
    warnAtMs,
    stoppedAtMs: stopped ? stoppedAtMs : null,
    elapsedMs,
    remainingMs: target.afterMs - elapsedMs,
    state,
    warning: elapsedMs >= target.afterMs * warnAt,
    breached,
  };
}
