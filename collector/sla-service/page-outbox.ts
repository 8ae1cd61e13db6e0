/**
 * The SLA scheduler's outbox: the page of a fired mark (warning, breach, escalation) is owed from the transaction that
 * recorded the mark (`incident_sla_fired.paged_at_ms` null, migration 020) until the dispatcher reached a final
 * outcome on every channel the notice was routed to — delivered, failed after its retries, or refused (queue full,
 * unknown channel). Then the mark is set paged. A notice dropped at shutdown stays owed.
 *
 * A new holder of the scheduler's lease (`newTenure`) re-sends what is owed and not being sent by this process, oldest
 * first, each at most once per tenure, as the same notice (kind, level, channels, note) with the mark's own time —
 * rebuilt from the timeline entry recorded with the mark. Owed marks older than `maxAgeMs` are closed without paging
 * (an old database must not page a storm). `handOver` lets a graceful stop wait, bounded, for the pages in flight, so
 * the next holder finds them settled rather than sending them a second time.
 */
import type { Logger } from '../../common/logger.js';
import type { Timers } from '../../common/timers.js';
import type { IncidentNotice, IncidentNoticeKind, NoticeOutcome, NoticeSettled } from '../events.js';
import { getIncidentById, listTimeline, type IncidentRecord } from '../incidents/repository.js';
import type { SqlStore } from '../store/sql/connect.js';
import type { FiredKind, IncidentSlaStore, OwedPage } from './incident-sla-store.js';

/** Default of `maxAgeMs`: owed pages older than a day are closed without sending. */
export const OWED_PAGE_MAX_AGE_MS = 24 * 60 * 60 * 1000;
/** Default bound of `handOver`: as long as the dispatcher's flush at shutdown. */
export const HAND_OVER_MS = 5_000;

export const NOTICE_OF: Record<FiredKind, IncidentNoticeKind> = { warning: 'sla_warning', breach: 'sla_breach', escalation: 'escalated' };

export type PageMark = Pick<OwedPage, 'incidentId' | 'kind' | 'key'>;

export interface PageOutboxDeps {
  store: Pick<SqlStore, 'db'>;
  facts: Pick<IncidentSlaStore, 'owedPages' | 'markPaged'>;
  now: () => number;
  /** Hands the notice on; calls `settled` once with its outcome (the collector: pipeline → dispatcher). */
  notify: (notice: IncidentNotice, settled?: NoticeSettled) => unknown;
  /** Builds the notice of a mark from its incident and the timeline entry recorded with it. */
  noticeOf: (record: IncidentRecord, fire: RebuiltFire, atMs: number) => IncidentNotice;
  logger: Logger;
  timers: Timers;
  maxAgeMs?: number;
}

/** What a notice is made of, as recorded on the mark's timeline entry. */
export interface RebuiltFire {
  notice: IncidentNoticeKind;
  text: { code: string; params: Record<string, unknown> } | null;
  detail: string;
  channels?: string[];
}

const keyOf = (m: PageMark): string => `${m.incidentId}:${m.kind}:${m.key}`;

export function createPageOutbox(deps: PageOutboxDeps) {
  const { store, facts, now, timers } = deps;
  const maxAgeMs = deps.maxAgeMs ?? OWED_PAGE_MAX_AGE_MS;
  const log = deps.logger;
  /** Marks whose page this process is sending (or whose "paged" write failed and is tried again): never re-sent here. */
  const inFlight = new Map<string, { mark: PageMark; confirm: boolean }>();
  /** Marks re-sent in this tenure (a re-send is tried once per tenure). */
  let resent = new Set<string>();
  let idleWaiters: Array<() => void> = [];

  function settledIdle(): void {
    if (inFlight.size > 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /** Sets the mark paged; on a store error it stays in flight here and is written at the next pass. */
  async function confirm(mark: PageMark): Promise<void> {
    const k = keyOf(mark);
    try {
      await facts.markPaged(store.db, mark, now());
      inFlight.delete(k);
    } catch (error) {
      inFlight.set(k, { mark, confirm: true });
      log.warn({ err: error, incident_id: mark.incidentId, kind: mark.kind, key: mark.key }, 'page sent but not yet recorded as paged (tried again at the next pass)');
    }
    settledIdle();
  }

  function settledWith(mark: PageMark, outcome: NoticeOutcome): void {
    if (outcome.final) {
      void confirm(mark);
      return;
    }
    // Dropped at shutdown (or while the dispatcher was swapped): still owed, sent again by the next pass or holder.
    inFlight.delete(keyOf(mark));
    log.warn({ incident_id: mark.incidentId, kind: mark.kind, key: mark.key }, 'page dropped before its outcome: still owed');
    settledIdle();
  }

  /** Hands the notice of `mark` on; false when the notify callback threw (the page stays owed). */
  async function send(notice: IncidentNotice, mark: PageMark): Promise<boolean> {
    const k = keyOf(mark);
    inFlight.set(k, { mark, confirm: false });
    let once = false;
    const settled: NoticeSettled = (outcome) => {
      if (once) return;
      once = true;
      settledWith(mark, outcome);
    };
    try {
      await deps.notify(notice, settled);
      return true;
    } catch (error) {
      log.error({ err: error, number: notice.incident.number }, 'notify callback failed');
      if (!once) {
        once = true;
        inFlight.delete(k);
        settledIdle();
      }
      return false;
    }
  }

  /** The notice of an owed mark as it was first sent; null when its incident or timeline entry is gone. */
  async function rebuild(mark: OwedPage): Promise<IncidentNotice | null> {
    const record = await getIncidentById(store.db, mark.incidentId);
    if (!record) return null;
    const kind = NOTICE_OF[mark.kind];
    const entry = (await listTimeline(store.db, mark.incidentId)).find((e) => {
      if (e.kind !== kind || e.atMs !== mark.atMs) return false;
      const data = e.data ?? {};
      return mark.kind === 'escalation' ? data.level === Number(mark.key) + 1 : data.timer === mark.key;
    });
    if (!entry) return null;
    const data = entry.data ?? {};
    const channels = Array.isArray(data.channels) ? data.channels.filter((c): c is string => typeof c === 'string') : undefined;
    const fire: RebuiltFire = {
      notice: kind,
      text: entry.noteCode ? { code: entry.noteCode, params: entry.noteParams ?? {} } : null,
      detail: mark.kind === 'escalation' ? String(data.name ?? mark.key) : mark.key,
      ...(channels ? { channels } : {}),
    };
    return deps.noticeOf(record, fire, mark.atMs);
  }

  return {
    send,
    /** This process just took the lease: every owed page not in flight here may be re-sent once. */
    newTenure(): void {
      resent = new Set();
    },
    /**
     * Re-sends the owed pages not in flight here and not yet re-sent in this tenure, oldest first; closes those older
     * than `maxAgeMs` without paging. Returns the notices handed on.
     */
    async resendOwed(): Promise<IncidentNotice[]> {
      for (const { mark, confirm: pending } of [...inFlight.values()]) if (pending) await confirm(mark);
      const sent: IncidentNotice[] = [];
      const nowMs = now();
      for (const mark of await facts.owedPages(store.db)) {
        const k = keyOf(mark);
        if (inFlight.has(k) || resent.has(k)) continue;
        resent.add(k);
        const fields = { incident_id: mark.incidentId, kind: mark.kind, key: mark.key, fired_at_ms: mark.atMs };
        if (nowMs - mark.atMs > maxAgeMs) {
          if (await facts.markPaged(store.db, mark, nowMs)) log.warn({ ...fields, max_age_ms: maxAgeMs }, 'owed page too old: closed without sending');
          continue;
        }
        const notice = await rebuild(mark);
        if (!notice) {
          if (await facts.markPaged(store.db, mark, nowMs)) log.warn(fields, 'owed page has no incident or timeline entry: closed without sending');
          continue;
        }
        log.info({ ...fields, number: notice.incident.number, detail: notice.detail }, 'page re-sent after takeover');
        if (await send(notice, mark)) sent.push(notice);
      }
      return sent;
    },
    /** Pages handed on here whose outcome is not recorded yet. */
    inFlight: (): number => inFlight.size,
    /** Resolves when no page is in flight here, or after `deadlineMs` (graceful stop, before the lease is released). */
    async handOver(deadlineMs = HAND_OVER_MS): Promise<void> {
      for (const { mark, confirm: pending } of [...inFlight.values()]) if (pending) await confirm(mark);
      if (inFlight.size === 0) return;
      let handle: unknown = null;
      await new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        handle = timers.setTimeout(resolve, deadlineMs);
      });
      timers.clearTimeout(handle);
      if (inFlight.size > 0) log.warn({ pages: inFlight.size }, 'pages still in flight at hand-over: the next holder may send them again');
    },
  };
}
export type PageOutbox = ReturnType<typeof createPageOutbox>;
