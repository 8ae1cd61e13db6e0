/** The `reports:` config section: defaults, and every bad value rejected with its path. */
import { describe, expect, it } from 'vitest';
import { collectorConfigSchema } from '../../../../collector/config.js';
import { reportsConfigSchema } from '../../../../collector/reports/config.js';

function problems(input: unknown): string[] {
  const parsed = reportsConfigSchema.safeParse(input);
  if (parsed.success) return [];
  return parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('reports config', () => {
  it('defaults', () => {
    expect(reportsConfigSchema.parse({})).toEqual({
      font: '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc',
      font_family: 'WenQuanYi Micro Hei',
      sample_period: 3_600_000,
      sample_retention: 90 * 86_400_000,
      fault_reminder: { enabled: true, after: 86_400_000, scan: 60_000, warn_at: 0.8, severities: ['P1', 'P2', 'P3', 'P4'] },
      inspection: { thresholds: {}, disk_full_warn_days: 30 },
      schedules: [
        { report: 'inspection', cron: '0 8 * * *', period: 'month', formats: ['pdf'], write: true, channels: [] },
        { report: 'sla', cron: '0 8 1 * *', period: 'month', formats: ['pdf'], write: true, channels: [] },
      ],
    });
  });

  it('a schedule takes durations, formats, a contract, channels; its own defaults fill in', () => {
    const cfg = reportsConfigSchema.parse({ sample_period: '15m', schedules: [{ report: 'sla', cron: '0 9 5 * *', contract: 'acme', formats: ['pdf', 'xlsx'], channels: ['mail'], lang: 'en' }] });
    expect(cfg.sample_period).toBe(900_000);
    expect(cfg.schedules).toEqual([{ report: 'sla', cron: '0 9 5 * *', period: 'month', contract: 'acme', formats: ['pdf', 'xlsx'], channels: ['mail'], lang: 'en', write: true }]);
  });

  it('bad values name their path', () => {
    expect(problems({ lang: 'fr' })).toEqual([expect.stringMatching(/^lang: /)]);
    expect(problems({ schedules: [{ report: 'sla', cron: 'every day' }] })).toEqual(['schedules.0.cron: invalid cron pattern (e.g. "0 8 * * *")']);
    expect(problems({ schedules: [{ report: 'inspection', cron: '0 8 * * *', timezone: 'Mars/Olympus' }] })).toEqual(['schedules.0.timezone: unknown time zone (use an IANA name such as Asia/Shanghai)']);
    expect(problems({ schedules: [{ report: 'weekly', cron: '0 8 * * *' }] })).toEqual([expect.stringMatching(/^schedules\.0\.report: /)]);
    expect(problems({ schedules: [{ report: 'sla', cron: '0 8 1 * *', formats: [] }] })).toEqual([expect.stringMatching(/^schedules\.0\.formats: /)]);
    expect(problems({ schedules: [{ report: 'sla', cron: '0 8 1 * *', formats: ['docx'] }] })).toEqual([expect.stringMatching(/^schedules\.0\.formats\.0: /)]);
    expect(problems({ sample_period: '10s' })).toEqual([expect.stringMatching(/^sample_period: /)]);
    expect(problems({ inspection: { thresholds: { used_percent: { warn: 'high', crit: 90 } } } })).toEqual([expect.stringMatching(/^inspection\.thresholds\.used_percent\.warn: /)]);
    expect(problems({ fault_reminder: { after: '1d', every: '1h' } })).toEqual([expect.stringMatching(/^fault_reminder: .*every/)]);
    expect(problems({ pdf_font: 'x' })).toEqual([expect.stringMatching(/^: .*pdf_font/)]);
  });

  it('lang and time zones fall back to the collector top level, resolved once where the config is loaded', () => {
    const top = collectorConfigSchema.parse({ lang: 'en', timezone: 'Europe/London', reports: { schedules: [{ report: 'inspection', cron: '0 8 * * *' }, { report: 'sla', cron: '0 8 1 * *', timezone: 'Asia/Tokyo' }] } });
    expect(top.reports.lang).toBe('en');
    expect(top.reports.timezone).toBe('Europe/London');
    expect(top.reports.schedules.map((s) => s.timezone)).toEqual(['Europe/London', 'Asia/Tokyo']);
    expect(top.notifications.lang).toBe('en');
    const own = collectorConfigSchema.parse({ lang: 'en', reports: { lang: 'zh-CN' }, notifications: { lang: 'zh-CN' } });
    expect([own.reports.lang, own.notifications.lang, own.reports.timezone]).toEqual(['zh-CN', 'zh-CN', 'Asia/Shanghai']);
    const defaults = collectorConfigSchema.parse({});
    expect([defaults.reports.lang, defaults.notifications.lang]).toEqual(['zh-CN', 'zh-CN']);
  });
});
