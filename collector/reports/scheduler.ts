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

  async function deliver(schedule: ReportSchedule, generated: Generated[]): Promise<void> {
    const files = generated.map((g) => g.file);
    if (schedule.write) {
      mkdirSync(deps.dir, { recursive: true });
      for (const f of files) writeFileSync(join(deps.dir, f.filename), f.body);
    }
    if (schedule.channels.length === 0 || generated.length === 0) return;
    const summaries = [...new Set(files.map((f) => f.summary))];
    const links = generated.flatMap((g) => (g.url ? [{ name: g.file.filename, url: g.url }] : []));
    const text = [...summaries, ...links.map((l) => `${l.name}: ${l.url}`)].join('\n');
    const markdown = [...summaries, ...links.map((l) => `- [${l.name}](${l.url})`)].join('\n\n');
    const html = [...summaries.map((s) => `<p>${escapeHtml(s)}</p>`), ...links.map((l) => `<p><a href="${escapeHtml(l.url)}">${escapeHtml(l.name)}</a></p>`)].join('');
    const title = summaries[0] ?? 'Outpost report';
    const name = files[0]?.filename.replace(/\.[a-z]+$/, '') ?? schedule.report;
    const attachments = files.map((f) => ({ filename: f.filename, content: f.body, contentType: f.contentType }));
    const results = await deps.deliver({ title, text, markdown, html, attachments, ...(schedule.lang ? { lang: schedule.lang } : {}) }, schedule.channels, name);
    for (const r of results) if (!r.ok) log.error({ channel: r.channel, report: name, attempts: r.attempts, error: r.error }, 'report not delivered');
  }

  async function generateAll(schedule: ReportSchedule): Promise<Generated[]> {
    const generated: Generated[] = [];
    for (const request of requestsFor(schedule, deps.now(), deps.contracts())) {
      for (const format of schedule.formats) {
        try {
          generated.push({ file: await deps.reports.generate(request, format, schedule.lang), url: deps.reportUrl?.(request, format) ?? null });
        } catch (error) {
          log.error({ err: error, report: schedule.report, format }, 'scheduled report not generated');
        }
      }
    }
    return generated;
  }

  /** Generates and delivers one schedule now; returns the files generated. */
  async function runOnce(schedule: ReportSchedule): Promise<GeneratedReport[]> {
    const generated = await generateAll(schedule);
    await deliver(schedule, generated);
    return generated.map((g) => g.file);
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
