/**
 * Report schedules in a reports runtime on the seeded October, time driven by an injected clock and timers (no
 * sleeps): the daily inspection at 08:00 and the SLA report of the previous month on the 1st are written to the
 * reports directory, mailed with the files attached through a real local SMTP server, and announced to a DingTalk
 * robot (signature verified by the local receiver) with a summary and links to the API.
 */
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectorConfigSchema } from '../../../../collector/config.js';
import { reportsConfigSchema, resolveReportsConfig } from '../../../../collector/reports/config.js';
import { startReports } from '../../../../collector/reports/runtime.js';
import { nextRunMs } from '../../../../collector/reports/scheduler.js';
import type { Timers } from '../../../../common/timers.js';
import { createLogger } from '../../../../common/logger.js';
import { startImReceiver, type ImReceiver } from '../../../helpers/im-receiver.js';
import { startSmtpServer, type SmtpTestServer } from '../../../helpers/smtp.js';
import { config, seedScenario, type Scenario } from './scenario.js';

let s: Scenario;
let smtp: SmtpTestServer;
let robot: ImReceiver;

/** Timers on the scenario clock: advanceTo() fires every timer due on the way, in order, moving the clock to each. */
function drivenTimers(clock: { now: number }) {
  const pending = new Set<{ at: number; callback: () => void }>();
  const timers: Timers = {
    setTimeout(callback, ms) {
      const timer = { at: clock.now + ms, callback };
      pending.add(timer);
      return timer;
    },
    clearTimeout(handle) {
      pending.delete(handle as { at: number; callback: () => void });
    },
  };
  return {
    timers,
    pending: () => pending.size,
    advanceTo(ms: number): void {
      for (;;) {
        const next = [...pending].filter((t) => t.at <= ms).sort((a, b) => a.at - b.at)[0];
        if (!next) break;
        pending.delete(next);
        clock.now = Math.max(clock.now, next.at);
        next.callback();
      }
      clock.now = ms;
    },
  };
}

/** Asia/Shanghai wall time → epoch ms. */
const shanghai = (local: string) => Date.parse(`${local}+08:00`);

beforeAll(async () => {
  s = await seedScenario();
  smtp = await startSmtpServer();
  robot = await startImReceiver({ dingtalk: { accessToken: 'robot-token', secret: 'SECreports' }, now: () => s.clock.now });
});
afterAll(async () => {
  await s?.stop();
  await smtp?.close();
  await robot?.close();
});

describe('default schedules', () => {
  it('inspection daily at 08:00 and the SLA report on the 1st at 08:00, Asia/Shanghai', async () => {
    const [inspection, sla] = resolveReportsConfig(reportsConfigSchema.parse({})).schedules;
    expect(inspection).toMatchObject({ report: 'inspection', cron: '0 8 * * *', timezone: 'Asia/Shanghai', formats: ['pdf'], write: true, channels: [] });
    expect(sla).toMatchObject({ report: 'sla', cron: '0 8 1 * *', timezone: 'Asia/Shanghai' });
    const from = shanghai('2026-11-22T01:00:00');
    expect(nextRunMs(inspection!, from)).toBe(shanghai('2026-11-22T08:00:00'));
    expect(nextRunMs(sla!, from)).toBe(shanghai('2026-12-01T08:00:00'));
    // Strictly after: at 08:00 sharp the next one is tomorrow's.
    expect(nextRunMs(inspection!, shanghai('2026-11-22T08:00:00'))).toBe(shanghai('2026-11-23T08:00:00'));
    // The schedule's own zone: 08:00 in London is 16:00 in Shanghai (GMT in November).
    expect(nextRunMs({ cron: '0 8 * * *', timezone: 'Europe/London' }, from)).toBe(shanghai('2026-11-22T16:00:00'));
  });
});

describe('scheduled reports written and delivered', () => {
  it('inspection at 08:00 and the October SLA report on Nov 1, to the directory, email (attachments) and DingTalk (summary, links)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outpost-scheduled-'));
    const cfg = collectorConfigSchema.parse({
      data_dir: s.dir,
      ...config,
      api: { public_url: 'https://outpost.example.test' },
      notifications: {
        channels: {
          mail: { type: 'email', host: '127.0.0.1', port: smtp.port, security: 'none', from: 'outpost@example.test', to: ['ops@example.test'] },
          robot: { type: 'dingtalk', url: robot.urls.dingtalk, secret: 'SECreports' },
        },
      },
      reports: {
        dir,
        schedules: [
          { report: 'inspection', cron: '0 8 * * *', formats: ['pdf', 'csv'], channels: ['mail', 'robot'] },
          { report: 'sla', cron: '0 8 1 * *', contract: 'acme', formats: ['xlsx'], lang: 'en', channels: ['mail', 'nowhere'] },
        ],
      },
    });
    s.clock.now = shanghai('2026-10-31T07:00:00');
    const driven = drivenTimers(s.clock);
    const runtime = startReports({ store: s.store, config: cfg, sla: s.sla, now: () => s.clock.now, logger: createLogger({ level: 'silent' }), notify: () => undefined, timerFunctions: driven.timers });
    try {
      expect(driven.pending()).toBe(2);
      driven.advanceTo(shanghai('2026-10-31T07:59:59'));
      await runtime.scheduler.settle();
      expect(readdirSync(dir)).toEqual([]);

      // Oct 31 08:00: the inspection of that day (the backup ran at 01:00; both pings are stale: 2 findings).
      driven.advanceTo(shanghai('2026-10-31T08:00:00'));
      await runtime.scheduler.settle();
      expect(readdirSync(dir).sort()).toEqual(['inspection-2026-10-31.csv', 'inspection-2026-10-31.pdf']);
      expect(smtp.messages).toHaveLength(1);
      const inspectionMail = smtp.messages[0]!;
      // The collector's language (zh-CN by default): subject and summary in Chinese.
      expect(inspectionMail.subject).toBe('巡检报告 2026-10-31：检查项 3，异常 0，未知 2，维护中 0，发现问题 2');
      expect(inspectionMail.envelope.to).toEqual(['ops@example.test']);
      expect(inspectionMail.attachments.map((a) => [a.filename, a.contentType])).toEqual([
        ['inspection-2026-10-31.pdf', 'application/pdf'],
        ['inspection-2026-10-31.csv', 'text/csv'],
      ]);
      expect(inspectionMail.attachments[0]?.content.subarray(0, 5).toString()).toBe('%PDF-');
      expect(inspectionMail.attachments[1]?.content.toString('utf8')).toMatch(/^\uFEFF每日巡检报告/);
      const im = robot.accepted('dingtalk');
      expect(im).toHaveLength(1);
      const markdown = (im[0]?.body as { markdown: { title: string; text: string } }).markdown;
      expect(markdown.title).toBe('巡检报告 2026-10-31：检查项 3，异常 0，未知 2，维护中 0，发现问题 2');
      expect(markdown.text).toContain('[inspection-2026-10-31.pdf](https://outpost.example.test/api/v1/reports/inspection?date=2026-10-31&tz=Asia%2FShanghai&format=pdf)');

      // Nov 1 08:00: the next inspection and the SLA report of October (the unknown channel is skipped).
      driven.advanceTo(shanghai('2026-11-01T12:00:00'));
      await runtime.scheduler.settle();
      expect(readdirSync(dir).sort()).toEqual(['inspection-2026-10-31.csv', 'inspection-2026-10-31.pdf', 'inspection-2026-11-01.csv', 'inspection-2026-11-01.pdf', 'sla-acme-2026-10.xlsx']);
      expect(smtp.messages.map((m) => m.subject)).toEqual([
        '巡检报告 2026-10-31：检查项 3，异常 0，未知 2，维护中 0，发现问题 2',
        expect.stringMatching(/^巡检报告 2026-11-01：检查项 3/),
        'SLA acme 2026-10: 2/2 targets met, 2 outages, 3 incidents, resolution compliance 66.7 %',
      ]);
      const slaMail = smtp.messages[2]!;
      expect(slaMail.attachments.map((a) => a.filename)).toEqual(['sla-acme-2026-10.xlsx']);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(slaMail.attachments[0]!.content as unknown as ArrayBuffer);
      expect(wb.worksheets.map((w) => w.name)).toContain('Availability');
      expect(robot.accepted('dingtalk')).toHaveLength(2);

      // Next: inspection tomorrow 08:00; the SLA report on Dec 1.
      expect(runtime.scheduler.nextRuns()).toEqual([shanghai('2026-11-02T08:00:00'), shanghai('2026-12-01T08:00:00')]);
    } finally {
      await runtime.stop();
    }
    expect(driven.pending()).toBe(0);
    expect(existsSync(join(dir, 'sla-acme-2026-10.xlsx'))).toBe(true);
  });

  it('a report that cannot be generated is skipped; the schedule keeps running', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outpost-scheduled-'));
    const cfg = collectorConfigSchema.parse({
      data_dir: s.dir,
      ...config,
      // No data in September: nothing to write, no mail; the daily inspection (no channels) still runs.
      reports: { dir, schedules: [{ report: 'sla', cron: '0 8 1 * *', contract: 'acme', formats: ['pdf'], channels: ['mail'] }, { report: 'inspection', cron: '30 8 * * *', formats: ['json'] }] },
      notifications: { channels: { mail: { type: 'email', host: '127.0.0.1', port: smtp.port, security: 'none', from: 'outpost@example.test', to: ['ops@example.test'] } } },
    });
    const before = smtp.messages.length;
    s.clock.now = shanghai('2026-10-01T07:00:00');
    const driven = drivenTimers(s.clock);
    const runtime = startReports({ store: s.store, config: cfg, sla: s.sla, now: () => s.clock.now, logger: createLogger({ level: 'silent' }), notify: () => undefined, timerFunctions: driven.timers });
    try {
      driven.advanceTo(shanghai('2026-10-01T09:00:00'));
      await runtime.scheduler.settle();
      expect(readdirSync(dir)).toEqual(['inspection-2026-10-01.json']);
      expect(smtp.messages.length).toBe(before);
    } finally {
      await runtime.stop();
      s.clock.now = shanghai('2026-11-22T09:00:00');
    }
  });
});
