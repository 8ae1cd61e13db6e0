/**
 * SLA timers of one incident (pure): when response and resolution are due in working time of each timer's
 * calendar, how much is elapsed / remaining, the state, the warning at `warnAt` of the target, and breach.
 * Clocks start at the incident's opening, or at the end of a maintenance window it was opened in
 * (contract-003: incidents raised during planned downtime count from its end) — also when the failure began inside
 * the window and the incident opened only after it ended. Pauses do not count, nor the time a reopened incident spent
 * resolved: its resolution clock resumes where it stopped and a response stopped before the gap stays stopped.
 * A policy may start the resolution clock at acknowledgement (`resolution_starts: acknowledged`, seed 003).
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
  /** When the failure began (before any confirmation delay); default openedAtMs. */
  startedAtMs?: number;
  /** Spans a reopened incident spent resolved ([resolved, reopened)); they count for no clock. */
  resolvedGaps?: readonly Interval[];
  /** The resolution clock starts at opening (default) or at the first acknowledgement. */
  resolutionStarts?: ResolutionStart;
  /** Extra working time granted to the resolution clock (approved extensions), ms. */
  resolutionExtensionMs?: number;
}

export type ResolutionStart = 'opened' | 'acknowledged';

export type TimerState = 'pending' | 'running' | 'paused' | 'met' | 'breached';

export interface TimerStatus {
  name: TimerName;
  calendar: string;
  targetMs: number;
  /** When the clock started (opening, or the end of the maintenance window it was opened in); null while it waits for an acknowledgement. */
  startedAtMs: number | null;
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

/**
 * The instant the clocks start: openedAt, or the end of the (merged) maintenance window containing it — or containing
 * the failure's start when the incident opened only after that window ended (the watcher's pass, a confirmation).
 */
export function clockStartMs(facts: Pick<IncidentFacts, 'openedAtMs' | 'maintenance' | 'startedAtMs'>): number {
  const merged = mergeIntervals(facts.maintenance);
  const atOpen = intervalContaining(merged, facts.openedAtMs);
  if (atOpen) return atOpen.endMs;
  const failedAt = facts.startedAtMs;
  if (failedAt !== undefined && failedAt < facts.openedAtMs) {
    const atFailure = intervalContaining(merged, failedAt);
    if (atFailure && atFailure.endMs <= facts.openedAtMs) return atFailure.endMs;
  }
  return facts.openedAtMs;
}

/** Everything that counts for no clock: pauses and the spans a reopened incident spent resolved. */
export function clockExclusions(facts: Pick<IncidentFacts, 'pauses' | 'resolvedGaps'>): Interval[] {
  return mergeIntervals([...facts.pauses.map((p) => ({ startMs: p.startMs, endMs: p.endMs ?? Infinity })), ...(facts.resolvedGaps ?? [])]);
}

/** When the response clock stopped: first acknowledgement, else the first resolution (also one later reopened). */
export function responseStopMs(facts: Pick<IncidentFacts, 'acknowledgedAtMs' | 'resolvedAtMs' | 'resolvedGaps'>): number | null {
  const firstGap = facts.resolvedGaps?.[0]?.startMs ?? null;
  const candidates = [facts.acknowledgedAtMs, facts.resolvedAtMs, firstGap].filter((v): v is number => v !== null);
  return candidates.length ? Math.min(...candidates) : null;
}

/** Where a timer's clock starts; null while a resolution clock that starts at acknowledgement waits for it. */
export function timerStartMs(name: TimerName, facts: IncidentFacts): number | null {
  const start = clockStartMs(facts);
  if (name === 'response' || facts.resolutionStarts !== 'acknowledged') return start;
  const ack = responseStopMs(facts);
  return ack === null ? null : Math.max(start, ack);
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
  const startedAtMs = timerStartMs(name, facts);
  const excluded = clockExclusions(facts);
  const afterMs = target.afterMs + (name === 'resolution' ? (facts.resolutionExtensionMs ?? 0) : 0);
  const stoppedAtMs = name === 'response' ? responseStopMs(facts) : facts.resolvedAtMs;
  const stopped = stoppedAtMs !== null && stoppedAtMs <= nowMs;
  if (startedAtMs === null) {
    // Waiting for the acknowledgement that starts it: nothing elapses, nothing is due yet.
    return { name, calendar: target.calendar, targetMs: afterMs, startedAtMs, dueAtMs: null, warnAtMs: null, stoppedAtMs: null, elapsedMs: 0, remainingMs: afterMs, state: 'pending', warning: false, breached: false };
  }
  const until = stopped ? stoppedAtMs : nowMs;
  const elapsedMs = until <= startedAtMs ? 0 : businessMsBetweenExcluding(calendar, startedAtMs, until, excluded);
  const dueAtMs = addBusinessMsExcluding(calendar, startedAtMs, afterMs, excluded);
  const warnAtMs = addBusinessMsExcluding(calendar, startedAtMs, Math.ceil(afterMs * warnAt), excluded);
  // Stopping exactly at the due instant meets the target; a running clock is breached from the due instant on
  // (also while paused after it: the time it had already used is past the target).
  const breached = stopped ? elapsedMs > afterMs : dueAtMs !== null ? nowMs >= dueAtMs : elapsedMs >= afterMs && afterMs > 0;
  let state: TimerState;
  if (stopped) state = breached ? 'breached' : 'met';
  else if (breached) state = 'breached';
  else if (nowMs < startedAtMs) state = 'pending';
  else if (intervalContaining(excluded, nowMs)) state = 'paused';
  else state = 'running';
  return {
    name,
    calendar: target.calendar,
    targetMs: afterMs,
    startedAtMs,
    dueAtMs,
    warnAtMs,
    stoppedAtMs: stopped ? stoppedAtMs : null,
    elapsedMs,
    remainingMs: afterMs - elapsedMs,
    state,
    warning: elapsedMs >= afterMs * warnAt,
    breached,
  };
}
