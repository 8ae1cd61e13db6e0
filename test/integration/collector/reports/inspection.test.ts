/**
 * The daily inspection report of Oct 20 with host, https and SNMP results in the seeded October (scenario option
 * `inspection`): disks with days until full from the stored samples, certificates expiring, SNMP interface errors,
 * every check judged, findings at the top; the PDF (pdftotext) and XLSX carry the same sections.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildInspectionReport } from '../../../../collector/reports/inspection-model.js';
import { createReportService } from '../../../../collector/reports/service.js';
import { buildSlaReport } from '../../../../collector/reports/sla-model.js';
import { seedScenario, type Scenario } from './scenario.js';

let s: Scenario;
beforeAll(async () => {
  s = await seedScenario({ inspection: true });
});
afterAll(async () => {
  await s?.stop();
});

const report = () => buildInspectionReport(s.ctx, { date: '2026-10-20' });

describe('inspection report of Oct 20', () => {
  it('disks: /data at 70 % growing 1.5 %/day is full in 20 days (20 daily samples); / is flat', () => {
    expect(report().disks).toEqual([
      { target: 'app-1', mount: '/', used_percent: 40, used_bytes: 200_000_000_000, total_bytes: 500_000_000_000, days_until_full: null, samples: 20 },
      { target: 'app-1', mount: '/data', used_percent: 70, used_bytes: 350_000_000_000, total_bytes: 500_000_000_000, days_until_full: 20, samples: 20 },
    ]);
  });

  it('certificates: 21 days left is a warning (≤ 30)', () => {
    expect(report().certificates).toEqual([{ target: 'app-1', check_id: 'https', days_left: 21, verdict: 'warn' }]);
  });

  it('SNMP interfaces: only the one with errors', () => {
    expect(report().interfaces).toEqual([{ target: 'sw-1', check_id: 'ifaces', interface: 'Gi0/2', errors: { in_errors_per_s: 0.5 } }]);
  });

  it('every check with its items, thresholds and verdicts', () => {
    const checks = report().checks;
    expect(checks.map((c) => [c.target, c.check_id, c.state, c.verdict])).toEqual([
      ['app-1', 'host', 'ok', 'pass'],
      ['app-1', 'https', 'warn', 'warn'],
      ['db-1', 'ping', 'ok', 'unknown'],
      ['sw-1', 'ifaces', 'ok', 'pass'],
      ['web-1', 'nightly', 'crit', 'fail'],
      ['web-1', 'ping', 'ok', 'unknown'],
    ]);
    const https = checks.find((c) => c.check_id === 'https');
    expect(https?.items).toEqual([
      { item: 'status_code', value: 200, threshold: null, verdict: null },
      { item: 'cert_days_left', value: 21, threshold: 'warn ≤30 / fail ≤7', verdict: 'warn' },
    ]);
    const host = checks.find((c) => c.check_id === 'host');
    expect(host?.items).toContainEqual({ item: '/data used_percent', value: 70, threshold: 'warn ≥80 / fail ≥90', verdict: 'pass' });
  });

  it('findings first (fail before warn) and the summary', () => {
    const r = report();
    expect(r.findings.map((f) => [f.level, f.kind, f.text])).toEqual([
      // One finding per problem: the backup and certificate findings stand for their checks' own.
      ['fail', 'backup', 'web-1 nightly: backup failed — backup failed'],
      ['warn', 'disk', 'app-1 /data: full in 20 days at the current rate'],
      ['warn', 'certificate', 'app-1 https: certificate expires in 21 days'],
      ['warn', 'stale', expect.stringMatching(/^db-1 ping: no result on 2026-10-20 \(last 2026-10-15T16:30:00.000Z\)$/)],
      ['warn', 'interface', 'sw-1 Gi0/2: in_errors_per_s=0.5'],
      ['warn', 'stale', expect.stringMatching(/^web-1 ping: no result on 2026-10-20 /)],
    ]);
    expect(r.summary).toEqual({ targets: 4, checks: 6, pass: 2, warn: 1, fail: 1, unknown: 2, changes: 1, findings: 6 });
  });

  it('the SLA report of the contract is unchanged by targets outside it', () => {
    const sla = buildSlaReport(s.ctx, { period: '2026-10', contract: 'acme' });
    expect(sla.availability.map((a) => a.subject.name).sort()).toEqual(['db-1', 'web-1']);
    expect(sla.backups).toMatchObject({ samples: 31, ok: 30, crit: 1 });
    expect(sla.inspection).toMatchObject({ samples: 38, crit: 3, ok: 35 });
  });

  it('PDF (zh-CN) has the disk, certificate and interface sections; XLSX one sheet each (en)', async () => {
    const service = createReportService(s.ctx);
    const pdf = await service.generate({ kind: 'inspection', date: '2026-10-20' }, 'pdf', 'zh-CN');
    const file = join(s.dir, pdf.filename);
    writeFileSync(file, pdf.body);
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    for (const heading of ['每日巡检报告', '发现问题', '磁盘容量趋势', '证书到期', 'SNMP 接口错误', '较上次巡检的变化']) expect(text).toContain(heading);
    expect(text).toContain('/data');
    expect(text).toContain('Gi0/2');
    const xlsx = await service.generate({ kind: 'inspection', date: '2026-10-20' }, 'xlsx', 'en');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.body as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Findings', 'Checks', 'Changes since last inspection', 'Backups', 'SNMP interface errors', 'Certificates', 'Disks']);
  });
});
