/**
 * One call for the incident service: both timers and the escalation chain of an incident under its policy,
 * plus the next instant anything changes (so the collector sets one timer instead of polling).
 */
import type { Severity } from '../events.js';
import { escalationSteps, type EscalationStep } from './escalation.js';
import type { SlaPolicy } from './policy-types.js';
import { getCalendar, type SlaSetup } from './setup.js';
import { computeTimer, type IncidentFacts, type TimerStatus } from './timers.js';

export interface IncidentSla {
  response: TimerStatus | null;
  resolution: TimerStatus | null;
  escalation: { chain: string; steps: EscalationStep[] } | null;
  /** The next future instant a warning, breach or escalation happens; null if nothing is scheduled. */
  nextChangeAtMs: number | null;
}

/** The earliest instant strictly after `nowMs` at which a timer warns or breaches or a level becomes due. */
export function nextChangeAt(timers: ReadonlyArray<TimerStatus | null>, steps: readonly EscalationStep[], nowMs: number): number | null {
  let next = Infinity;
  const consider = (at: number | null): void => {
    if (at !== null && at > nowMs && at < next) next = at;
  };
  for (const t of timers) {
    if (!t || t.stoppedAtMs !== null) continue;
    consider(t.warnAtMs);
    consider(t.dueAtMs);
    consider(t.startedAtMs); // a pending clock starting is a change too (null: it waits for an acknowledgement)
  }
  for (const s of steps) if (!s.cancelled) consider(s.dueAtMs);
  return Number.isFinite(next) ? next : null;
}

export function computeIncidentSla(setup: SlaSetup, policy: SlaPolicy, severity: Severity, incident: IncidentFacts, nowMs: number): IncidentSla {
  const sp = policy.severities[severity];
  const facts: IncidentFacts = { ...incident, resolutionStarts: incident.resolutionStarts ?? policy.resolutionStarts };
  const response = sp.response ? computeTimer('response', sp.response, getCalendar(setup, sp.response.calendar), facts, setup.warnAt, nowMs) : null;
  const resolution = sp.resolution
    ? computeTimer('resolution', sp.resolution, getCalendar(setup, sp.resolution.calendar), facts, setup.warnAt, nowMs)
    : null;
  let escalation: IncidentSla['escalation'] = null;
  const chain = sp.escalation ? setup.escalations.get(sp.escalation) : undefined;
  if (chain) {
    const followed = chain.timer === 'response' ? sp.response : sp.resolution;
    const calendarName = chain.calendar ?? followed?.calendar ?? sp.response?.calendar ?? '24x7';
    escalation = { chain: chain.name, steps: escalationSteps(chain, getCalendar(setup, calendarName), facts, nowMs) };
  }
  return { response, resolution, escalation, nextChangeAtMs: nextChangeAt([response, resolution], escalation?.steps ?? [], nowMs) };
}
