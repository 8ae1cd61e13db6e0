/** The shapes of SLA policies and escalation chains once config and presets are resolved (ms, names). */
import type { Severity } from '../events.js';

/** A timer target: this much working time on the named calendar. */
export interface TimerTarget {
  afterMs: number;
  calendar: string;
}

export type TimerName = 'response' | 'resolution';

export interface EscalationLevel {
  /** Delay from the timer's start, in working time of the chain's calendar. */
  afterMs: number;
  name: string;
  /** Notification channel names; empty → the routing rules decide. */
  channels: string[];
}

export interface EscalationChain {
  name: string;
  /** `response` chains stop at acknowledgement; `resolution` chains run until resolved. */
  timer: TimerName;
  /** Calendar for the delays; null → the calendar of the timer it follows. */
  calendar: string | null;
  levels: EscalationLevel[];
}

export interface SeverityPolicy {
  /** null: the policy sets no such target for this severity (e.g. commitment-004 P1 resolution). */
  response: TimerTarget | null;
  resolution: TimerTarget | null;
  /** Name of an escalation chain, or null. */
  escalation: string | null;
}

export interface SlaPolicy {
  name: string;
  description: string;
  severities: Record<Severity, SeverityPolicy>;
  /** Availability the source promises, percent (e.g. 99.9), when it names one. */
  availabilityTarget: number | null;
  /** Share of resolution clocks with an outcome that must be met, percent (contract-003: 95); a contract may override it. */
  complianceTarget: number | null;
  /** Severities whose resolution time may be extended with the customer's consent (contract-003: P2 高, P3 中). */
  extensions: readonly Severity[];
  /** Where the resolution clock starts: at opening, or at acknowledgement (seed 003: 从确认收到事件报告到解决事件). */
  resolutionStarts: 'opened' | 'acknowledged';
}
