/**
 * Report schedules (croner patterns in each schedule's time zone): an inspection of the current day, or the SLA report
 * of the previous month per contract; each format is written to the reports directory and/or sent through
 * notification channels (email with the files attached, IM channels a summary with links when api.public_url is set).
 * Croner only computes the next run; the waiting goes through injected timers (tests drive a clock), in steps of at
 * most a day, so a monthly schedule never overflows a timer and a clock jump is noticed.
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
  /** Where each schedule's last run is kept (GET /api/v1/reports/schedules); without it runs are not recorded. */
  runs?: ScheduleRunStore;
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

  async function generateAll(schedule: ReportSchedule): Promise<{ generated: Generated[]; problems: string[] }> {
    const generated: Generated[] = [];
    const problems: string[] = [];
    const requests = requestsFor(schedule, deps.now(), deps.contracts());
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

  /** Generates and delivers one schedule now, records how it went; returns the files generated. */
  async function runOnce(schedule: ReportSchedule): Promise<GeneratedReport[]> {
    const startedAtMs = deps.now();
    let result: { generated: Generated[]; written: boolean; deliveries: ScheduleRun['deliveries']; problems: string[] };
    try {
      const { generated, problems } = await generateAll(schedule);
      const sent = await deliver(schedule, generated);
      result = { generated, written: sent.written, deliveries: sent.deliveries, problems: [...problems, ...sent.problems] };
    } catch (error) {
      record(schedule, { startedAtMs, finishedAtMs: deps.now(), outcome: 'failed', error: (error as Error).message, files: [], written: false, deliveries: [] });
      throw error;
    }
    const files = result.generated.map((g) => g.file.filename);
    const outcome = outcomeOf({ files, written: result.written, deliveries: result.deliveries, problems: result.problems.length });
    record(schedule, { startedAtMs, finishedAtMs: deps.now(), outcome, error: result.problems[0] ?? null, files, written: result.written, deliveries: result.deliveries });
    return result.generated.map((g) => g.file);
  }

  function record(schedule: ReportSchedule, run: ScheduleRun): void {
    try {
      deps.runs?.record(scheduleKey(schedule), run);
    } catch (error) {
      log.error({ err: error, report: schedule.report }, 'report schedule run not recorded');
    }
  }

  /** Every configured schedule: what it is, its next run and its last run. */
  function states(): ScheduleState[] {
    const now = deps.now();
    return deps.schedules.map((s) => {
      const last = deps.runs?.last(scheduleKey(s)) ?? null;
      return {
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
      };
    });
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
      const run = runOnce(schedule)
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
    runOnce,
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
