/**
 * The SLA report of the seeded October: every number of the JSON form against hand-computed ground truth, the same
 * numbers as GET /api/v1/availability, and the PDF (pdftotext), XLSX (exceljs) and CSV read back.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../../collector/api/app.js';
import { ReportError } from '../../../../collector/reports/errors.js';
import { createReportService } from '../../../../collector/reports/service.js';
import { buildSlaReport } from '../../../../collector/reports/sla-model.js';
import { slaDocument } from '../../../../collector/reports/document-sla.js';
import { createLogger } from '../../../../common/logger.js';
import { Registry } from 'prom-client';
import { DAY, seedScenario, TOKEN, type Scenario } from './scenario.js';

let s: Scenario;
beforeAll(async () => {
  s = await seedScenario();
});
afterAll(async () => {
  await s?.stop();
});

const MONTH_S = (31 * DAY) / 1000;
const report = () => buildSlaReport(s.ctx, { period: '2026-10', contract: 'acme' });

describe('SLA report JSON', () => {
  it('availability per target vs the 98 % target, downtime used vs allowed, coverage', async () => {
    const r = await report();
    expect(r.contract).toMatchObject({ name: 'acme', policy: 'contract-003', calendar: '24x7', time_zone: 'Asia/Shanghai', availability_target: 98, compliance_goal: 95, targets: ['db-1', 'web-1'] });
    const web = r.availability.find((a) => a.subject.name === 'web-1');
    expect(web).toMatchObject({ scheduled_s: MONTH_S, down_s: 7200, maintenance_s: 7200, unknown_s: 0, measured_s: MONTH_S - 7200, target_percent: 98, target_met: true, outage_count: 1, coverage: 1 });
    expect(web?.availability_percent).toBeCloseTo((100 * (742 - 2)) / 742, 9);
    expect(web?.allowed_downtime_s).toBe(Math.round(0.02 * (MONTH_S - 7200)));
    const db = r.availability.find((a) => a.subject.name === 'db-1');
    expect(db).toMatchObject({ down_s: 1800, maintenance_s: 0, allowed_downtime_s: Math.round(0.02 * MONTH_S), target_met: true });
    expect(db?.availability_percent).toBeCloseTo((100 * (744 - 0.5)) / 744, 9);
    expect(r.overview).toMatchObject({ targets: 2, targets_met: 2, downtime_s: 9000, outages: 2, incidents: 3, mtta_s: 1400, mttr_s: 18600, compliance_goal: 95 });
    expect(r.overview.lowest_availability_percent).toBeCloseTo((100 * 740) / 742, 9);
    // The contract as a whole: Σ up / Σ measured (web-1 740 of 742 h, db-1 743.5 of 744 h), not its worst member.
    expect(r.overview.availability_percent).toBeCloseTo((100 * (740 + 743.5)) / (742 + 744), 9);
    expect(r.overview.error_budget_left_percent).toBeCloseTo(100 * (1 - 2.5 / (0.02 * (742 + 744))), 9);
    expect(r.calculation).toMatchObject({ formula: '可用率 = 可用时间 ÷ (服务时间 − 维护时间 − 无数据时间)', unknown_policy: 'excluded', calendar: '24x7' });
  });

  it('a quarter (2026-Q4) covers October so far: the same downtime, scheduled time up to the clock, its own title', async () => {
    const q = await buildSlaReport(s.ctx, { period: '2026-Q4', contract: 'acme' });
    expect(q.period).toBe('2026-Q4');
    const web = q.availability.find((a) => a.subject.name === 'web-1');
    expect(web).toMatchObject({ down_s: 7200, maintenance_s: 7200, outage_count: 1 });
    expect(slaDocument(q, 'en').title).toBe('Quarterly SLA report');
    expect(slaDocument(q, 'zh-CN').title).toBe('SLA 服务水平季度报告');
    expect(slaDocument(await report(), 'zh-CN').title).toBe('SLA 服务水平月度报告');
  });

  it('outages with cause and incident number; the maintenance window; the outage inside it is not listed', async () => {
    const r = await report();
    expect(r.outages).toEqual([
      { target: 'web-1', start: '2026-10-02T16:00:00.000Z', end: '2026-10-02T18:00:00.000Z', ongoing: false, duration_s: 7200, downtime_s: 7200, cause: 'switch port flapping', incident: s.numbers.web },
      { target: 'db-1', start: '2026-10-15T16:00:00.000Z', end: '2026-10-15T16:30:00.000Z', ongoing: false, duration_s: 1800, downtime_s: 1800, cause: 'disk full', incident: s.numbers.db },
    ]);
    expect(r.maintenance).toEqual([{ name: 'patch', start: '2026-10-09T18:00:00.000Z', end: '2026-10-09T20:00:00.000Z', duration_s: 7200, targets: ['web-1'] }]);
  });

  it('incidents by severity with response/resolution times, met/breached, compliance vs the 95 % goal, MTTA/MTTR', async () => {
    const r = await report();
    expect(r.incidents.list.map((i) => [i.number, i.severity, i.response_s, i.response_met, i.resolution_s, i.resolution_met])).toEqual([
      [s.numbers.web, 'P1', 600, true, 5400, true],
      [s.numbers.db, 'P2', 2400, false, 9 * 3600, false],
      [s.numbers.manual, 'P3', 1200, true, 5 * 3600, true],
    ]);
    expect(r.incidents.list.map((i) => [i.response_target_s, i.resolution_target_s])).toEqual([
      [1800, 8 * 3600],
      [1800, 8 * 3600],
      [1800, 24 * 3600],
    ]);
    expect(r.incidents.by_severity.P1).toMatchObject({ total: 1, response: { met: 1, breached: 0, compliance_percent: 100 }, resolution: { met: 1, compliance_percent: 100 } });
    expect(r.incidents.by_severity.P2).toMatchObject({ total: 1, response: { met: 0, breached: 1, compliance_percent: 0 }, resolution: { breached: 1, compliance_percent: 0 } });
    expect(r.incidents.by_severity.P4).toMatchObject({ total: 0, resolution: { compliance_percent: null } });
    expect(r.compliance.resolution_percent).toBeCloseTo(200 / 3, 9);
    expect(r.compliance.response_percent).toBeCloseTo(200 / 3, 9);
    expect(r.compliance).toMatchObject({ goal_percent: 95, resolution_met_goal: false });
    expect(r.incidents).toMatchObject({ total: 3, mtta_s: (10 + 40 + 20) * 20, mttr_s: ((90 + 540 + 300) * 60) / 3 });
  });

  it('backup success rate and the month inspection summary from the stored samples', async () => {
    const r = await report();
    expect(r.backups).toMatchObject({ samples: 31, ok: 30, crit: 1, warn: 0, unknown: 0 });
    expect(r.backups.success_percent).toBeCloseTo((100 * 30) / 31, 9);
    // 31 backups + ping results, one per check and hour slot (newest wins): web-1 ok, crit, ok, crit, ok;
    // db-1 ok, then crit and ok in the same hour → ok.
    expect(r.inspection).toMatchObject({ samples: 38, crit: 3, ok: 35 });
  });

  it('clear errors: unknown contract, period in the future, no data', async () => {
    await expect(buildSlaReport(s.ctx, { period: '2026-10', contract: 'nope' })).rejects.toThrow('unknown contract "nope" (known: acme)');
    await expect(buildSlaReport(s.ctx, { period: '2027-01', contract: 'acme' })).rejects.toThrow('period 2027-01 is in the future');
    await expect(buildSlaReport(s.ctx, { period: '2026-08', contract: 'acme' })).rejects.toThrow(ReportError);
    await expect(buildSlaReport(s.ctx, { period: '2026-08', contract: 'acme' })).rejects.toThrow('no data for contract "acme" in 2026-08');
    await expect(buildSlaReport(s.ctx, { period: '2026-13', contract: 'acme' })).rejects.toThrow('period must be YYYY-MM or YYYY-Qn');
  });

  it('equals GET /api/v1/availability and /api/v1/sla/summary for the same period', async () => {
    const r = await report();
    const app = createApp({
      store: s.store,
      agents: s.running.agents,
      checks: s.running.checks,
      intervals: s.running.intervals,
      tokens: [{ name: 'v', token: TOKEN, role: 'viewer' }],
      registry: new Registry(),
      health: { broker: () => true, warnings: () => [] },
      logger: createLogger({ level: 'silent' }),
      now: () => s.clock.now,
      sla: s.sla,
      incidents: s.incidents,
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const port = (server.address() as { port: number }).port;
      const get = async (path: string) => (await fetch(`http://127.0.0.1:${port}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } })).json() as Promise<Record<string, unknown>>;
      for (const target of ['web-1', 'db-1']) {
        const api = await get(`/api/v1/availability?target=${target}&period=2026-10`);
        expect(r.availability.find((a) => a.subject.name === target)).toEqual(api);
      }
      const summary = (await get('/api/v1/sla/summary?period=2026-10')) as { contracts: Array<{ name: string; incidents: Record<string, unknown>; availability: Record<string, unknown> }> };
      const acme = summary.contracts.find((c) => c.name === 'acme');
      // One figure for the contract: the console's overview (this API) shows what the report prints.
      expect(acme?.availability).toMatchObject({ availability_percent: r.overview.availability_percent, error_budget_left_percent: r.overview.error_budget_left_percent, measured_targets: 2, downtime_s: 9000 });
      expect(slaDocument(r, 'zh-CN').sections[0]?.facts).toContainEqual({ label: '合同整体可用率', value: r.overview.availability_percent, type: 'percent' });
      expect(acme?.incidents).toMatchObject({ total: r.incidents.total, mtta_s: r.incidents.mtta_s, mttr_s: r.incidents.mttr_s, resolution: r.incidents.resolution, response: r.incidents.response });
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('SLA report formats', () => {
  it('PDF: pdftotext finds the Chinese headings and figures', async () => {
    const out = await createReportService(s.ctx).generate({ kind: 'sla', period: '2026-10', contract: 'acme' }, 'pdf', 'zh-CN');
    expect(out.filename).toBe('sla-acme-2026-10.pdf');
    const file = join(s.dir, out.filename);
    writeFileSync(file, out.body);
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    for (const heading of ['SLA 服务水平月度报告', '概览', '可用性', '停机记录', '维护窗口', '事件', '合规率', '计算口径']) expect(text).toContain(heading);
    expect(text).toContain('99.730 %');
    expect(text).toContain('66.667 %');
    expect(text).toContain(s.numbers.web);
    expect(text).toContain('switch port flapping');
    // The pictures (vector drawing: their legends and titles are text), the calculation policy in Chinese.
    for (const phrase of ['可用性图表', '每日可用率', '状态时间线', '目标线', '低于目标', '不可用', '维护']) expect(text).toContain(phrase);
    const flat = text.replace(/\s+/g, '');
    for (const phrase of ['可用率=可用时间÷(服务时间−维护时间−无数据时间)', '无数据时间不计入分母', '30分钟响应，紧急/高8小时、中/低24小时解决，95%按时', '对象有连通性检查时以连通性检查为准']) expect(flat).toContain(phrase);
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z/);
    // A month without extensions says so (the rows are in test/integration/collector/incidents/followup.test.ts).
    expect(text).toContain('延期记录');
    expect(text).toContain('本期无延期记录');
    for (const english of ['Seed 003', 'reachability checks', 'A = up', 'excluded']) expect(text).not.toContain(english);
    // Rendered to PNG as the customer sees the pages; OUTPOST_KEEP_REPORTS=DIR keeps them to look at.
    execFileSync('pdftoppm', ['-png', '-r', '80', file, join(process.env.OUTPOST_KEEP_REPORTS ?? s.dir, 'sla-zh')]);
  });

  it('XLSX: one sheet per section with real percent and duration formats', async () => {
    const out = await createReportService(s.ctx).generate({ kind: 'sla', period: '2026-10', contract: 'acme' }, 'xlsx', 'zh-CN');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(out.body as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['概览', '可用性', '停机记录', '维护窗口', '事件', '合规率', '延期记录', '备份   巡检汇总', '客户满意度', '计算口径']);
    const sheet = wb.getWorksheet('可用性');
    const row = sheet?.getRow(4); // title, header, db-1, web-1
    expect(row?.getCell(1).value).toBe('web-1');
    expect(row?.getCell(2).value as number).toBeCloseTo(740 / 742, 9);
    expect(row?.getCell(2).numFmt).toBe('0.000%');
    // exceljs reads a time-formatted cell back as a date from Excel's epoch: 2 h.
    expect(row?.getCell(5).value).toEqual(new Date('1899-12-30T02:00:00.000Z'));
    expect(row?.getCell(5).numFmt).toBe('[h]:mm:ss');
  });

  it('CSV: UTF-8 with BOM, parsed back', async () => {
    const out = await createReportService(s.ctx).generate({ kind: 'sla', period: '2026-10', contract: 'acme' }, 'csv', 'zh-CN');
    expect([...out.body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = out.body.toString('utf8').slice(1).split('\r\n');
    expect(lines[0]).toBe('SLA 服务水平月度报告');
    const header = lines.findIndex((l) => l.startsWith('对象,可用率'));
    expect(lines[header + 1]?.split(',').slice(0, 5)).toEqual(['db-1', '99.933', '98', '达标', '1800']);
    expect(lines[header + 2]?.split(',').slice(0, 5)).toEqual(['web-1', '99.73', '98', '达标', '7200']);
    expect(lines).toContain(`web-1,2026-10-03 00:00,2026-10-03 02:00,7200,7200,switch port flapping,${s.numbers.web}`);
  });

  it('HTML: self-contained and printable', async () => {
    const out = await createReportService(s.ctx).generate({ kind: 'sla', period: '2026-10', contract: 'acme' }, 'html', 'en');
    const html = out.body.toString('utf8');
    expect(html).toContain('<h1>Monthly SLA report</h1>');
    expect(html).toContain('@media print');
    expect(html).not.toMatch(/<script|<link|src="http/);
    expect(html).toContain('99.730 %');
    // Inline SVG pictures, in the report's language.
    expect(html.match(/<svg /g)).toHaveLength(2);
    expect(html).toContain('Daily availability');
    expect(html).toContain('State timeline');
  });

  it('a missing PDF font is a clear error', async () => {
    const service = createReportService({ ...s.ctx, config: { ...s.ctx.config, font: '/nonexistent/font.ttc' } });
    await expect(service.generate({ kind: 'sla', period: '2026-10', contract: 'acme' }, 'pdf')).rejects.toThrow('PDF font not found: /nonexistent/font.ttc');
  });
});
