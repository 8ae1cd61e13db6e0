/** Fault reports, their 80 % warning and 24 h reminder until marked sent, and the inspection report, on the seeded October. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateFaultReport } from '../../../../collector/reports/fault-model.js';
import { buildInspectionReport } from '../../../../collector/reports/inspection-model.js';
import { markFaultReportSent } from '../../../../collector/reports/fault-sent.js';
import { createFaultReportReminder } from '../../../../collector/reports/reminder.js';
import { createLogger } from '../../../../common/logger.js';
import { DAY, HOUR, seedScenario, type Scenario } from './scenario.js';

let s: Scenario;
beforeAll(async () => {
  s = await seedScenario();
});
afterAll(async () => {
  await s?.stop();
});

describe('fault report', () => {
  it('type, timeline, cause, resolution, impact and SLA of a resolved incident', async () => {
    const r = await generateFaultReport(s.ctx, s.numbers.db);
    expect(r.incident).toMatchObject({ number: s.numbers.db, severity: 'P2', type: 'ping', target: 'db-1', cause: 'disk full', resolution: 'rotated logs' });
    expect(r.impact).toMatchObject({ duration_s: 9 * 3600, downtime_s: 1800 });
    expect(r.sla).toMatchObject({ policy: 'contract-003', contract: 'acme', met: false, response: { met: false, target_s: 1800 }, resolution: { met: false, target_s: 8 * 3600 } });
    expect(r.timeline.map((e) => e.kind)).toEqual(expect.arrayContaining(['opened', 'acknowledged', 'resolved']));
    await expect(generateFaultReport(s.ctx, 'INC-20990101-0001')).rejects.toThrow('unknown incident "INC-20990101-0001"');
  });

  it('in the report language: the title from its code, the collector-written notes rendered, a person\'s words as typed', async () => {
    const zh = await generateFaultReport(s.ctx, s.numbers.db, undefined, 'zh-CN');
    const en = await generateFaultReport(s.ctx, s.numbers.db, undefined, 'en');
    expect(zh).toMatchObject({ lang: 'zh-CN', incident: { title_code: 'title.check', cause: 'disk full', resolution: 'rotated logs' } });
    expect(zh.incident.title.startsWith('db-1 · ping — ')).toBe(true);
    expect(en.lang).toBe('en');
    const opened = zh.timeline.find((e) => e.kind === 'opened');
    expect(opened?.note_code).toBe('note.finding');
  });

  it('warns at 80 % of the 24 h and reminds at 24 h, for the severities configured; generating the report does not count, marking it sent does', async () => {
    const sent: string[] = [];
    const reminderAt = (nowMs: number, severities?: Array<'P1' | 'P2' | 'P3' | 'P4'>) =>
      createFaultReportReminder({
        store: s.store,
        reports: s.ctx.reports,
        afterMs: DAY,
        now: () => nowMs,
        notify: (n) => sent.push(`${n.incident.number} ${n.note}`),
        logger: createLogger({ level: 'silent' }),
        lang: 'en',
        ...(severities ? { severities } : {}),
      });
    const manualResolved = (await s.incidents.get(s.numbers.manual))!.resolvedAtMs!;
    // P3 only: nothing before 80 %; at 20 h the early warning (4 h left); at 24 h the reminder; each once.
    expect(await reminderAt(manualResolved + 19 * HOUR, ['P3']).scan()).toEqual([]);
    expect(await reminderAt(manualResolved + 20 * HOUR, ['P3']).scan()).toEqual([s.numbers.manual]);
    expect(await reminderAt(manualResolved + 21 * HOUR, ['P3']).scan()).toEqual([]);
    expect(await reminderAt(manualResolved + DAY, ['P3']).scan()).toEqual([s.numbers.manual]);
    expect(sent).toEqual([
      `${s.numbers.manual} fault report due to the customer in 4 h: run "outpost report fault ${s.numbers.manual}", send it, then "outpost report fault ${s.numbers.manual} --mark-sent"`,
      `${s.numbers.manual} fault report not sent to the customer 1 d after resolution: run "outpost report fault ${s.numbers.manual}", send it, then "outpost report fault ${s.numbers.manual} --mark-sent"`,
    ]);
    // The db-1 report was generated above (not sent: it still counts as due); marking web-1 sent silences it.
    const sentRecord = await markFaultReportSent(s.ctx, s.numbers.web, 'wang', 'emailed to the customer');
    expect(sentRecord).toMatchObject({ number: s.numbers.web, sentBy: 'wang', recorded: true });
    expect((await markFaultReportSent(s.ctx, s.numbers.web, 'li')).recorded).toBe(false);
    expect((await s.incidents.get(s.numbers.web))!.timeline.filter((e) => e.kind === 'fault_report_sent').map((e) => [e.actor, e.note])).toEqual([['wang', 'emailed to the customer']]);
    // In Chinese (the default language of notifications).
    const zh: string[] = [];
    const zhReminder = createFaultReportReminder({ store: s.store, reports: s.ctx.reports, afterMs: DAY, now: s.ctx.now, notify: (n) => zh.push(n.note ?? ''), logger: createLogger({ level: 'silent' }) });
    expect(await zhReminder.scan()).toEqual([s.numbers.db]);
    expect(zh).toEqual([`故障解决已超过 1天，故障报告尚未提交客户：生成报告 "outpost report fault ${s.numbers.db}"，发送客户后执行 "outpost report fault ${s.numbers.db} --mark-sent"`]);
    expect(await reminderAt(s.ctx.now()).scan()).toEqual([]);
    await expect(markFaultReportSent(s.ctx, 'INC-20990101-0001', 'x')).rejects.toThrow('unknown incident "INC-20990101-0001"');
  });
});

describe('inspection report', () => {
  it('every check with its verdict, backups with trend, changes since the day before, findings', async () => {
    const r = await buildInspectionReport(s.ctx, { date: '2026-10-20' });
    const backup = r.backups.find((b) => b.check_id === 'nightly');
    expect(backup).toMatchObject({ target: 'web-1', state: 'crit', status: 'failed', age_s: 3600, size_bytes: 1_190_000_000, size_trend_bytes_per_day: 10_000_000 });
    expect(r.changes).toEqual([
      { target: 'web-1', check_id: 'nightly', from: 'ok', to: 'crit', code: 'backup.too_small', params: { file: '/backup/db.dump', size: 20_000_000, median: 1_150_000_000 }, message: 'backup failed' },
    ]);
    expect(r.findings).toContainEqual(expect.objectContaining({ level: 'fail', kind: 'backup', target: 'web-1' }));
    expect(r.findings.every((f, i, all) => i === 0 || !(f.level === 'fail' && all[i - 1]?.level === 'warn'))).toBe(true);
    expect(r.summary).toMatchObject({ targets: 2, checks: 3, fail: 1 });
    await expect(buildInspectionReport(s.ctx, { date: '2027-01-01' })).rejects.toThrow('date 2027-01-01 is in the future');
    await expect(buildInspectionReport(s.ctx, { date: '2026-01-01' })).rejects.toThrow('no check results stored up to 2026-01-01');
  });
});
