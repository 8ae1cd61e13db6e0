/**
 * Fires SLA events of active incidents on the collector clock: the warning at `warn_at` of a target, the breach at
 * 100 %, and each escalation level once. Each event is recorded (incident_sla_fired) in the same transaction as its
 * timeline entry, so restarts never repeat it; notices (sla_warning / sla_breach / escalated with the level's
 * channels) go out after commit. One timer is armed at the earliest next change and re-armed on every change.
 * Incidents folded under a host incident are skipped (they send no notices; their host incident carries the SLA).
 *
 * Recorded exactly once, even with two collectors on one PostgreSQL database: per incident, the fired marks (INSERT …
 * ON CONFLICT DO NOTHING, counted) and their timeline entries are one transaction, and a notice goes out only for a
 * mark this transaction inserted, after its commit — a second scheduler running the same pass waits on the first's
 * uncommitted mark and then counts nothing. Passes never overlap (one at a time; a timer that fires during a pass
 * is skipped: the pass re-arms when it ends; a change during a pass runs one more pass after it). While started on
 * PostgreSQL it also re-evaluates every `pollMs`, so incidents another collector opened or changed are timed here too.
 *
 * Paged at least once (page-outbox.ts, docs/ha.md "SLA pages: at least once"): a notice-bearing mark is owed until
 * the dispatcher reached a final outcome on every channel (then set paged). The lease holder re-sends, at start and
 * each pass, the owed pages this process is not sending, once per tenure, with the mark's time; owed marks older
 * than a day are closed unsent. So `kill -9` after the commit loses no page, and a graceful stop (its pages in flight
 * settle, bounded, before the lease goes) sends none twice; a duplicate needs a holder that lost its lease while
 * alive (store unreachable, or a page stuck past the hand-over) and delivered late, or a kill between a receiver's
 * acceptance and the write that sets the mark paged.
 */
import type { Logger } from '../../common/logger.js';
import { BACKGROUND_TIMERS, clampDelay, type Timers } from '../../common/timers.js';
import type { IncidentNotice, IncidentNoticeKind, NoticeSettled } from '../events.js';
import { recordIncidentEvent } from '../incidents/journal.js';
import { listIncidents, type IncidentRecord } from '../incidents/repository.js';
import { english, type CodedText } from '../incidents/texts.js';
import type { SqlStore } from '../store/sql/connect.js';
import { withRetry } from '../store/sql/retry.js';
import type { FiredKind, IncidentSlaStore } from './incident-sla-store.js';
import type { IncidentTimers } from './incident-timers.js';
import { createPageOutbox, HAND_OVER_MS, type RebuiltFire } from './page-outbox.js';

/** @deprecated the timer abstraction is common/timers.ts `Timers`; this name stays for code written against it. */
export type TimerFunctions = Timers;

/** Default of `pollMs`: how soon an incident another collector opened is timed here. */
export const SLA_POLL_MS = 15_000;

export interface SlaSchedulerDeps {
  store: SqlStore;
  facts: IncidentSlaStore;
  timers: IncidentTimers;
  now: () => number;
  /**
   * May return a promise (awaited: a notice is handed on before the next). Calls `settled` once with the notice's
   * outcome over its channels (page-outbox.ts); a notice whose `settled` never comes stays owed (in flight here).
   */
  notify: (notice: IncidentNotice, settled?: NoticeSettled) => unknown;
  logger: Logger;
  timerFunctions?: Timers;
  incidentUrl?: (number: string) => string;
  /** While started, evaluate at least this often (default: SLA_POLL_MS on PostgreSQL, null on SQLite; null: only at due instants and on `changed`). */
  pollMs?: number | null;
  /** Owed pages older than this are closed without sending (default OWED_PAGE_MAX_AGE_MS, a day). */
  owedMaxAgeMs?: number;
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

/** Active incidents can be many; the list is read whole. */
const ACTIVE_LIMIT = 1_000_000;

export function createSlaScheduler(deps: SlaSchedulerDeps) {
  const { store, facts, timers, now } = deps;
  const fns = deps.timerFunctions ?? BACKGROUND_TIMERS;
  // On SQLite this collector is the only one (one file, the data_dir lock): nothing changes behind its back.
  const pollMs = deps.pollMs === undefined ? (store.dialect === 'postgres' ? SLA_POLL_MS : null) : deps.pollMs;
  const log = deps.logger.child({ component: 'sla.scheduler' });
  let handle: unknown = null;
  let armedAtMs: number | null = null;
  let started = false;
  /** The pass running now (with the passes queued behind it), if any. */
  let running: Promise<IncidentNotice[]> | null = null;
  let again = false;
  const outbox = createPageOutbox({
    store,
    facts,
    now,
    notify: deps.notify,
    noticeOf,
    logger: log,
    timers: fns,
    ...(deps.owedMaxAgeMs !== undefined ? { maxAgeMs: deps.owedMaxAgeMs } : {}),
  });

  function noticeOf(r: IncidentRecord, fire: RebuiltFire, atMs: number): IncidentNotice {
    const url = deps.incidentUrl?.(r.number);
    return {
      kind: fire.notice,
      incident: { id: r.id, number: r.number, title: r.title, ...(r.titleCode ? { titleCode: r.titleCode, titleParams: r.titleParams } : {}), severity: r.severity, status: r.status, target: r.target, checkId: r.checkId, openedAtMs: r.openedAtMs, ...(url ? { url } : {}) },
      atMs,
      actor: 'system',
      ...(fire.text ? { note: english(fire.text), noteText: fire.text } : {}),
      detail: fire.detail,
      ...(fire.channels && fire.channels.length > 0 ? { channels: fire.channels } : {}),
    };
  }

  /** What is due for one incident at `nowMs` that has not fired; and its next change. */
  async function dueFor(record: IncidentRecord, nowMs: number): Promise<{ fires: Fire[]; next: number | null }> {
    const sla = await timers.compute(record, nowMs);
    // Only to skip what fired long ago: the counted insert below decides.
    const fired = await facts.fired(store.db, record.id);
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

  /** Records the fires of one incident in one transaction; returns those this transaction counted that page. */
  async function record(incident: IncidentRecord, fires: readonly Fire[], nowMs: number): Promise<Fire[]> {
    return withRetry(store, async (trx) => {
      const counted: Fire[] = [];
      for (const fire of fires) {
        // A notice-bearing mark is owed until its page reached a final outcome (page-outbox.ts).
        if (!(await facts.markFired(trx, incident.id, fire.kind, fire.key, nowMs, fire.notice !== null))) continue;
        if (fire.notice === null) continue;
        const note = fire.text ? { note: english(fire.text), noteCode: fire.text.code, noteParams: fire.text.params } : { note: '' };
        await recordIncidentEvent(trx, { incidentId: incident.id, atMs: nowMs, actor: 'system', kind: fire.notice, ...note, data: fire.data }, { touch: true });
        counted.push(fire);
      }
      return counted;
    });
  }


  function arm(next: number | null): void {
    if (handle !== null) fns.clearTimeout(handle);
    handle = null;
    armedAtMs = next;
    if (!started) return;
    const nowMs = now();
    const at = pollMs === null ? next : Math.min(next ?? Infinity, nowMs + pollMs);
    if (at === null || at === Infinity) return;
    handle = fns.setTimeout(() => {
      handle = null;
      // A pass still running re-arms when it ends: this tick is skipped.
      if (running === null) void runPasses().catch((error: unknown) => log.error({ err: error }, 'SLA evaluation failed'));
    }, clampDelay(at, nowMs)); // beyond the largest delay: it fires early, evaluates nothing due and re-arms
  }

  /** One pass: fires everything due now and arms the timer for the next change. Returns the notices sent. */
  async function pass(): Promise<IncidentNotice[]> {
    const nowMs = now();
    const sent: IncidentNotice[] = [];
    let next: number | null = null;
    // The lease holder first pays what is owed (a holder killed between a mark's commit and its page's outcome).
    if (started) {
      try {
        sent.push(...(await outbox.resendOwed()));
      } catch (error) {
        log.error({ err: error }, 'owed SLA pages not re-sent (tried again at the next pass)');
      }
    }
    const { items } = await listIncidents(store.db, { status: ['open', 'acknowledged'], limit: ACTIVE_LIMIT, offset: 0 });
    // Oldest first, as every collector does: two passes at once lock the same rows in the same order.
    const active = items.filter((r) => r.parentId === null).sort((a, b) => a.id - b.id);
    for (const incident of active) {
      let due: Awaited<ReturnType<typeof dueFor>>;
      try {
        due = await dueFor(incident, nowMs);
      } catch (error) {
        log.error({ err: error, number: incident.number }, 'SLA timers not computed');
        continue;
      }
      if (due.next !== null && (next === null || due.next < next)) next = due.next;
      if (due.fires.length === 0) continue;
      let counted: Fire[];
      try {
        counted = await record(incident, due.fires, nowMs);
      } catch (error) {
        // Nothing of it was recorded (rolled back): the next pass tries again.
        log.error({ err: error, number: incident.number }, 'SLA events not recorded');
        const retryAt = nowMs + (pollMs ?? 60_000);
        if (next === null || retryAt < next) next = retryAt;
        continue;
      } finally {
        facts.invalidate(incident.id);
      }
      // After the commit, and only what this transaction inserted: a mark another collector inserted pages there.
      for (const fire of counted) {
        const notice = noticeOf(fire.record, { notice: fire.notice as IncidentNoticeKind, text: fire.text, detail: fire.detail, ...(fire.channels ? { channels: fire.channels } : {}) }, nowMs);
        log.info({ number: notice.incident.number, kind: notice.kind, detail: notice.detail }, 'SLA event');
        if (await outbox.send(notice, { incidentId: incident.id, kind: fire.kind, key: fire.key })) sent.push(notice);
      }
    }
    arm(next);
    return sent;
  }

  /** Runs a pass, or joins the running one and asks for one more after it (it may have read before the change). */
  function runPasses(): Promise<IncidentNotice[]> {
    if (running !== null) {
      again = true;
      return running;
    }
    const run = (async () => {
      const sent: IncidentNotice[] = [];
      try {
        do {
          again = false;
          sent.push(...(await pass()));
        } while (again);
      } catch (error) {
        // The store failed (e.g. unreachable): armed as before, the poll tries again.
        arm(armedAtMs);
        throw error;
      } finally {
        running = null;
      }
      return sent;
    })();
    running = run;
    return run;
  }

  return {
    /** Evaluates now (joining a running pass), started or not; the notices sent. */
    evaluate: runPasses,
    /** Re-evaluates after any incident change while started (errors are logged, never thrown into the caller). */
    async changed(): Promise<void> {
      if (!started) return;
      try {
        await runPasses();
      } catch (error) {
        log.error({ err: error }, 'SLA evaluation failed');
      }
    },
    /** The instant of the next change the timer is armed for (tests, /healthz). */
    nextAtMs: () => armedAtMs,
    /** Whether the timers run here (the lease holder's scheduler). */
    running: () => started,
    /** Starts (or restarts) the timers with a pass now, re-sending owed pages first; resolves when that pass ended. */
    async start(): Promise<void> {
      started = true;
      outbox.newTenure();
      try {
        await runPasses();
      } catch (error) {
        log.error({ err: error }, 'SLA evaluation failed');
      }
    },
    /** Stops the timers; resolves when a running pass ended (nothing fires from here after). */
    async stop(): Promise<void> {
      started = false;
      again = false; // no pass queued behind the running one
      if (handle !== null) fns.clearTimeout(handle);
      handle = null;
      await running?.catch(() => undefined);
    },
    /** Before a graceful stop releases the lease: waits (at most `deadlineMs`) for the pages in flight here to settle. */
    handOver: (deadlineMs = HAND_OVER_MS): Promise<void> => outbox.handOver(deadlineMs),
    /** Pages handed on here whose outcome is not recorded yet (tests, /healthz). */
    pagesInFlight: () => outbox.inFlight(),
  };
}
export type SlaScheduler = ReturnType<typeof createSlaScheduler>;
