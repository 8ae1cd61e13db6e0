/**
 * Fires SLA events of active incidents on the collector clock: the warning at `warn_at` of a target, the breach at
 * 100 %, and each escalation level once. Each event is recorded (incident_sla_fired) in the same transaction as its
 * timeline entry, so restarts never repeat it; notices (sla_warning / sla_breach / escalated with the level's
 * channels) go out after commit. One timer is armed at the earliest next change and re-armed on every change.
 * Incidents folded under a host incident are skipped (they send no notices; their host incident carries the SLA).
 */
import type { Logger } from '../../common/logger.js';
import { BACKGROUND_TIMERS, clampDelay, type Timers } from '../../common/timers.js';
import type { IncidentNotice, IncidentNoticeKind } from '../events.js';
import { addTimelineEntry, getIncidentById, type IncidentRecord } from '../incidents/repository.js';
import { english, type CodedText } from '../incidents/texts.js';
import type { Db } from '../store/db.js';
import type { FiredKind, IncidentSlaStore } from './incident-sla-store.js';
import type { IncidentTimers } from './incident-timers.js';

/** @deprecated the timer abstraction is common/timers.ts `Timers`; this name stays for code written against it. */
export type TimerFunctions = Timers;

export interface SlaSchedulerDeps {
  db: Db;
  store: IncidentSlaStore;
  timers: IncidentTimers;
  now: () => number;
  notify: (notice: IncidentNotice) => void;
  logger: Logger;
  timerFunctions?: Timers;
  incidentUrl?: (number: string) => string;
}

interface Fire {
  record: IncidentRecord;
  kind: FiredKind;
  key: string;
  notice: IncidentNoticeKind | null;
  /** The note as code + params (collector/incidents/texts.ts); null for a silent record. */
  text: CodedText | null;
  detail: string;
  channels?: string[];
  data: Record<string, unknown>;
}

const ACTIVE_TOP_LEVEL = "SELECT id FROM incidents WHERE status IN ('open', 'acknowledged') AND parent_id IS NULL ORDER BY id";

export function createSlaScheduler(deps: SlaSchedulerDeps) {
  const { db, store, timers, now } = deps;
  const fns = deps.timerFunctions ?? BACKGROUND_TIMERS;
  const log = deps.logger.child({ component: 'sla.scheduler' });
  const activeIds = db.prepare<[], { id: number }>(ACTIVE_TOP_LEVEL);
  let handle: unknown = null;
  let armedAtMs: number | null = null;
  let stopped = false;

  function noticeOf(fire: Fire, atMs: number): IncidentNotice {
    const r = fire.record;
    const url = deps.incidentUrl?.(r.number);
    return {
      kind: fire.notice as IncidentNoticeKind,
      incident: { id: r.id, number: r.number, title: r.title, ...(r.titleCode ? { titleCode: r.titleCode, titleParams: r.titleParams } : {}), severity: r.severity, status: r.status, target: r.target, checkId: r.checkId, openedAtMs: r.openedAtMs, ...(url ? { url } : {}) },
      atMs,
      actor: 'system',
      ...(fire.text ? { note: english(fire.text), noteText: fire.text } : {}),
      detail: fire.detail,
      ...(fire.channels && fire.channels.length > 0 ? { channels: fire.channels } : {}),
    };
  }

  /** What is due for one incident at `nowMs` that has not fired; and its next change. */
  function dueFor(record: IncidentRecord, nowMs: number): { fires: Fire[]; next: number | null } {
    const sla = timers.compute(record, nowMs);
    const fired = store.fired(record.id);
    const fires: Fire[] = [];
    for (const timer of [sla.response, sla.resolution]) {
      if (!timer) continue;
      const data = { timer: timer.name, due_at_ms: timer.dueAtMs, elapsed_ms: timer.elapsedMs, target_ms: timer.targetMs };
      if (timer.breached && !fired.has(`breach:${timer.name}`)) {
        fires.push({ record, kind: 'breach', key: timer.name, notice: 'sla_breach', text: { code: 'note.sla_breach', params: { timer: timer.name, due_ms: timer.dueAtMs ?? nowMs } }, detail: timer.name, data });
        // A warning not yet sent is moot once breached: record it without a second page.
        if (!fired.has(`warning:${timer.name}`)) fires.push({ record, kind: 'warning', key: timer.name, notice: null, text: null, detail: timer.name, data });
      } else if (timer.warning && timer.stoppedAtMs === null && !fired.has(`warning:${timer.name}`)) {
        fires.push({ record, kind: 'warning', key: timer.name, notice: 'sla_warning', text: { code: 'note.sla_warning', params: { timer: timer.name, percent: Math.round((timer.elapsedMs / timer.targetMs) * 100), due_ms: timer.dueAtMs ?? nowMs } }, detail: timer.name, data });
      }
    }
    for (const step of sla.escalation?.steps ?? []) {
      if (!step.due || fired.has(`escalation:${step.index}`)) continue;
      fires.push({
        record,
        kind: 'escalation',
        key: String(step.index),
        notice: 'escalated',
        text: { code: 'note.escalated', params: { level: step.index + 1, name: step.level.name } },
        detail: step.level.name,
        channels: step.level.channels,
        data: { chain: sla.escalation?.chain, level: step.index + 1, name: step.level.name, channels: step.level.channels },
      });
    }
    return { fires, next: sla.nextChangeAtMs };
  }

  function arm(next: number | null, nowMs: number): void {
    if (handle !== null) fns.clearTimeout(handle);
    handle = null;
    armedAtMs = next;
    if (next === null || stopped) return;
    handle = fns.setTimeout(() => {
      handle = null;
      evaluate();
    }, clampDelay(next, nowMs)); // beyond the largest delay: it fires early, evaluates nothing due and re-arms
  }

  /** Fires everything due now and arms the timer for the next change. Returns the notices sent. */
  function evaluate(): IncidentNotice[] {
    const nowMs = now();
    const sent: IncidentNotice[] = [];
    let next: number | null = null;
    const pending: IncidentNotice[] = [];
    db.transaction(() => {
      for (const { id } of activeIds.all()) {
        const incident = getIncidentById(db, id);
        if (!incident) continue;
        let due: ReturnType<typeof dueFor>;
        try {
          due = dueFor(incident, nowMs);
        } catch (error) {
          log.error({ err: error, number: incident.number }, 'SLA timers not computed');
          continue;
        }
        for (const fire of due.fires) {
          if (!store.markFired(incident.id, fire.kind, fire.key, nowMs)) continue;
          if (fire.notice === null) continue;
          addTimelineEntry(db, { incidentId: incident.id, atMs: nowMs, actor: 'system', kind: fire.notice, note: fire.text ? english(fire.text) : '', ...(fire.text ? { noteCode: fire.text.code, noteParams: fire.text.params } : {}), data: fire.data });
          pending.push(noticeOf(fire, nowMs));
        }
        if (due.next !== null && (next === null || due.next < next)) next = due.next;
      }
    }).immediate();
    for (const notice of pending) {
      log.info({ number: notice.incident.number, kind: notice.kind, detail: notice.detail }, 'SLA event');
      try {
        deps.notify(notice);
        sent.push(notice);
      } catch (error) {
        log.error({ err: error, number: notice.incident.number }, 'notify callback failed');
      }
    }
    arm(next, nowMs);
    return sent;
  }

  return {
    evaluate,
    /** Re-evaluates after any incident change (errors are logged, never thrown into the caller). */
    changed(): void {
      if (stopped) return;
      try {
        evaluate();
      } catch (error) {
        log.error({ err: error }, 'SLA evaluation failed');
      }
    },
    /** The instant the timer is armed for (tests, /healthz). */
    nextAtMs: () => armedAtMs,
    stop(): void {
      stopped = true;
      if (handle !== null) fns.clearTimeout(handle);
      handle = null;
    },
  };
}
export type SlaScheduler = ReturnType<typeof createSlaScheduler>;
