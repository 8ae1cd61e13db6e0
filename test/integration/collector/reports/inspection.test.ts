/**
 * The daily inspection report of Oct 20 with host, https and SNMP results in the seeded October (scenario option
 * `inspection`): disks with days until full from the stored samples, certificates expiring, SNMP interface errors,
 * every check judged, findings at the top; the PDF (pdftotext) and XLSX carry the same sections.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { FINDINGS } from '../../../../common/findings.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildInspectionReport } from '../../../../collector/reports/inspection-model.js';
import { createReportService } from '../../../../collector/reports/service.js';
import { buildSlaReport } from '../../../../collector/reports/sla-model.js';
import { DAY, HOUR, OCT, seedScenario, startWorld, type Scenario } from './scenario.js';

let s: Scenario;
beforeAll(async () => {
  s = await seedScenario({ inspection: true });
});
afterAll(async () => {
  await s?.stop();
});

const report = () => buildInspectionReport(s.ctx, { date: '2026-10-20' });

describe('inspection report of Oct 20', () => {
  it('disks: /data at 70 % growing 1.5 %/day is full in 20 days (20 daily samples); / is flat', async () => {
    expect((await report()).disks).toEqual([
      { target: 'app-1', mount: '/', used_percent: 40, used_bytes: 200_000_000_000, total_bytes: 500_000_000_000, days_until_full: null, samples: 20 },
      { target: 'app-1', mount: '/data', used_percent: 70, used_bytes: 350_000_000_000, total_bytes: 500_000_000_000, days_until_full: 20, samples: 20 },
    ]);
  });

  it('certificates: 21 days left is a warning (≤ 30)', async () => {
    expect((await report()).certificates).toEqual([{ target: 'app-1', check_id: 'https', days_left: 21, verdict: 'warn' }]);
  });

  it('SNMP interfaces: only the one with errors', async () => {
    expect((await report()).interfaces).toEqual([{ target: 'sw-1', check_id: 'ifaces', interface: 'Gi0/2', errors: { in_errors_per_s: 0.5 } }]);
  });

  it('every check with its items, thresholds and verdicts', async () => {
    const checks = (await report()).checks;
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

  it('findings first (fail before warn) and the summary; times in the report zone, never UTC', async () => {
    const r = await report();
    expect(r.findings.map((f) => [f.level, f.kind, f.text])).toEqual([
      // One finding per problem: the backup and certificate findings stand for their checks' own.
      ['fail', 'backup', 'web-1 nightly: backup failed: backup /backup/db.dump is 19.1 MiB, far below the recent median 1.1 GiB'],
      ['warn', 'disk', 'app-1 /data: full in 20 days at the current rate'],
      ['warn', 'certificate', 'app-1 https: certificate expires in 21 days'],
      ['warn', 'stale', 'db-1 ping: no result on 2026-10-20 (last 2026-10-16 00:30)'],
      ['warn', 'interface', 'sw-1 Gi0/2: interface errors: input errors/s 0.5'],
      ['warn', 'stale', expect.stringMatching(/^web-1 ping: no result on 2026-10-20 \(last 2026-10-10 03:00\)$/)],
    ]);
    expect(r.summary).toEqual({ targets: 4, checks: 6, pass: 2, warn: 1, fail: 1, unknown: 2, maintenance: 0, changes: 1, findings: 6 });
  });

  it('the 巡检表: one row per check and per judged metric, problems first; a summary per device', async () => {
    const r = await report();
    expect(r.sheet.map((row) => [row.verdict, row.target, row.check_id, row.metric, row.series])).toEqual([
      ['fail', 'web-1', 'nightly', null, null],
      ['warn', 'app-1', 'https', null, null],
      ['warn', 'app-1', 'https', 'cert_days_left', null],
      ['unknown', 'db-1', 'ping', null, null],
      ['unknown', 'db-1', 'ping', 'loss_percent', null],
      ['unknown', 'web-1', 'ping', null, null],
      ['unknown', 'web-1', 'ping', 'loss_percent', null],
      ['pass', 'app-1', 'host', null, null],
      ['pass', 'app-1', 'host', 'used_percent', '/'],
      ['pass', 'app-1', 'host', 'used_percent', '/data'],
      ['pass', 'sw-1', 'ifaces', null, null],
    ]);
    expect(r.devices).toEqual([
      { target: 'app-1', checks: 2, pass: 1, warn: 1, fail: 0, unknown: 0, maintenance: 0 },
      { target: 'db-1', checks: 1, pass: 0, warn: 0, fail: 0, unknown: 1, maintenance: 0 },
      { target: 'sw-1', checks: 1, pass: 1, warn: 0, fail: 0, unknown: 0, maintenance: 0 },
      { target: 'web-1', checks: 2, pass: 0, warn: 0, fail: 1, unknown: 1, maintenance: 0 },
    ]);
  });

  it('the SLA report of the contract is unchanged by targets outside it', async () => {
    const sla = await buildSlaReport(s.ctx, { period: '2026-10', contract: 'acme' });
    expect(sla.availability.map((a) => a.subject.name).sort()).toEqual(['db-1', 'web-1']);
    expect(sla.backups).toMatchObject({ samples: 31, ok: 30, crit: 1 });
    expect(sla.inspection).toMatchObject({ samples: 38, crit: 3, ok: 35 });
  });

  it('PDF (zh-CN): the 巡检表 with signature lines, appendices after; no English finding and no UTC time; XLSX one sheet each (en)', async () => {
    const service = createReportService(s.ctx);
    const pdf = await service.generate({ kind: 'inspection', date: '2026-10-20' }, 'pdf', 'zh-CN');
    const file = join(s.dir, pdf.filename);
    writeFileSync(file, pdf.body);
    // Rendered to PNG as a customer would see the page; OUTPOST_KEEP_REPORTS=DIR keeps them to look at.
    const pngDir = process.env.OUTPOST_KEEP_REPORTS ?? s.dir;
    execFileSync('pdftoppm', ['-png', '-r', '80', file, join(pngDir, 'inspection-zh')]);
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    // Table cells wrap: phrases are looked for with the white space taken out.
    const flat = text.replace(/\s+/g, '');
    for (const heading of ['每日巡检报告', '巡检概况', '发现问题', '巡检表', '巡检对象', '巡检项', '标准（阈值）', '设备汇总', '签字确认', '巡检人', '审核人', '附录一', '磁盘容量趋势', '证书到期', 'SNMP 接口错误', '指标明细']) expect(text).toContain(heading);
    for (const phrase of ['按当前增长速度约 20 天后写满', '证书 21 天后到期', '接口有错误包：入方向错误/秒 0.5', '无检查结果（最近一次 2026-10-16 00:30）', '警告 ≥80 %，异常 ≥90 %', '维护中', '异常（警告）']) expect(flat).toContain(phrase.replace(/\s+/g, ''));
    expect(text).toContain('/data');
    expect(text).toContain('Gi0/2');
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z/);
    expect(flat).toContain('备份异常：备份文件/backup/db.dump大小19.1MiB，明显小于近期中位数1.1GiB');
    // A result whose code the catalogue does not know (yet) shows its message, as one without a code does.
    const uncatalogued = FINDINGS['http.cert_expiring'] ? [] : ['certificate expires'];
    for (const english of ['full in', 'no result on', 'warn ≥', 'errors:', 'backup failed', 'far below', ...(uncatalogued.length ? [] : ['certificate expires'])]) expect(text).not.toContain(english);
    // The sheet, summary and signatures come before the first appendix.
    expect(text.indexOf('签字确认')).toBeLessThan(text.indexOf('附录一'));
    const xlsx = await service.generate({ kind: 'inspection', date: '2026-10-20' }, 'xlsx', 'en');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.body as unknown as ArrayBuffer);
    const names = wb.worksheets.map((w) => w.name);
    expect(names.slice(0, 5)).toEqual(['Overview', 'Findings', 'Inspection sheet', 'Summary per device', 'Sign-off']);
    // The appendices, one sheet each (names cut at Excel's 31 characters).
    expect(names.slice(5).map((n) => n.slice(0, 10))).toEqual(['Appendix 1', 'Appendix 2', 'Appendix 3', 'Appendix 4', 'Appendix 5', 'Appendix 6']);
    expect(names.every((n) => n.length <= 31)).toBe(true);
  });
});

describe('a check inside a maintenance window', () => {
  it('is 维护中 (maintenance), not a failure and not a finding; the same check outside it is 异常', async () => {
    const window = { name: 'firmware', targets: ['core-sw'], start: new Date(OCT + 2 * HOUR).toISOString(), end: new Date(OCT + 4 * HOUR).toISOString() };
    const w = await startWorld({ incidents: { enabled: false }, sla: { maintenance: [window] } }, OCT);
    try {
      await w.publish('a9', 'core-sw', 'uplink', 'snmp', 'crit', OCT + 3 * HOUR, { message: 'device unreachable' });
      await w.publish('a10', 'edge-sw', 'uplink', 'snmp', 'crit', OCT + 3 * HOUR, { message: 'device unreachable' });
      const ctx = await w.finish(OCT + DAY + HOUR);
      const r = await buildInspectionReport(ctx, { date: '2026-10-01' });
      expect(r.checks.map((c) => [c.target, c.verdict, c.in_maintenance])).toEqual([
        ['core-sw', 'maintenance', true],
        ['edge-sw', 'fail', false],
      ]);
      expect(r.findings.map((f) => f.target)).toEqual(['edge-sw']);
      expect(r.summary).toMatchObject({ checks: 2, fail: 1, maintenance: 1 });
      expect(r.devices.map((d) => [d.target, d.fail, d.maintenance])).toEqual([
        ['core-sw', 0, 1],
        ['edge-sw', 1, 0],
      ]);
      const html = (await createReportService(ctx).generate({ kind: 'inspection', date: '2026-10-01' }, 'html', 'zh-CN')).body.toString('utf8');
      expect(html).toMatch(/<td>core-sw<\/td><td>uplink（网络设备 \(SNMP\)）<\/td><td>检查结果正常<\/td><td>维护中<\/td>/);
    } finally {
      await w.running.stop();
    }
  });
});
