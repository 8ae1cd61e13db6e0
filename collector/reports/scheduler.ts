/**
 * Report schedules (croner patterns in each schedule's time zone): an inspection of the current day, or the SLA report
 * of the previous month per contract; each format is written to the reports directory and/or sent through
 * notification channels (email with the files attached, IM channels a summary with links when api.public_url is set).
 * Croner only computes the next run; the waiting goes through injected timers (tests drive a clock), in steps of at
 * most a day, so a monthly schedule never overflows a timer and a clock jump is noticed. Each due run is claimed in
 * the store before anything is generated (schedule-runs.ts `claim`): with two collectors on one store, one sends it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Cron } from 'croner';
import type { Logger } from '../../common/logger.js';
import type { Dispatcher } from '../notify/dispatcher.js';
import { dayKey, localDayOf } from '../sla/zoned-time.js';
import { BACKGROUND_TIMERS, type Timers } from '../../common/timers.js';
import type { ReportFormat, ReportSchedule } from './config.js';
import { previousMonth, previousQuarter } from './period.js';
import type { SqlStore } from '../store/sql/connect.js';
import { outcomeOf, scheduleKey, type ScheduleRun, type ScheduleRunStore } from './schedule-runs.js';
import type { GeneratedReport, ReportRequest, ReportService } from './service.js';

const MAX_WAIT_MS = 86_400_000;

export interface ReportSchedulerDeps {
  schedules: readonly ReportSchedule[];
  reports: ReportService;
  contracts: () => string[];
  dir: string;
  /** The notification dispatcher's delivery of a message that is not about one incident (retries, metrics). */
  deliver: Dispatcher['deliver'];
  now: () => number;
  logger: Logger;
  timers?: Timers;
  /** Where a report can be fetched (the API), for IM messages; absent without api.public_url. */
  reportUrl?: (request: ReportRequest, format: ReportFormat) => string;
  /**
   * Where each schedule's last run is kept (GET /api/v1/reports/schedules) and each due run is claimed (two
   * collectors send a scheduled report once); without it runs are neither recorded nor claimed.
   */
  runs?: { store: Pick<SqlStore, 'db' | 'transaction'>; repo: ScheduleRunStore };
}

/** A schedule as the API shows it: what it is, when it runs next, and how its last run went. */
export interface ScheduleState {
  report: ReportSchedule['report'];
  /** null: every contract (SLA) or not applicable (inspection). */
  contract: string | null;
  period: ReportSchedule['period'] | null;
  cron: string;
  time_zone: string;
  formats: ReportFormat[];
  write: boolean;
  channels: string[];
  next_run_at_ms: number | null;
  last_run: {
    started_at_ms: number;
    finished_at_ms: number;
    outcome: ScheduleRun['outcome'];
    error: string | null;
    files: string[];
    written: boolean;
    deliveries: ScheduleRun['deliveries'];
  } | null;
}

export function requestsFor(schedule: ReportSchedule, nowMs: number, contracts: readonly string[]): ReportRequest[] {
  const today = dayKey(localDayOf(schedule.timezone, nowMs));
  if (schedule.report === 'inspection') return [{ kind: 'inspection', date: today, timeZone: schedule.timezone }];
  const period = schedule.period === 'quarter' ? previousQuarter(today.slice(0, 7)) : previousMonth(today.slice(0, 7));
  return (schedule.contract ? [schedule.contract] : contracts).map((contract) => ({ kind: 'sla', period, contract }));
}

/** The first run strictly after `afterMs`, or null when the pattern never fires again. */
export function nextRunMs(schedule: Pick<ReportSchedule, 'cron' | 'timezone'>, afterMs: number): number | null {
  const cron = new Cron(schedule.cron, { timezone: schedule.timezone, paused: true });
  try {
    return cron.nextRun(new Date(afterMs))?.getTime() ?? null;
  } finally {
    cron.stop();
  }
}

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

interface Generated {
  file: GeneratedReport;
  url: string | null;
}

export function createReportScheduler(deps: ReportSchedulerDeps) {
  const log = deps.logger.child({ component: 'reports.scheduler' });
  const timers = deps.timers ?? BACKGROUND_TIMERS;
  const handles = new Map<number, unknown>();
  const busy = new Set<number>();
  let stopped = true;

  /** Writes and sends what was generated; returns each channel's outcome and the problems met. */
  async function deliver(schedule: ReportSchedule, generated: Generated[]): Promise<{ written: boolean; deliveries: ScheduleRun['deliveries']; problems: string[] }> {
    const files = generated.map((g) => g.file);
    const problems: string[] = [];
    let written = false;
    if (schedule.write && files.length > 0) {
      try {
        mkdirSync(deps.dir, { recursive: true });
        for (const f of files) writeFileSync(join(deps.dir, f.filename), f.body);
        written = true;
      } catch (error) {
        log.error({ err: error, dir: deps.dir }, 'scheduled report not written');
        problems.push(`not written to ${deps.dir}: ${(error as Error).message}`);
      }
    }
    if (schedule.channels.length === 0 || generated.length === 0) return { written, deliveries: [], problems };
    const summaries = [...new Set(files.map((f) => f.summary))];
    const links = generated.flatMap((g) => (g.url ? [{ name: g.file.filename, url: g.url }] : []));
    const text = [...summaries, ...links.map((l) => `${l.name}: ${l.url}`)].join('\n');
    const markdown = [...summaries, ...links.map((l) => `- [${l.name}](${l.url})`)].join('\n\n');
    const html = [...summaries.map((s) => `<p>${escapeHtml(s)}</p>`), ...links.map((l) => `<p><a href="${escapeHtml(l.url)}">${escapeHtml(l.name)}</a></p>`)].join('');
    const title = summaries[0] ?? 'Outpost report';
    const name = files[0]?.filename.replace(/\.[a-z]+$/, '') ?? schedule.report;
    const attachments = files.map((f) => ({ filename: f.filename, content: f.body, contentType: f.contentType }));
    const results = await deps.deliver({ title, text, markdown, html, attachments, ...(schedule.lang ? { lang: schedule.lang } : {}) }, schedule.channels, name);
    for (const r of results) {
      if (r.ok) continue;
      log.error({ channel: r.channel, report: name, attempts: r.attempts, error: r.error }, 'report not delivered');
      problems.push(`channel ${r.channel}: ${r.error ?? 'not delivered'}`);
    }
    return { written, deliveries: results.map((r) => ({ channel: r.channel, ok: r.ok, error: r.ok ? null : (r.error ?? null) })), problems };
  }

  async function generateAll(schedule: ReportSchedule, atMs: number): Promise<{ generated: Generated[]; problems: string[] }> {
    const generated: Generated[] = [];
    const problems: string[] = [];
    const requests = requestsFor(schedule, atMs, deps.contracts());
    if (requests.length === 0) problems.push('no contract to report on');
    for (const request of requests) {
      for (const format of schedule.formats) {
        try {
          generated.push({ file: await deps.reports.generate(request, format, schedule.lang), url: deps.reportUrl?.(request, format) ?? null });
        } catch (error) {
          log.error({ err: error, report: schedule.report, format }, 'scheduled report not generated');
          problems.push(`${request.kind === 'sla' ? `${request.contract} ` : ''}${format}: ${(error as Error).message}`);
        }
      }
    }
    return { generated, problems };
  }

  /**
   * Whether this collector sends the run due at `dueMs`: claimed in a transaction before anything is generated (see
   * ScheduleRunStore.claim), so with two collectors running the same schedules one of them sends it. A store error
   * skips the run rather than risk sending it twice.
   */
  async function claim(schedule: ReportSchedule, dueMs: number, startedAtMs: number): Promise<boolean> {
    const runs = deps.runs;
    if (!runs) return true;
    try {
      return await runs.store.transaction((trx) => runs.repo.claim(trx, scheduleKey(schedule), dueMs, startedAtMs));
    } catch (error) {
      log.error({ err: error, report: schedule.report, cron: schedule.cron }, 'scheduled report run not claimed: skipped');
      return false;
    }
  }

  /**
   * Generates and delivers one schedule now, records how it went; returns the files generated. `dueMs`: the due
   * time of a scheduled run, claimed first (without it — a run asked for by hand — nothing is claimed).
   */
  async function runOnce(schedule: ReportSchedule, dueMs?: number): Promise<GeneratedReport[]> {
    const startedAtMs = deps.now();
    if (dueMs !== undefined && !(await claim(schedule, dueMs, startedAtMs))) {
      log.info({ report: schedule.report, cron: schedule.cron, due_at_ms: dueMs }, 'scheduled report already claimed by another collector: not sent again');
      return [];
    }
    let result: { generated: Generated[]; written: boolean; deliveries: ScheduleRun['deliveries']; problems: string[] };
    try {
      const { generated, problems } = await generateAll(schedule, startedAtMs);
      const sent = await deliver(schedule, generated);
      result = { generated, written: sent.written, deliveries: sent.deliveries, problems: [...problems, ...sent.problems] };
    } catch (error) {
      await record(schedule, { startedAtMs, finishedAtMs: deps.now(), outcome: 'failed', error: (error as Error).message, files: [], written: false, deliveries: [] });
      throw error;
    }
    const files = result.generated.map((g) => g.file.filename);
    const outcome = outcomeOf({ files, written: result.written, deliveries: result.deliveries, problems: result.problems.length });
    await record(schedule, { startedAtMs, finishedAtMs: deps.now(), outcome, error: result.problems[0] ?? null, files, written: result.written, deliveries: result.deliveries });
    return result.generated.map((g) => g.file);
  }

  async function record(schedule: ReportSchedule, run: ScheduleRun): Promise<void> {
    if (!deps.runs) return;
    try {
      await deps.runs.repo.record(deps.runs.store.db, scheduleKey(schedule), run);
    } catch (error) {
      log.error({ err: error, report: schedule.report }, 'report schedule run not recorded');
    }
  }

  /** Every configured schedule: what it is, its next run and its last run. */
  async function states(): Promise<ScheduleState[]> {
    const now = deps.now();
    const out: ScheduleState[] = [];
    for (const s of deps.schedules) {
      const last = deps.runs ? await deps.runs.repo.last(deps.runs.store.db, scheduleKey(s)) : null;
      out.push({
        report: s.report,
        contract: s.contract ?? null,
        period: s.report === 'sla' ? s.period : null,
        cron: s.cron,
        time_zone: s.timezone,
        formats: [...s.formats],
        write: s.write,
        channels: [...s.channels],
        next_run_at_ms: nextRunMs(s, now),
        last_run: last && {
          started_at_ms: last.startedAtMs,
          finished_at_ms: last.finishedAtMs,
          outcome: last.outcome,
          error: last.error,
          files: last.files,
          written: last.written,
          deliveries: last.deliveries,
        },
      });
    }
    return out;
  }

  // Runs in flight (tests await them through settle()).
  const inFlight = new Set<Promise<unknown>>();

  function arm(index: number, schedule: ReportSchedule, dueMs: number | null): void {
    if (stopped || dueMs === null) return;
    const left = dueMs - deps.now();
    if (left > 0) {
      handles.set(index, timers.setTimeout(() => arm(index, schedule, dueMs), Math.min(left, MAX_WAIT_MS)));
      return;
    }
    if (busy.has(index)) {
      log.warn({ report: schedule.report, cron: schedule.cron }, 'previous scheduled report still running: this run skipped');
    } else {
      busy.add(index);
      const run = runOnce(schedule, dueMs)
        .catch((error: unknown) => {
          log.error({ err: error, report: schedule.report }, 'scheduled report failed');
          return [];
        })
        .finally(() => {
          busy.delete(index);
          inFlight.delete(run);
        });
      inFlight.add(run);
    }
    arm(index, schedule, nextRunMs(schedule, Math.max(deps.now(), dueMs)));
  }

  return {
    /** One schedule now, by hand (no claim); the timers pass the due time of each scheduled run. */
    runOnce: (schedule: ReportSchedule): Promise<GeneratedReport[]> => runOnce(schedule),
    states,
    /** When each schedule runs next (null: never), in schedule order. */
    nextRuns: (): Array<number | null> => deps.schedules.map((s) => nextRunMs(s, deps.now())),
    /** Resolves once every run started so far has finished. */
    async settle(): Promise<void> {
      await Promise.all([...inFlight]);
    },
    start(): void {
      stopped = false;
      deps.schedules.forEach((schedule, index) => arm(index, schedule, nextRunMs(schedule, deps.now())));
    },
    stop(): void {
      stopped = true;
      for (const handle of handles.values()) timers.clearTimeout(handle);
      handles.clear();
    },
  };
}
export type ReportScheduler = ReturnType<typeof createReportScheduler>;
