/** The incident service's inputs and outputs (its deps, the people's inputs, its error), apart from its logic. */
import type { Logger } from '../../common/logger.js';
import type { IncidentNotice, Severity, StateChange } from '../events.js';
import type { SqlStore } from '../store/sql/connect.js';
import type { IncidentsConfig } from './config.js';
import type { CustomerEvaluation } from './evaluations.js';
import type { IncidentRecord, TimelineEntry } from './repository.js';
import type { CodedText } from './texts.js';

export interface IncidentServiceDeps {
  store: SqlStore;
  config: IncidentsConfig;
  now: () => number;
  logger: Logger;
  /** Called after commit, once per notice; errors are logged, never undo the change. */
  notify: (notice: IncidentNotice) => void;
  /** Link to an incident for IM cards / emails, when the collector knows its public URL. */
  incidentUrl?: (number: string) => string;
  /** The incident's REST API link (webhook payload `incident.api_url`). */
  incidentApiUrl?: (number: string) => string;
  /** The core's `outpost_incidents_open{severity}` gauge (collector/metrics.ts), refreshed after each change. */
  openGauge?: { set(labels: { severity: Severity }, value: number): void };
  /** SLA glue (collector/sla-service): maintenance suppression of new incidents and re-arming SLA timers. */
  sla?: IncidentSlaHooks;
}

export interface IncidentSlaHooks {
  /**
   * A reason when automatic incidents for this change must not open or reopen now (target in maintenance), else null.
   * Asked before the incident transaction starts (never inside it: on SQLite a store read would wait for it forever).
   */
  suppressOpening(change: StateChange, atMs: number): string | null | Promise<string | null>;
  /** Called after every committed change (SLA timers re-arm); synchronous, errors are logged. */
  changed(): void;
}

/** An incident the collector raises under its own dedup key (e.g. an SLA burn-rate alert). */
export interface KeyedIncidentInput extends ManualIncidentInput {
  dedupKey: string;
  checkType: string;
  rule: string;
  /** The title as code + params (texts.ts), rendered per reader; `title` is its English text. */
  titleText?: CodedText;
  /** The description as code + params; `description` is its English text. */
  descriptionText?: CodedText;
}

export class IncidentError extends Error {
  constructor(
    readonly code: 'not_found' | 'illegal_transition',
    message: string,
  ) {
    super(message);
    this.name = 'IncidentError';
  }
}

export interface ManualIncidentInput {
  title: string;
  severity: Severity;
  description?: string;
  target?: string;
  checkId?: string;
  /** Who reported it (e.g. the caller on the hotline). */
  reporter?: string;
  /** When the problem began, if earlier than now. */
  startedAtMs?: number;
}

export interface IncidentDetail extends IncidentRecord {
  parentNumber: string | null;
  children: Array<{ number: string; status: IncidentRecord['status'] }>;
  timeline: TimelineEntry[];
  /** The customer's evaluation (recorded at closing or later), if any. */
  evaluation: CustomerEvaluation | null;
}

/** The customer's evaluation, given when closing or later (seed 002 服务评价). */
export interface EvaluationInput {
  /** 0–100. */
  score: number;
  comment?: string;
  /** Who gave it (the customer's representative); default: the person recording it. */
  evaluator?: string;
}
