/**
 * Escalation (pure): ordered levels with delays in working time, measured like the timer they follow (same
 * start, pauses and a reopened incident's resolved spans excluded — so a reopen never makes a level fall due inside
 * the gap). A `response` chain stops at acknowledgement, a `resolution` chain at resolution.
 */
import { addBusinessMsExcluding } from './business-time.js';
import type { BusinessCalendar } from './calendar.js';
import type { EscalationChain, EscalationLevel } from './policy-types.js';
import { clockExclusions, responseStopMs, timerStartMs, type IncidentFacts } from './timers.js';

export interface EscalationStep {
  index: number;
  level: EscalationLevel;
  /** When the level becomes due; null if never (open pause, or no working time). */
  dueAtMs: number | null;
  /** Due at or before `now`, and before the chain stopped. */
  due: boolean;
  /** The chain stopped (ack / resolve) before this level became due: it will never fire. */
  cancelled: boolean;
}

/** Every level of the chain with its due instant and whether it is due at `nowMs`. */
export function escalationSteps(
  chain: EscalationChain,
  calendar: BusinessCalendar,
  facts: IncidentFacts,
  nowMs: number,
): EscalationStep[] {
  const start = timerStartMs(chain.timer, facts);
  const excluded = clockExclusions(facts);
  const stopAt = chain.timer === 'response' ? responseStopMs(facts) : facts.resolvedAtMs;
  return chain.levels.map((level, index) => {
    const dueAtMs = start === null ? null : addBusinessMsExcluding(calendar, start, level.afterMs, excluded);
    const cancelled = stopAt !== null && stopAt <= nowMs && (dueAtMs === null || dueAtMs > stopAt);
    const due = !cancelled && dueAtMs !== null && dueAtMs <= nowMs && (stopAt === null || dueAtMs <= stopAt);
    return { index, level, dueAtMs, due, cancelled };
  });
}

/** The levels due at `nowMs` (the collector fires those it has not fired yet). */
export function dueEscalations(chain: EscalationChain, calendar: BusinessCalendar, facts: IncidentFacts, nowMs: number): EscalationStep[] {
  return escalationSteps(chain, calendar, facts, nowMs).filter((s) => s.due);
}
