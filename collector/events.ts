/**
 * Events passed between collector components (in-process). The state tracker emits StateChange; the
 * incident service consumes them and emits IncidentNotice for the notification dispatcher.
 */
import type { CheckState, FindingParams } from '../common/protocol.js';

export type Severity = 'P1' | 'P2' | 'P3' | 'P4';
export const SEVERITIES: readonly Severity[] = ['P1', 'P2', 'P3', 'P4'];
export const SEVERITY_LABEL_ZH: Record<Severity, string> = { P1: '紧急', P2: '高', P3: '中', P4: '低' };

/** A (target, check) changed its confirmed state. Emitted after the new interval is durably stored. */
export interface StateChange {
  agentId: string;
  target: string;
  checkId: string;
  checkType: string;
  from: CheckState | null;
  to: CheckState;
  /** When the new state began (observation time, clamped to the collector's clock). */
  atMs: number;
  reason: string;
  /** The finding behind the new state (the result's code + params), when it had a code: `reason` is its English message. */
  finding?: { code: string; params: FindingParams | null };
  /**
   * `result` (a check said so), `agent_offline` (Last Will: the agent was lost), `agent_stopped` (the agent said
   * goodbye: stopped gracefully), `silence` (no result for 3 × interval).
   */
  cause: 'result' | 'agent_offline' | 'agent_stopped' | 'silence' | 'agent_online';
  /** The check is flagged `reachability` (tells whether its whole target is up); incidents fold under it. Optional. */
  reachability?: boolean;
}

/** The agent itself went away (lost or stopped): its checks are UNKNOWN and one agent incident stands for them. */
export function isAgentDown(cause: StateChange['cause']): cause is 'agent_offline' | 'agent_stopped' {
  return cause === 'agent_offline' || cause === 'agent_stopped';
}

export type IncidentNoticeKind =
  | 'opened'
  | 'updated'
  | 'acknowledged'
  | 'resolved'
  | 'reopened'
  | 'closed'
  | 'escalated'
  | 'sla_warning'
  | 'sla_breach'
  | 'report_reminder';

/** What the notification dispatcher needs to tell people about an incident. */
export interface IncidentNotice {
  kind: IncidentNoticeKind;
  incident: {
    id: number;
    number: string;
    /** English-ish title for machines; people read `titleCode` + `titleParams` rendered in their language. */
    title: string;
    /** The title as code + params (collector/incidents/texts.ts); absent for a person's title or an old incident. */
    titleCode?: string | null;
    titleParams?: Record<string, unknown> | null;
    severity: Severity;
    status: 'open' | 'acknowledged' | 'resolved' | 'closed';
    target: string | null;
    checkId: string | null;
    openedAtMs: number;
    /** Console deep link (`<public_url>/#/incidents/<number>`) for the IM card / email, when the collector knows its public URL. */
    url?: string;
    /** The incident in the REST API (`<public_url>/api/v1/incidents/<number>`), for machines. */
    apiUrl?: string;
  };
  atMs: number;
  actor?: string;
  note?: string;
  /** The note as code + params (collector/incidents/texts.ts) when the collector wrote it; `note` is its English text. */
  noteText?: { code: string; params: Record<string, unknown> };
  /** Escalation level name / SLA timer name, for `escalated`, `sla_warning`, `sla_breach`. */
  detail?: string;
  /** Restrict delivery to these channel names (escalation levels name their channels); otherwise routing rules apply. */
  channels?: string[];
  /** The check finding behind the incident, rendered in the reader's language (common/findings.ts). Optional. */
  finding?: { code?: string | null; params?: FindingParams | null; message: string };
  /** When the response and resolution are due (SLA clocks), for opened / reopened / escalated notices. Optional. */
  due?: { responseAtMs: number | null; resolutionAtMs: number | null };
}

/**
 * What became of one notice's pages, once known: `final` when every channel it was routed to reached a final outcome
 * (delivered, failed after its retries, refused: queue full or unknown channel; also when no channel was routed);
 * false when one was dropped at shutdown or refused while stopping — the notice is then still owed.
 */
export interface NoticeOutcome {
  final: boolean;
  channels: ReadonlyArray<{ channel: string; ok: boolean }>;
}

/** Called once with a notice's outcome (the SLA scheduler's outbox confirms its page with it). */
export type NoticeSettled = (outcome: NoticeOutcome) => void;
