/**
 * Report schedules (croner, in each schedule's time zone): an inspection of the current day, or the SLA report of the
 * previous month per contract; each format is written to the reports directory and/or sent through notification
 * channels (email with the files attached, IM channels a one-line summary).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Cron } from 'croner';
import type { Logger } from '../../common/logger.js';
import type { Channel } from '../notify/types.js';
import { dayKey, localDayOf } from '../sla/zoned-time.js';
import type { ReportSchedule } from './config.js';
import { previousMonth } from './period.js';
import type { GeneratedReport, ReportRequest, ReportService } from './service.js';

export interface ReportSchedulerDeps {
  schedules: readonly ReportSchedule[];
  reports: ReportService;
  contracts: () => string[];
  dir: string;
  channels: ReadonlyMap<string, Channel>;
  now: () => number;
  logger: Logger;
}

export function requestsFor(schedule: ReportSchedule, nowMs: number, contracts: readonly string[]): ReportRequest[] {
  const today = dayKey(localDayOf(schedule.timezone, nowMs));
  if (schedule.report === 'inspection') return [{ kind: 'inspection', date: today, timeZone: schedule.timezone }];
  const period = previousMonth(today.slice(0, 7));
  return (schedule.contract ? [schedule.contract] : contracts).map((contract) => ({ kind: 'sla', period, contract }));
}

export function createReportScheduler(deps: ReportSchedulerDeps) {
  const log = deps.logger.child({ component: 'reports.scheduler' });
  const jobs: Cron[] = [];

  async function deliver(schedule: ReportSchedule, files: GeneratedReport[]): Promise<void> {
    if (schedule.write) {
      mkdirSync(deps.dir, { recursive: true });
      for (const f of files) writeFileSync(join(deps.dir, f.filename), f.body);
    }
    const summary = [...new Set(files.map((f) => f.summary))].join('\n');
    for (const name of schedule.channels) {
      const channel = deps.channels.get(name);
      if (!channel) {
        log.warn({ channel: name }, 'report schedule names an unknown channel');
        continue;
      }
      const title = files[0]?.summary ?? 'Outpost report';
      await channel
        .send({ title, text: summary, markdown: summary, html: `<p>${summary.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/\n/g, '<br>')}</p>`, attachments: files.map((f) => ({ filename: f.filename, content: f.body, contentType: f.contentType })) })
        .catch((error: unknown) => log.error({ err: error, channel: name }, 'report not delivered'));
    }
  }

  /** Generates and delivers one schedule now; returns the files generated. */
  async function runOnce(schedule: ReportSchedule): Promise<GeneratedReport[]> {
    const files: GeneratedReport[] = [];
    for (const request of requestsFor(schedule, deps.now(), deps.contracts())) {
      for (const format of schedule.formats) {
        try {
          files.push(await deps.reports.generate(request, format, schedule.lang));
        } catch (error) {
          log.error({ err: error, report: schedule.report, format }, 'scheduled report not generated');
        }
      }
    }
    await deliver(schedule, files);
    return files;
  }

  return {
    runOnce,
    start(): void {
      for (const schedule of deps.schedules) {
        jobs.push(new Cron(schedule.cron, { timezone: schedule.timezone, protect: true }, () => void runOnce(schedule)));
      }
    },
    stop(): void {
      for (const job of jobs) job.stop();
      jobs.length = 0;
    },
  };
}
