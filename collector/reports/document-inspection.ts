/**
 * The inspection report's JSON laid out as a document: the 巡检表 a customer signs — overview, findings, one row per
 * check item (object, item, standard, result, value, remark; problems first), a summary per device and the signature
 * lines — then the appendices (changes, backups, interfaces, certificates, disks, every metric).
 */
import type { Lang } from '../../common/humanize.js';
import type { Cell, ReportDocument, Section } from './document.js';
import { t } from './i18n.js';
import type { InspectionReport, SheetRow } from './inspection-model.js';
import type { Verdict } from './thresholds.js';
import { checkStandard, checkTypeLabel, findingText, formatMetric, metricLabel, thresholdLabel } from './vocabulary.js';

export function inspectionDocument(r: InspectionReport, lang: Lang): ReportDocument {
  const L = (k: Parameters<typeof t>[1]) => t(lang, k);
  const zone = { lang, timeZone: r.time_zone };
  const verdict = (v: Verdict | null): string | null => (v === null ? null : L(`verdict_${v}`));
  const state = (s: string | null): string | null => (s === null ? null : s === 'ok' || s === 'warn' || s === 'crit' || s === 'unknown' ? L(s) : s);
  const checkName = (id: string, type: string) => (lang === 'zh-CN' ? `${id}（${checkTypeLabel(type, lang)}）` : `${id} (${checkTypeLabel(type, lang)})`);
  const s = r.summary;
  const itemOf = (row: SheetRow): string => {
    const check = checkName(row.check_id, row.check_type);
    if (row.metric === null) return check;
    const metric = metricLabel(row.metric, lang);
    return `${check} · ${row.series === null ? metric : `${row.series} ${metric}`}`;
  };
  const sheetRow = (row: SheetRow): Cell[] => [
    row.target,
    itemOf(row),
    row.metric === null || row.threshold === null ? checkStandard(lang) : thresholdLabel(row.metric, row.threshold, lang),
    verdict(row.verdict),
    row.metric === null || row.value === null ? null : formatMetric(row.metric, row.value, lang),
    row.metric === null ? (row.verdict === 'pass' && !row.code ? null : findingText(row, zone)) : null,
  ];
  const appendix = (n: number, key: Parameters<typeof t>[1]) => (lang === 'zh-CN' ? `${L('appendix')}${'一二三四五六七八九'[n - 1] ?? n}\u3000${L(key)}` : `${L('appendix')} ${n}: ${L(key)}`);

  const sections: Section[] = [
    {
      id: 'overview',
      title: L('inspection_overview'),
      facts: [
        { label: L('date'), value: r.date, type: 'text' },
        { label: L('targets'), value: s.targets, type: 'integer' },
        { label: L('checks'), value: s.checks, type: 'integer' },
        { label: L('verdict_pass'), value: s.pass, type: 'integer' },
        { label: L('abnormal'), value: s.fail + s.warn, type: 'integer' },
        { label: L('verdict_unknown'), value: s.unknown, type: 'integer' },
        { label: L('verdict_maintenance'), value: s.maintenance, type: 'integer' },
        { label: L('generated_at'), value: r.generated_at, type: 'datetime' },
      ],
    },
    {
      id: 'findings',
      title: L('findings'),
      table: {
        columns: [
          { label: L('level'), type: 'text', width: 1 },
          { label: L('sheet_object'), type: 'text', width: 1.1 },
          { label: L('item'), type: 'text', width: 1.2 },
          { label: L('message'), type: 'text', width: 5 },
        ],
        rows: r.findings.map((f) => [verdict(f.level), f.target, f.item, findingText(f, zone)]),
      },
    },
    {
      id: 'sheet',
      title: L('sheet'),
      table: {
        columns: [
          { label: L('sheet_object'), type: 'text', width: 1.1 },
          { label: L('sheet_item'), type: 'text', width: 2.3 },
          { label: L('sheet_standard'), type: 'text', width: 1.7 },
          { label: L('sheet_result'), type: 'text', width: 1 },
          { label: L('sheet_value'), type: 'text', width: 0.9 },
          { label: L('sheet_remark'), type: 'text', width: 3.2 },
        ],
        rows: r.sheet.map(sheetRow),
      },
    },
    {
      id: 'devices',
      title: L('devices'),
      table: {
        columns: [
          { label: L('sheet_object'), type: 'text' },
          { label: L('checks'), type: 'integer' },
          { label: L('verdict_pass'), type: 'integer' },
          { label: L('abnormal'), type: 'integer' },
          { label: L('verdict_unknown'), type: 'integer' },
          { label: L('verdict_maintenance'), type: 'integer' },
          { label: L('conclusion'), type: 'text' },
        ],
        rows: r.devices.map((d) => [
          d.target,
          d.checks,
          d.pass,
          d.fail + d.warn,
          d.unknown,
          d.maintenance,
          d.fail + d.warn > 0 ? L('abnormal') : d.unknown > 0 ? L('verdict_unknown') : d.maintenance > 0 ? L('verdict_maintenance') : L('verdict_pass'),
        ]),
      },
    },
    { id: 'signatures', title: L('signatures'), signatures: [L('inspector'), L('reviewer'), L('sign_date')] },
    {
      id: 'changes',
      title: appendix(1, 'changes'),
      pageBreak: true,
      table: {
        columns: [
          { label: L('sheet_object'), type: 'text' },
          { label: L('check'), type: 'text' },
          { label: L('from_state'), type: 'text' },
          { label: L('to_state'), type: 'text' },
          { label: L('message'), type: 'text' },
        ],
        rows: r.changes.map((c) => [c.target, c.check_id, state(c.from), state(c.to), findingText(c, zone)]),
      },
    },
    {
      id: 'backups',
      title: appendix(2, 'backups'),
      table: {
        columns: [
          { label: L('sheet_object'), type: 'text' },
          { label: L('check'), type: 'text' },
          { label: L('status'), type: 'text' },
          { label: L('age'), type: 'duration' },
          { label: L('size'), type: 'bytes' },
          { label: L('size_trend'), type: 'bytes' },
        ],
        rows: r.backups.map((b) => [b.target, b.check_id, state(b.state), b.age_s, b.size_bytes, b.size_trend_bytes_per_day]),
      },
    },
    {
      id: 'interfaces',
      title: appendix(3, 'interfaces'),
      table: {
        columns: [
          { label: L('sheet_object'), type: 'text' },
          { label: L('interface'), type: 'text' },
          { label: L('errors'), type: 'text' },
        ],
        rows: r.interfaces.map((i) => [i.target, i.interface, Object.entries(i.errors).map(([k, n]) => `${metricLabel(k, lang)} ${formatMetric(k, n, lang)}`).join(lang === 'zh-CN' ? '，' : ', ')]),
      },
    },
    {
      id: 'certificates',
      title: appendix(4, 'certificates'),
      table: {
        columns: [
          { label: L('sheet_object'), type: 'text' },
          { label: L('check'), type: 'text' },
          { label: L('days_left'), type: 'number' },
          { label: L('sheet_result'), type: 'text' },
        ],
        rows: r.certificates.map((c) => [c.target, c.check_id, c.days_left, verdict(c.verdict)]),
      },
    },
    {
      id: 'disks',
      title: appendix(5, 'disks'),
      table: {
        columns: [
          { label: L('sheet_object'), type: 'text' },
          { label: L('mount'), type: 'text' },
          { label: L('used_percent'), type: 'percent' },
          { label: L('used'), type: 'bytes' },
          { label: L('capacity'), type: 'bytes' },
          { label: L('days_until_full'), type: 'number' },
        ],
        rows: r.disks.map((d) => [d.target, d.mount, d.used_percent, d.used_bytes, d.total_bytes, d.days_until_full]),
      },
    },
    {
      id: 'metrics',
      title: appendix(6, 'metric_detail'),
      table: {
        columns: [
          { label: L('sheet_object'), type: 'text' },
          { label: L('check'), type: 'text' },
          { label: L('item'), type: 'text' },
          { label: L('value'), type: 'text' },
          { label: L('observed_at'), type: 'datetime' },
        ],
        rows: r.checks.flatMap((c) =>
          c.items.map((i) => {
            const name = i.item.split(' ').pop() ?? i.item;
            const series = i.item === name ? '' : `${i.item.slice(0, -name.length)}`;
            return [c.target, c.check_id, `${series}${metricLabel(name, lang)}`, formatMetric(name, i.value, lang), c.observed_at];
          }),
        ),
      },
    },
  ];
  return { title: L('inspection_title'), subtitle: `${L('date')} ${r.date}`, lang, timeZone: r.time_zone, sections };
}
