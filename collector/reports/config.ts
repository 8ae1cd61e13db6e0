/**
 * Collector config section `reports:` — where generated reports go, the PDF font, result sampling for trends, the
 * fault-report reminder and the report schedules (croner patterns in a time zone).
 *
 * ```yaml
 * reports:
 *   dir: ./data/reports
 *   lang: zh-CN                      # zh-CN | en (default: the collector's top-level `lang`)
 *   font: /usr/share/fonts/truetype/wqy/wqy-microhei.ttc
 *   font_family: WenQuanYi Micro Hei # the face inside a .ttc/.otc collection
 *   schedules:                       # default: inspection daily 08:00, SLA report on the 1st 08:00 (Asia/Shanghai)
 *     - { report: inspection, cron: '0 8 * * *', formats: [pdf, xlsx], channels: [ops-mail] }
 *     - { report: sla, cron: '0 8 1 * *', contract: acme, formats: [pdf] }
 *     - { report: sla, cron: '0 8 1 1,4,7,10 *', period: quarter, formats: [pdf, xlsx] }   # quarterly service report
 * ```
 */
import { Cron } from 'croner';
import { z } from 'zod';
import { durationSchema } from '../../common/duration.js';
import { DEFAULT_TIME_ZONE } from '../sla/index.js';
import { isValidTimeZone } from '../sla/zoned-time.js';

export const REPORT_FORMATS = ['pdf', 'xlsx', 'csv', 'html', 'json'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
export const REPORT_LANGS = ['zh-CN', 'en'] as const;
export type ReportLang = (typeof REPORT_LANGS)[number];

const timeZoneSchema = z.string().refine(isValidTimeZone, { message: 'unknown time zone (use an IANA name such as Asia/Shanghai)' });

const cronSchema = z.string().refine(
  (pattern) => {
    try {
      new Cron(pattern, { paused: true }).stop();
      return true;
    } catch {
      return false;
    }
  },
  { message: 'invalid cron pattern (e.g. "0 8 * * *")' },
);

export const reportScheduleSchema = z.strictObject({
  report: z.enum(['sla', 'inspection']),
  cron: cronSchema,
  /** Default: the collector's top-level `timezone`. */
  timezone: timeZoneSchema.optional(),
  /** SLA reports: one contract (default: every contract, one report each). */
  contract: z.string().min(1).max(200).optional(),
  /** SLA reports: the period reported — the previous calendar month, or the previous quarter (cron e.g. `0 8 1 1,4,7,10 *`). */
  period: z.enum(['month', 'quarter']).default('month'),
  formats: z.array(z.enum(REPORT_FORMATS)).min(1).default(['pdf']),
  lang: z.enum(REPORT_LANGS).optional(),
  /** Write the files to `reports.dir`. */
  write: z.boolean().default(true),
  /** Notification channels (collector `notifications.channels`): email gets the files attached, IM a summary/link. */
  channels: z.array(z.string().min(1)).default([]),
});
/** A schedule as the collector runs it: its time zone resolved (its own, else the collector's `timezone`). */
export type ReportSchedule = z.output<typeof reportScheduleSchema> & { timezone: string };

const thresholdSchema = z.strictObject({
  warn: z.number(),
  crit: z.number(),
  /** true: lower values are worse (days left, free space). */
  below: z.boolean().default(false),
});
export type MetricThreshold = z.output<typeof thresholdSchema>;

export const DEFAULT_THRESHOLDS: Record<string, MetricThreshold> = {
  used_percent: { warn: 80, crit: 90, below: false },
  cert_days_left: { warn: 30, crit: 7, below: true },
  loss_percent: { warn: 5, crit: 50, below: false },
};

export const reportsConfigSchema = z
  .strictObject({
    dir: z.string().min(1).optional(),
    /** Default: the collector's top-level `lang`. */
    lang: z.enum(REPORT_LANGS).optional(),
    font: z.string().min(1).default('/usr/share/fonts/truetype/wqy/wqy-microhei.ttc'),
    font_family: z.string().min(1).optional().default('WenQuanYi Micro Hei'),
    /** One stored result sample per check and period (trends: disk fill, backup size). */
    sample_period: durationSchema({ min: '1m', max: '1d' }).default(3_600_000),
    sample_retention: durationSchema({ min: '1d' }).default(90 * 86_400_000),
    fault_reminder: z
      .strictObject({
        enabled: z.boolean().default(true),
        /** A resolved incident whose fault report was not sent this long after resolution gets one reminder. */
        after: durationSchema({ min: '1m' }).default(86_400_000),
        /** An early warning at this share of `after` (0.8 = 19 h 12 min of 24 h); null: none. */
        warn_at: z.number().gt(0).lt(1).nullable().default(0.8),
        /** Severities reminded about (default: all). */
        severities: z.array(z.enum(['P1', 'P2', 'P3', 'P4'])).min(1).default(['P1', 'P2', 'P3', 'P4']),
        scan: durationSchema({ min: '1s', max: '1h' }).default(60_000),
      })
      .prefault({}),
    inspection: z
      .strictObject({
        /** Per metric name; merged over the defaults (used_percent 80/90, cert_days_left 30/7 below, loss_percent 5/50). */
        thresholds: z.record(z.string().min(1), thresholdSchema).default({}),
        /** Disks predicted full within this many days are a finding. */
        disk_full_warn_days: z.number().int().min(1).max(3650).default(30),
      })
      .prefault({}),
    schedules: z
      .array(reportScheduleSchema)
      .default([
        { report: 'inspection', cron: '0 8 * * *', period: 'month', formats: ['pdf'], write: true, channels: [] },
        { report: 'sla', cron: '0 8 1 * *', period: 'month', formats: ['pdf'], write: true, channels: [] },
      ]),
  })
  .prefault({});
/** The section as written (lang and schedule zones may be absent). */
export type ReportsSection = z.output<typeof reportsConfigSchema>;
/** The section as the collector uses it: language and time zones resolved once, where the config is loaded. */
export type ReportsConfig = Omit<ReportsSection, 'lang' | 'schedules'> & { lang: ReportLang; timezone: string; schedules: ReportSchedule[] };

/**
 * Fills what the section leaves to the collector: `lang` (top-level `lang`), the zone reports are read in (top-level
 * `timezone`; an SLA report still uses its contract calendar's zone) and each schedule's zone.
 */
export function resolveReportsConfig(section: ReportsSection, top: { lang?: ReportLang | undefined; timezone?: string | undefined } = {}): ReportsConfig {
  const timezone = top.timezone ?? DEFAULT_TIME_ZONE;
  return {
    ...section,
    lang: section.lang ?? top.lang ?? 'zh-CN',
    timezone,
    schedules: section.schedules.map((s) => ({ ...s, timezone: s.timezone ?? timezone })),
  };
}
