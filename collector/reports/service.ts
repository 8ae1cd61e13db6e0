/**
 * Generates reports in any format from their JSON form: the SLA report of a contract and month, the inspection
 * report of a day, the fault report of a resolved incident (generating it records nothing). Used by the CLI, the API and the
 * scheduler alike.
 */
import type { ReportFormat, ReportLang } from './config.js';
import type { ReportContext } from './context.js';
import { faultDocument } from './document-fault.js';
import { inspectionDocument } from './document-inspection.js';
import { slaDocument } from './document-sla.js';
import { generateFaultReport, type FaultReport } from './fault-model.js';
import { markFaultReportSent, type FaultReportSent } from './fault-sent.js';
import { buildInspectionReport, type InspectionReport } from './inspection-model.js';
import { buildAssetsReport, markAssetsVerified, type AssetsReport } from './assets-model.js';
import { assetsDocument } from './document-assets.js';
import { CONTENT_TYPES, renderReport } from './render.js';
import { buildSlaReport, type SlaReport } from './sla-model.js';

export type ReportRequest =
  | { kind: 'sla'; period: string; contract: string }
  | { kind: 'inspection'; date: string; timeZone?: string }
  /** `by` records the report as generated (the fault-report duty); without it the report is a preview. */
  | { kind: 'fault'; number: string; by?: string }
  /** `markVerifiedBy`: after the comparison, the current inventories become the new baseline, recorded as verified by them. */
  | { kind: 'assets'; markVerifiedBy?: string };

export interface GeneratedReport {
  filename: string;
  contentType: string;
  body: Buffer;
  /** One line for IM messages and logs. */
  summary: string;
}

const safe = (text: string) => text.replace(/[^A-Za-z0-9._-]+/g, '_');

export function createReportService(ctx: ReportContext) {
  const font = { path: ctx.config.font, family: ctx.config.font_family };

  /** The report as JSON, its words (titles, causes, notes, policy) in `lang`. */
  async function json(request: ReportRequest, lang: ReportLang = ctx.config.lang): Promise<SlaReport | InspectionReport | AssetsReport | FaultReport> {
    if (request.kind === 'sla') return buildSlaReport(ctx, { ...request, lang });
    if (request.kind === 'inspection') return buildInspectionReport(ctx, request);
    if (request.kind === 'assets') {
      const report = await buildAssetsReport(ctx);
      if (request.markVerifiedBy !== undefined) await markAssetsVerified(ctx, request.markVerifiedBy);
      return report;
    }
    return generateFaultReport(ctx, request.number, request.by, lang);
  }

  return {
    json,
    /** Records that the fault report of `number` went to the customer (stops its reminder). */
    markFaultSent(number: string, by: string, note?: string): Promise<FaultReportSent> {
      return markFaultReportSent(ctx, number, by, note);
    },
    async generate(request: ReportRequest, format: ReportFormat, lang: ReportLang = ctx.config.lang): Promise<GeneratedReport> {
      const report = await json(request, lang);
      let body: Buffer;
      let base: string;
      let summary: string;
      if (report.kind === 'sla') {
        body = await renderReport(report, () => slaDocument(report, lang), format, font);
        base = `sla-${safe(report.contract.name)}-${report.period}`;
        const o = report.overview;
        const compliance = o.resolution_compliance_percent === null ? '—' : `${o.resolution_compliance_percent.toFixed(1)} %`;
        summary =
          lang === 'zh-CN'
            ? `SLA 报告 ${report.contract.name} ${report.period}：达标对象 ${o.targets_met}/${o.targets}，停机 ${o.outages} 次，事件 ${o.incidents} 起，解决达标率 ${compliance}`
            : `SLA ${report.contract.name} ${report.period}: ${o.targets_met}/${o.targets} targets met, ${o.outages} outages, ${o.incidents} incidents, resolution compliance ${compliance}`;
      } else if (report.kind === 'inspection') {
        body = await renderReport(report, () => inspectionDocument(report, lang), format, font);
        base = `inspection-${report.date}`;
        const s = report.summary;
        summary =
          lang === 'zh-CN'
            ? `巡检报告 ${report.date}：检查项 ${s.checks}，异常 ${s.fail + s.warn}，未知 ${s.unknown}，维护中 ${s.maintenance}，发现问题 ${s.findings}`
            : `Inspection ${report.date}: ${s.checks} checks, ${s.fail} fail, ${s.warn} warn, ${s.findings} findings`;
      } else if (report.kind === 'assets') {
        body = await renderReport(report, () => assetsDocument(report, lang), format, font);
        base = `assets-${report.generated_at.slice(0, 10)}`;
        const s = report.summary;
        summary =
          lang === 'zh-CN'
            ? `资产核查 ${s.hosts} 台主机：新增 ${s.added}，消失 ${s.gone}，有变化 ${s.changed}`
            : `Assets: ${s.hosts} hosts, ${s.added} added, ${s.gone} gone, ${s.changed} changed`;
      } else {
        // The contract's zone when the incident falls under one, else the collector's.
        const contract = ctx.sla.setup.contracts.find((c) => c.name === report.sla.contract);
        const timeZone = (contract ? ctx.sla.setup.calendars.get(contract.calendar)?.spec.timeZone : undefined) ?? ctx.config.timezone;
        body = await renderReport(report, () => faultDocument(report, lang, timeZone), format, font);
        base = `fault-${safe(report.incident.number)}`;
        summary = lang === 'zh-CN' ? `故障处理报告 ${report.incident.number}：${report.incident.title}` : `Fault report ${report.incident.number}: ${report.incident.title}`;
      }
      return { filename: `${base}.${format}`, contentType: CONTENT_TYPES[format], body, summary };
    },
  };
}
export type ReportService = ReturnType<typeof createReportService>;
