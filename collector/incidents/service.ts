/**
 * Incident persistence: applies engine actions and people's actions in SQLite transactions (the database is
 * opened with synchronous FULL), writes the timeline, then — after commit — sends IncidentNotices through the
 * injected `notify`. Incidents folded under a host incident (parent_id set) send no notices.
 */
import { SEVERITIES, type IncidentNotice, type IncidentNoticeKind, type Severity, type StateChange } from '../events.js';
import { agentKey, decide, dedupKeyFor, type EngineAction } from './engine.js';
import { transition, type LifecycleAction } from './lifecycle.js';
import { recordDeliveryReport, type DeliveryReport } from './deliveries.js';
import { nextIncidentNumber } from './numbering.js';
import { clip, english, type CodedText } from './texts.js';
import {
  addTimelineEntry,
  countActiveBySeverity,
  findActiveByKey,
  findActiveChildren,
  findActiveHosts,
  findLastResolvedByKey,
  getIncidentById,
  getIncidentByNumber,
  insertIncident,
  listChildren,
  listIncidents,
  listTimeline,
  snapshotOf,
  UNSET_INCIDENT_FIELDS,
  updateIncident,
  type IncidentFilters,
  type IncidentRecord,
  type TimelineEntry,
} from './repository.js';

export type { DeliveryReport, IncidentFilters, IncidentRecord, TimelineEntry };
export { IncidentError, type EvaluationInput, type IncidentDetail, type IncidentServiceDeps, type IncidentSlaHooks, type KeyedIncidentInput, type ManualIncidentInput } from './service-types.js';
import { checkScore, getEvaluation, recordEvaluation } from './evaluations.js';
import { IncidentError, type EvaluationInput, type IncidentDetail, type IncidentServiceDeps, type KeyedIncidentInput, type ManualIncidentInput } from './service-types.js';

/** What reopening an incident clears: it is active again, neither acknowledged nor resolved. */
const REOPENED = { acknowledgedAtMs: null, acknowledgedBy: null, resolvedAtMs: null, resolvedBy: null, cause: null, resolution: null } as const;

/** Actor name of everything the collector does by itself. */
export const SYSTEM_ACTOR = 'system';

/** A reopened incident takes the title of its new cause; the timeline entry keeps the one it had. */
/** P1 is the most urgent. */
const SEVERITY_RANK: Record<Severity, number> = { P1: 1, P2: 2, P3: 3, P4: 4 };

/**
 * The timeline data of a retitle: the previous title (English text) and, when it had one, its code + params, so the
 * timeline shows the old title in the reader's language.
 */
function retitled(before: IncidentRecord | null | undefined, after: string, afterText?: CodedText): { previous_title?: string; previous_title_code?: string; previous_title_params?: unknown } {
  if (!before) return {};
  const same = afterText && before.titleCode ? before.titleCode === afterText.code && JSON.stringify(before.titleParams) === JSON.stringify(afterText.params) : before.title === after;
  if (same) return {};
  return { previous_title: before.title, ...(before.titleCode ? { previous_title_code: before.titleCode, previous_title_params: before.titleParams } : {}) };
}

/** Whether a keyed input names the incident differently from its current title. */
function sameTitle(record: IncidentRecord, input: { title: string; titleText?: CodedText }): boolean {
  if (input.titleText && record.titleCode) return record.titleCode === input.titleText.code && JSON.stringify(record.titleParams) === JSON.stringify(input.titleText.params);
  return record.title === input.title && !input.titleText === !record.titleCode;
}

/** The stored title fields of a keyed input (English `title` plus its code when given). */
function keyedTitle(input: { title: string; titleText?: CodedText }) {
  return input.titleText
    ? { title: clip(english(input.titleText)), titleCode: input.titleText.code, titleParams: input.titleText.params }
    : { title: input.title, titleCode: null, titleParams: null };
}

type PendingNotice = { kind: IncidentNoticeKind; incidentId: number; actor?: string; note?: string; noteText?: CodedText };

/** The notice note of a keyed input's description: coded when it has a code, as given otherwise. */
function descriptionNote(input: { description?: string; descriptionText?: CodedText }): { note?: string; noteText?: CodedText } {
  if (input.descriptionText) return coded(input.descriptionText);
  return input.description ? { note: input.description } : {};
}

/** A pending notice's note written by the collector: its English text plus its code. */
function coded(text: CodedText): { note: string; noteText: CodedText } {
  return { note: english(text), noteText: text };
}

export function createIncidentService(deps: IncidentServiceDeps) {
  const { db, config, now, notify } = deps;
  const logger = deps.logger.child({ component: 'incidents' });

  function toNotice(pending: PendingNotice, atMs: number): IncidentNotice | null {
    const record = getIncidentById(db, pending.incidentId);
    if (!record || record.parentId !== null) return null;
    const url = deps.incidentUrl?.(record.number);
    const apiUrl = deps.incidentApiUrl?.(record.number);
    return {
      kind: pending.kind,
      incident: {
        id: record.id,
        number: record.number,
        title: record.title,
        ...(record.titleCode ? { titleCode: record.titleCode, titleParams: record.titleParams } : {}),
        severity: record.severity,
        status: record.status,
        target: record.target,
        checkId: record.checkId,
        openedAtMs: record.openedAtMs,
        ...(url ? { url } : {}),
        ...(apiUrl ? { apiUrl } : {}),
      },
      atMs,
      ...(pending.actor ? { actor: pending.actor } : {}),
      ...(pending.note ? { note: pending.note } : {}),
      ...(pending.noteText ? { noteText: pending.noteText } : {}),
    };
  }

  /** Runs `work` in an IMMEDIATE transaction, then refreshes the gauge and sends the collected notices. */
  function commit<T>(work: (pending: PendingNotice[], atMs: number) => T): T {
    const atMs = now();
    const pending: PendingNotice[] = [];
    const { result, notices } = db
      .transaction(() => {
        const result = work(pending, atMs);
        // Built inside the transaction so each notice shows the committed state.
        const notices = pending.map((p) => toNotice(p, atMs)).filter((n): n is IncidentNotice => n !== null);
        return { result, notices };
      })
      .immediate();
    refreshGauge();
    try {
      deps.sla?.changed();
    } catch (error) {
      logger.error({ err: error }, 'SLA hook failed');
    }
    for (const notice of notices) {
      try {
        notify(notice);
      } catch (error) {
        logger.error({ err: error, number: notice.incident.number, kind: notice.kind }, 'notify callback failed');
      }
    }
    return result;
  }

  function refreshGauge(): void {
    if (!deps.openGauge) return;
    const counts = countActiveBySeverity(db);
    for (const severity of SEVERITIES) deps.openGauge.set({ severity }, counts[severity]);
  }

  /** A timeline entry; `text` (code + params) when the collector wrote the note, whose English text is then `note`. */
  function timeline(incidentId: number, atMs: number, actor: string, kind: string, note: string | null, data: Record<string, unknown> | null = null, text?: CodedText): void {
    addTimelineEntry(db, { incidentId, atMs, actor, kind, note: text ? english(text) : note, data, ...(text ? { noteCode: text.code, noteParams: text.params } : {}) });
  }

  /** Children still active when their host incident ends become independent and are paged now. */
  function promoteChildren(parent: IncidentRecord, atMs: number, pending: PendingNotice[]): void {
    for (const child of findActiveChildren(db, parent.id)) {
      updateIncident(db, child.id, { parentId: null, updatedAtMs: atMs });
      timeline(child.id, atMs, SYSTEM_ACTOR, 'unfolded', null, null, { code: 'note.unfolded', params: { parent: parent.number } });
      pending.push({ kind: 'opened', incidentId: child.id, ...coded({ code: 'note.was_folded', params: { parent: parent.number } }) });
    }
  }

  /** `resolutionText` when the collector resolved it (code + params); a person's resolution stays as typed. */
  function applyResolve(record: IncidentRecord, actor: string, cause: string, resolution: string, atMs: number, pending: PendingNotice[], resolutionText?: CodedText): IncidentRecord {
    const updated = updateIncident(db, record.id, { status: 'resolved', resolvedAtMs: atMs, resolvedBy: actor, cause, resolution, updatedAtMs: atMs });
    timeline(record.id, atMs, actor, 'resolved', resolution, { cause }, resolutionText);
    pending.push({ kind: 'resolved', incidentId: record.id, actor, ...(resolutionText ? coded(resolutionText) : { note: resolution }) });
    promoteChildren(record, atMs, pending);
    return updated;
  }

  function applyAction(action: EngineAction, atMs: number, pending: PendingNotice[]): void {
    switch (action.kind) {
      case 'open': {
        const record = insertIncident(db, {
          ...UNSET_INCIDENT_FIELDS,
          number: nextIncidentNumber(db, atMs),
          title: action.title,
          titleCode: action.titleText.code,
          titleParams: action.titleText.params,
          severity: action.severity,
          status: 'open',
          source: 'auto',
          dedupKey: action.dedupKey,
          agentId: action.agentId,
          target: action.target,
          checkId: action.checkId,
          checkType: action.checkType,
          lastState: action.state,
          isHost: action.isHost,
          autoResolve: action.autoResolve,
          rule: action.rule,
          parentId: action.parentId,
          slaPolicy: action.slaPolicy,
          startedAtMs: action.startedAtMs,
          openedAtMs: atMs,
          updatedAtMs: atMs,
        });
        const parent = action.parentId === null ? null : getIncidentById(db, action.parentId);
        timeline(record.id, atMs, SYSTEM_ACTOR, 'opened', action.reason, { state: action.state, severity: action.severity, rule: action.rule, ...(parent ? { folded_under: parent.number } : {}) }, action.reasonText);
        pending.push({ kind: 'opened', incidentId: record.id, ...coded(action.reasonText) });
        return;
      }
      case 'update': {
        const before = getIncidentById(db, action.incidentId);
        updateIncident(db, action.incidentId, { lastState: action.state, severity: action.severity, updatedAtMs: atMs });
        timeline(action.incidentId, atMs, SYSTEM_ACTOR, 'state_changed', action.reason, { from: before?.lastState ?? null, to: action.state, severity: action.severity }, action.reasonText);
        if (action.severityRaised) pending.push({ kind: 'updated', incidentId: action.incidentId, ...coded({ code: 'note.severity_raised', params: { severity: action.severity } }) });
        return;
      }
      case 'resolve': {
        const record = getIncidentById(db, action.incidentId);
        if (!record) return;
        updateIncident(db, record.id, { lastState: 'ok' });
        applyResolve(record, SYSTEM_ACTOR, action.cause, action.resolution, atMs, pending, action.resolutionText);
        return;
      }
      case 'reopen': {
        const before = getIncidentById(db, action.incidentId);
        updateIncident(db, action.incidentId, {
          status: 'open',
          title: action.title,
          titleCode: action.titleText.code,
          titleParams: action.titleText.params,
          lastState: action.state,
          severity: action.severity,
          autoResolve: action.autoResolve,
          parentId: action.parentId,
          rule: action.rule,
          ...REOPENED,
          updatedAtMs: atMs,
        });
        timeline(action.incidentId, atMs, SYSTEM_ACTOR, 'reopened', action.reason, { state: action.state, severity: action.severity, ...retitled(before, action.title, action.titleText) }, action.reasonText);
        pending.push({ kind: 'reopened', incidentId: action.incidentId, ...coded(action.reasonText) });
        return;
      }
    }
  }

  function applyChange(change: StateChange, atMs: number, pending: PendingNotice[]): void {
    const key = dedupKeyFor(change);
    const current = findActiveByKey(db, key);
    const lastResolved = findLastResolvedByKey(db, key);
    const agentLost = findActiveByKey(db, agentKey(change.agentId));
    const hosts = findActiveHosts(db, change.target);
    const actions = decide(
      change,
      {
        current: current && snapshotOf(current),
        lastResolved: lastResolved && snapshotOf(lastResolved),
        hosts: hosts.map(snapshotOf),
        agentLost: agentLost && snapshotOf(agentLost),
      },
      config,
    );
    // Maintenance: the state is recorded, but no new incident opens or pages (updates and resolves still apply).
    const suppressed = deps.sla && actions.some((a) => a.kind === 'open' || a.kind === 'reopen') ? deps.sla.suppressOpening(change, atMs) : null;
    const allowed = suppressed === null ? actions : actions.filter((a) => a.kind !== 'open' && a.kind !== 'reopen');
    if (suppressed !== null) logger.info({ key, target: change.target, to: change.to, reason: suppressed }, 'incident suppressed by maintenance');
    for (const action of allowed) applyAction(action, atMs, pending);
    if (actions.length) logger.debug({ key, to: change.to, actions: actions.map((a) => a.kind) }, 'incident actions applied');
  }

  /** A person's lifecycle step that only stamps who and when (acknowledge, close), with its timeline entry and notice. */
  function stamp(
    number: string,
    actor: string,
    note: string | undefined,
    action: LifecycleAction,
    kind: 'acknowledged' | 'closed',
    fields: (atMs: number, record: IncidentRecord) => Parameters<typeof updateIncident>[2],
  ): IncidentRecord {
    return commit((pending, atMs) => {
      const record = mustGet(number);
      const status = mustTransition(record, action);
      timeline(record.id, atMs, actor, kind, note ?? null);
      const updated = updateIncident(db, record.id, { status, ...fields(atMs, record), updatedAtMs: atMs });
      pending.push({ kind, incidentId: record.id, actor, ...(note ? { note } : {}) });
      return updated;
    });
  }

  function detailOf(number: string): IncidentDetail | null {
    const record = getIncidentByNumber(db, number);
    if (!record) return null;
    const parent = record.parentId === null ? null : getIncidentById(db, record.parentId);
    const children = listChildren(db, record.id);
    return { ...record, parentNumber: parent?.number ?? null, children, timeline: listTimeline(db, record.id), evaluation: getEvaluation(db, record.id) };
  }

  function mustGet(number: string): IncidentRecord {
    const record = getIncidentByNumber(db, number);
    if (!record) throw new IncidentError('not_found', `incident ${number} not found`);
    return record;
  }

  function mustTransition(record: IncidentRecord, action: LifecycleAction) {
    const to = transition(record.status, action);
    if (!to) throw new IncidentError('illegal_transition', `cannot ${action} incident ${record.number}: it is ${record.status}`);
    return to;
  }

  return {
    /** Applies one confirmed state change (call after it is durably stored). Idempotent for replays. */
    handleStateChange(change: StateChange): void {
      commit((pending, atMs) => applyChange(change, atMs, pending));
    },

    /**
     * Applies a batch in one transaction (one fsync instead of one per change, e.g. an agent with 500 checks
     * going offline). Replaying every check's current state at start-up repairs changes lost in a crash.
     */
    handleStateChanges(changes: readonly StateChange[]): void {
      if (changes.length === 0) return;
      commit((pending, atMs) => {
        for (const change of changes) applyChange(change, atMs, pending);
      });
    },

    /** A ticket raised by a person (e.g. a hotline call): numbered at once, never deduplicated. */
    createManual(input: ManualIncidentInput, actor: string): IncidentRecord {
      return commit((pending, atMs) => {
        const record = insertIncident(db, {
          ...UNSET_INCIDENT_FIELDS,
          number: nextIncidentNumber(db, atMs),
          title: input.title,
          description: input.description ?? null,
          severity: input.severity,
          status: 'open',
          source: 'manual',
          target: input.target ?? null,
          checkId: input.checkId ?? null,
          reporter: input.reporter ?? null,
          // A start in the future would make SLA clocks run backwards.
          startedAtMs: Math.min(input.startedAtMs ?? atMs, atMs),
          openedAtMs: atMs,
          updatedAtMs: atMs,
        });
        timeline(record.id, atMs, actor, 'opened', input.description ?? null, { source: 'manual', severity: input.severity, reporter: input.reporter ?? null });
        pending.push({ kind: 'opened', incidentId: record.id, actor });
        return record;
      });
    },

    /**
     * Opens an incident under `dedupKey` unless one is active for it (then returns that one unchanged). A failure
     * within `grace_period` of the key's last resolution reopens that incident (flapping: one ticket).
     */
    openKeyed(input: KeyedIncidentInput, actor: string = SYSTEM_ACTOR): IncidentRecord {
      return commit((pending, atMs) => {
        const active = findActiveByKey(db, input.dedupKey);
        if (active) {
          // The condition that fires now names the incident (a burn-rate alert moving to another window); a more
          // urgent severity raises it, a calmer one never lowers it while it is open.
          const raised = SEVERITY_RANK[input.severity] < SEVERITY_RANK[active.severity];
          if (sameTitle(active, input) && !raised) return active;
          const severity = raised ? input.severity : active.severity;
          const updated = updateIncident(db, active.id, { ...keyedTitle(input), severity, updatedAtMs: atMs });
          timeline(active.id, atMs, actor, 'state_changed', input.description ?? null, { severity, rule: input.rule, ...retitled(active, input.title, input.titleText) }, input.descriptionText);
          if (raised) pending.push({ kind: 'updated', incidentId: active.id, ...coded({ code: 'note.severity_raised', params: { severity } }) });
          return updated;
        }
        const last = findLastResolvedByKey(db, input.dedupKey);
        if (last && last.resolvedAtMs !== null && atMs - last.resolvedAtMs <= config.grace_period) {
          const reopened = updateIncident(db, last.id, { status: 'open', ...keyedTitle(input), severity: input.severity, lastState: null, ...REOPENED, updatedAtMs: atMs });
          timeline(last.id, atMs, actor, 'reopened', input.description ?? null, { severity: input.severity, rule: input.rule, ...retitled(last, input.title, input.titleText) }, input.descriptionText);
          pending.push({ kind: 'reopened', incidentId: last.id, ...descriptionNote(input) });
          return reopened;
        }
        const record = insertIncident(db, {
          ...UNSET_INCIDENT_FIELDS,
          number: nextIncidentNumber(db, atMs),
          ...keyedTitle(input),
          description: input.descriptionText ? english(input.descriptionText) : (input.description ?? null),
          severity: input.severity,
          status: 'open',
          source: 'auto',
          dedupKey: input.dedupKey,
          target: input.target ?? null,
          checkId: input.checkId ?? null,
          checkType: input.checkType,
          autoResolve: true,
          rule: input.rule,
          startedAtMs: Math.min(input.startedAtMs ?? atMs, atMs),
          openedAtMs: atMs,
          updatedAtMs: atMs,
        });
        timeline(record.id, atMs, actor, 'opened', input.description ?? null, { source: 'auto', severity: input.severity, rule: input.rule }, input.descriptionText);
        pending.push({ kind: 'opened', incidentId: record.id, ...descriptionNote(input) });
        return record;
      });
    },

    /** Resolves the active incident of `dedupKey` (its condition ended); null when none is active. */
    resolveKeyed(dedupKey: string, cause: string, resolution: string, actor: string = SYSTEM_ACTOR, resolutionText?: CodedText): IncidentRecord | null {
      if (!findActiveByKey(db, dedupKey)) return null;
      return commit((pending, atMs) => {
        const active = findActiveByKey(db, dedupKey);
        return active ? applyResolve(active, actor, cause, resolutionText ? english(resolutionText) : resolution, atMs, pending, resolutionText) : null;
      });
    },

    acknowledge(number: string, actor: string, note?: string): IncidentRecord {
      return stamp(number, actor, note, 'acknowledge', 'acknowledged', (atMs) => ({ acknowledgedAtMs: atMs, acknowledgedBy: actor }));
    },

    /** Resolve by a person: cause and resolution feed the fault report. */
    resolve(number: string, actor: string, cause: string, resolution: string): IncidentRecord {
      return commit((pending, atMs) => {
        const record = mustGet(number);
        mustTransition(record, 'resolve');
        return applyResolve(record, actor, cause, resolution, atMs, pending);
      });
    },

    /** Closes a resolved incident; with `evaluation`, records the customer's evaluation in the same transaction. */
    close(number: string, actor: string, note?: string, evaluation?: EvaluationInput): IncidentRecord {
      if (evaluation) checkScore(evaluation.score);
      return stamp(number, actor, note, 'close', 'closed', (atMs, record) => {
        if (evaluation) recordEvaluation(db, record.id, actor, evaluation, atMs);
        return { closedAtMs: atMs, closedBy: actor };
      });
    },

    /**
     * Records the customer's evaluation after the fact (seed 002: the satisfaction follow-up comes after the
     * resolution) on a resolved or closed incident. One per incident: a second one replaces the first, and the
     * timeline entry `evaluation_replaced` keeps the score it replaced — the customer may revise a score after a
     * call-back, and the desk needs the latest one counted and the earlier one visible.
     */
    evaluate(number: string, actor: string, evaluation: EvaluationInput): IncidentDetail {
      checkScore(evaluation.score);
      commit((_pending, atMs) => {
        const record = mustGet(number);
        if (record.status !== 'resolved' && record.status !== 'closed') {
          throw new IncidentError('illegal_transition', `cannot evaluate incident ${record.number}: it is ${record.status} (the customer evaluates a resolved or closed incident)`);
        }
        recordEvaluation(db, record.id, actor, evaluation, atMs);
        updateIncident(db, record.id, { updatedAtMs: atMs });
      });
      return detailOf(number) as IncidentDetail;
    },

    /** A person reopens a resolved incident; 409 when another incident is already active for its key. */
    reopen(number: string, actor: string, note?: string): IncidentRecord {
      return commit((pending, atMs) => {
        const record = mustGet(number);
        const status = mustTransition(record, 'reopen');
        const active = record.dedupKey ? findActiveByKey(db, record.dedupKey) : null;
        if (active) throw new IncidentError('illegal_transition', `cannot reopen ${record.number}: ${active.number} is already active for the same check`);
        const updated = updateIncident(db, record.id, {
          status,
          ...REOPENED,
          updatedAtMs: atMs,
        });
        timeline(record.id, atMs, actor, 'reopened', note ?? null);
        pending.push({ kind: 'reopened', incidentId: record.id, actor, ...(note ? { note } : {}) });
        return updated;
      });
    },

    addNote(number: string, actor: string, text: string): TimelineEntry {
      return commit((_pending, atMs) => {
        const record = mustGet(number);
        updateIncident(db, record.id, { updatedAtMs: atMs });
        timeline(record.id, atMs, actor, 'note', text);
        const entries = listTimeline(db, record.id);
        return entries[entries.length - 1] as TimelineEntry;
      });
    },

    /**
     * Timeline entry for a notification outcome, reported by the dispatcher: positional
     * `(incidentId, channel, ok, attempts, error)` or the dispatcher's DeliveryResult object. False when the
     * incident is unknown.
     */
    recordDelivery(incidentOrResult: number | DeliveryReport, channel?: string, ok?: boolean, attempts?: number, error?: string | null): boolean {
      const report: DeliveryReport =
        typeof incidentOrResult === 'number'
          ? { incidentId: incidentOrResult, channel: channel ?? 'unknown', ok: ok ?? false, attempts: attempts ?? 0, error: error ?? undefined }
          : incidentOrResult;
      return db.transaction(() => recordDeliveryReport(db, report, now())).immediate();
    },

    get(number: string): IncidentDetail | null {
      return detailOf(number);
    },

    list(filters: IncidentFilters): { items: IncidentRecord[]; total: number } {
      return listIncidents(db, filters);
    },

    openCountsBySeverity(): Record<Severity, number> {
      return countActiveBySeverity(db);
    },
  };
}

export type IncidentService = ReturnType<typeof createIncidentService>;
