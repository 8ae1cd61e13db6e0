/** Fault reports and their 24 h reminder, and the inspection report, on the seeded October. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateFaultReport } from '../../../../collector/reports/fault-model.js';
import { buildInspectionReport } from '../../../../collector/reports/inspection-model.js';
import { createFaultReportReminder } from '../../../../collector/reports/reminder.js';
import { createLogger } from '../../../../common/logger.js';
import { seedScenario, type Scenario } from './scenario.js';

let s: Scenario;
beforeAll(async () => {
  s = await seedScenario();
});
afterAll(async () => {
  await s?.stop();
});

describe('fault report', () => {
  it('type, timeline, cause, resolution, impact and SLA of a resolved incident', () => {
    const r = generateFaultReport(s.ctx, s.numbers.db);
    expect(r.incident).toMatchObject({ number: s.numbers.db, severity: 'P2', type: 'ping', target: 'db-1', cause: 'disk full', resolution: 'rotated logs' });
    expect(r.impact).toMatchObject({ duration_s: 9 * 3600, downtime_s: 1800 });
    expect(r.sla).toMatchObject({ policy: 'contract-003', contract: 'acme', met: false, response: { met: false, target_s: 1800 }, resolution: { met: false, target_s: 8 * 3600 } });
    expect(r.timeline.map((e) => e.kind)).toEqual(expect.arrayContaining(['opened', 'acknowledged', 'resolved']));
    expect(() => generateFaultReport(s.ctx, 'INC-20990101-0001')).toThrow('unknown incident "INC-20990101-0001"');
  });

  it('reminds once for a resolved P1/P2 without a fault report after 24 h', () => {
    const sent: string[] = [];
    const reminder = createFaultReportReminder({ store: s.ctx.store, db: s.running.db, afterMs: 86_400_000, now: s.ctx.now, notify: (n) => sent.push(`${n.kind} ${n.incident.number}`), logger: createLogger({ level: 'silent' }) });
    // The db-1 report was generated above; the web-1 P1 has none; the manual P3 never needs one.
    expect(reminder.scan()).toEqual([s.numbers.web]);
    expect(sent).toEqual([`report_reminder ${s.numbers.web}`]);
    expect(reminder.scan()).toEqual([]);
  });
});

describe('inspection report', () => {
  it('every check with its verdict, backups with trend, changes since the day before, findings', () => {
    const r = buildInspectionReport(s.ctx, { date: '2026-10-20' });
    const backup = r.backups.find((b) => b.check_id === 'nightly');
    expect(backup).toMatchObject({ target: 'web-1', state: 'crit', status: 'failed', age_s: 3600, size_bytes: 1_190_000_000, size_trend_bytes_per_day: 10_000_000 });
    expect(r.changes).toEqual([{ target: 'web-1', check_id: 'nightly', from: 'ok', to: 'crit', message: 'backup failed' }]);
    expect(r.findings).toContainEqual(expect.objectContaining({ level: 'fail', kind: 'backup', target: 'web-1' }));
    expect(r.findings.every((f, i, all) => i === 0 || !(f.level === 'fail' && all[i - 1]?.level === 'warn'))).toBe(true);
    expect(r.summary).toMatchObject({ targets: 2, checks: 3, fail: 1 });
    expect(() => buildInspectionReport(s.ctx, { date: '2027-01-01' })).toThrow('date 2027-01-01 is in the future');
    expect(() => buildInspectionReport(s.ctx, { date: '2026-01-01' })).toThrow('no check results stored up to 2026-01-01');
  });
});
