/** The inspection report's JSON laid out as a document. */
import type { ReportDocument } from './document.js';
import { t, type Lang } from './i18n.js';
import type { InspectionReport } from './inspection-model.js';

export function inspectionDocument(r: InspectionReport, lang: Lang): ReportDocument {
  const L = (k: Parameters<typeof t>[1]) => t(lang, k);
  const v = (verdict: string) => (verdict === 'pass' || verdict === 'warn' || verdict === 'fail' || verdict === 'unknown' ? L(verdict) : verdict);
  const s = r.summary;
  return {
    title: L('inspection_title'),
    subtitle: `${L('date')} ${r.date}`,
    lang,
    timeZone: r.time_zone,
    sections: [
      {
        id: 'findings',
        title: L('findings'),
        facts: [
          { label: L('targets'), value: s.targets, type: 'integer' },
          { label: L('checks'), value: s.checks, type: 'integer' },
          { label: L('pass'), value: s.pass, type: 'integer' },
          { label: L('warn'), value: s.warn, type: 'integer' },
          { label: L('fail'), value: s.fail, type: 'integer' },
          { label: L('unknown'), value: s.unknown, type: 'integer' },
          { label: L('generated_at'), value: r.generated_at, type: 'datetime' },
        ],
        table: {
          columns: [
            { label: L('level'), type: 'text' },
            { label: L('target'), type: 'text' },
            { label: L('message'), type: 'text' },
          ],
          rows: r.findings.map((f) => [v(f.level), f.target, f.text]),
        },
      },
      {
        id: 'checks',
        title: L('checks'),
        table: {
          columns: [
            { label: L('target'), type: 'text' },
            { label: L('check'), type: 'text' },
            { label: L('item'), type: 'text' },
            { label: L('value'), type: 'number' },
            { label: L('threshold'), type: 'text' },
            { label: L('result'), type: 'text' },
            { label: L('observed_at'), type: 'datetime' },
          ],
          rows: r.checks.flatMap((c) => [
            [c.target, `${c.check_id} (${c.check_type})`, c.message, null, null, v(c.verdict), c.observed_at],
            ...c.items.map((i) => [c.target, c.check_id, i.item, i.value, i.threshold, i.verdict === null ? null : v(i.verdict), c.observed_at]),
          ]),
        },
      },
      {
        id: 'changes',
        title: L('changes'),
        table: {
          columns: [
            { label: L('target'), type: 'text' },
            { label: L('check'), type: 'text' },
            { label: L('from_state'), type: 'text' },
            { label: L('to_state'), type: 'text' },
            { label: L('message'), type: 'text' },
          ],
          rows: r.changes.map((c) => [c.target, c.check_id, c.from, c.to, c.message]),
        },
      },
      {
        id: 'backups',
        title: L('backups'),
        table: {
          columns: [
            { label: L('target'), type: 'text' },
            { label: L('check'), type: 'text' },
            { label: L('status'), type: 'text' },
            { label: L('age'), type: 'duration' },
            { label: L('size'), type: 'bytes' },
            { label: L('size_trend'), type: 'bytes' },
          ],
          rows: r.backups.map((b) => [b.target, b.check_id, b.status ?? b.state, b.age_s, b.size_bytes, b.size_trend_bytes_per_day]),
        },
      },
      {
        id: 'interfaces',
        title: L('interfaces'),
        table: {
          columns: [
            { label: L('target'), type: 'text' },
            { label: L('interface'), type: 'text' },
            { label: L('errors'), type: 'text' },
          ],
          rows: r.interfaces.map((i) => [i.target, i.interface, Object.entries(i.errors).map(([k, n]) => `${k}=${n}`).join(', ')]),
        },
      },
      {
        id: 'certificates',
        title: L('certificates'),
        table: {
          columns: [
            { label: L('target'), type: 'text' },
            { label: L('check'), type: 'text' },
            { label: L('days_left'), type: 'number' },
            { label: L('result'), type: 'text' },
          ],
          rows: r.certificates.map((c) => [c.target, c.check_id, c.days_left, v(c.verdict)]),
        },
      },
      {
        id: 'disks',
        title: L('disks'),
        table: {
          columns: [
            { label: L('target'), type: 'text' },
            { label: L('mount'), type: 'text' },
            { label: L('used_percent'), type: 'percent' },
            { label: L('used'), type: 'bytes' },
            { label: L('capacity'), type: 'bytes' },
            { label: L('days_until_full'), type: 'number' },
          ],
          rows: r.disks.map((d) => [d.target, d.mount, d.used_percent, d.used_bytes, d.total_bytes, d.days_until_full]),
        },
      },
    ],
  };
}
