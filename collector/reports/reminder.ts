/**
 * Fault-report reminder: a resolved incident of the configured severities (default: all) whose fault report was not
 * recorded as sent to the customer gets one IncidentNotice `report_reminder` at `warnAt` (80 %) of the `after`
 * period (24 h) — "故障报告须在 4小时 48分 内提交客户" — and one more when the period is over, in the notifications'
 * language. Generating or reading the report does
 * not stop it; recording that it was sent does. Both notices are recorded, so each is sent once, across restarts.
 */
import type { Logger } from '../../common/logger.js';
import { formatDuration, type Lang } from '../../common/humanize.js';
import type { IncidentNotice, Severity } from '../events.js';
import { SEVERITIES } from '../events.js';
import { getIncidentById, type IncidentRecord } from '../incidents/repository.js';
import type { SqlStore } from '../store/sql/connect.js';
import type { ReportStore } from './store.js';

export interface ReminderDeps {
  store: Pick<SqlStore, 'db'>;
  reports: ReportStore;
  /** The fault report is due this long after resolution (24 h). */
  afterMs: number;
  /** Share of `afterMs` at which the early warning goes out (0.8); null: no early warning. */
  warnAt?: number | null;
  /** Severities reminded about; default all. */
  severities?: readonly Severity[];
  /** Language of the notice text (the notifications' language); default zh-CN. */
  lang?: Lang;
  now: () => number;
  notify: (notice: IncidentNotice) => void;
  logger: Logger;
  incidentUrl?: (number: string) => string;
}

export function createFaultReportReminder(deps: ReminderDeps) {
  const log = deps.logger.child({ component: 'reports.reminder' });
  const severities = deps.severities ?? SEVERITIES;
  const warnAt = deps.warnAt === undefined ? 0.8 : deps.warnAt;

  function send(r: IncidentRecord, nowMs: number, note: string): void {
    const url = deps.incidentUrl?.(r.number);
    const notice: IncidentNotice = {
      kind: 'report_reminder',
      incident: { id: r.id, number: r.number, title: r.title, ...(r.titleCode ? { titleCode: r.titleCode, titleParams: r.titleParams } : {}), severity: r.severity, status: r.status, target: r.target, checkId: r.checkId, openedAtMs: r.openedAtMs, ...(url ? { url } : {}) },
      atMs: nowMs,
      actor: 'system',
      note,
    };
    try {
      deps.notify(notice);
    } catch (error) {
      log.error({ err: error, number: r.number }, 'fault report reminder not sent');
    }
  }

  const lang = deps.lang ?? 'zh-CN';
  const dur = (ms: number) => formatDuration(ms / 1000, lang);
  const TEXT = {
    'zh-CN': {
      hint: (n: string) => `生成报告 "outpost report fault ${n}"，发送客户后执行 "outpost report fault ${n} --mark-sent"`,
      soon: (left: number, n: string) => `故障报告须在 ${dur(left)} 内提交客户：${TEXT['zh-CN'].hint(n)}`,
      overdue: (n: string) => `故障解决已超过 ${dur(deps.afterMs)}，故障报告尚未提交客户：${TEXT['zh-CN'].hint(n)}`,
    },
    en: {
      hint: (n: string) => `run "outpost report fault ${n}", send it, then "outpost report fault ${n} --mark-sent"`,
      soon: (left: number, n: string) => `fault report due to the customer in ${dur(left)}: ${TEXT.en.hint(n)}`,
      overdue: (n: string) => `fault report not sent to the customer ${dur(deps.afterMs)} after resolution: ${TEXT.en.hint(n)}`,
    },
  } as const;
  const text = TEXT[lang];

  /**
   * Each notice is recorded before it is sent, by an insert the notice table's primary key decides: two collectors
   * scanning at once (or a scan overlapping the previous one) send it once.
   */
  async function pass(): Promise<string[]> {
    const q = deps.store.db;
    const nowMs = deps.now();
    const sent: string[] = [];
    const overdue = new Set<number>();
    for (const id of await deps.reports.dueReminders(q, nowMs - deps.afterMs, severities)) {
      overdue.add(id);
      const r = await getIncidentById(q, id);
      if (!r || !(await deps.reports.markReminded(q, id, nowMs))) continue;
      // Past due: the early warning is moot (e.g. the collector was down at 80 %).
      await deps.reports.markWarned(q, id, nowMs);
      send(r, nowMs, text.overdue(r.number));
      sent.push(r.number);
    }
    if (warnAt !== null) {
      for (const id of await deps.reports.dueWarnings(q, nowMs - Math.round(deps.afterMs * warnAt), severities)) {
        if (overdue.has(id)) continue;
        const r = await getIncidentById(q, id);
        if (!r || r.resolvedAtMs === null || !(await deps.reports.markWarned(q, id, nowMs))) continue;
        const left = Math.max(0, r.resolvedAtMs + deps.afterMs - nowMs);
        send(r, nowMs, text.soon(left, r.number));
        sent.push(r.number);
      }
    }
    return sent;
  }

  let running: Promise<string[]> | null = null;
  return {
    /** Sends the warnings and reminders due now; returns the incident numbers notified. One pass at a time: a scan asked for during one joins it. */
    scan(): Promise<string[]> {
      running ??= pass().finally(() => {
        running = null;
      });
      return running;
    },
  };
}
