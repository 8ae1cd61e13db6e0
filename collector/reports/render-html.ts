/** HTML: one self-contained, printable page (inline CSS, no scripts, no external resources). */
import type { ReportDocument } from './document.js';
import { chartSvg } from './chart-svg.js';
import { formatCell } from './format-values.js';

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const STYLE = `
body{font-family:"WenQuanYi Micro Hei","Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;margin:24px;color:#222;font-size:13px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;border-bottom:2px solid #2b6cb0;padding-bottom:2px;margin-top:24px}
.sub{color:#555;margin-bottom:16px}table{border-collapse:collapse;width:100%;margin:6px 0}
th,td{border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top}th{background:#edf2f7}
td.n{text-align:right;font-variant-numeric:tabular-nums}dl{display:grid;grid-template-columns:max-content auto;gap:2px 16px}
dt{color:#555}dd{margin:0}.empty{color:#888}svg.chart{max-width:980px;display:block;margin:8px 0 16px}
.sign{display:flex;gap:48px;margin:28px 0 8px}.sign span{flex:1;border-bottom:1px solid #222;padding-bottom:28px;white-space:nowrap}
@media print{body{margin:0}h2{break-after:avoid}tr{break-inside:avoid}section.break{break-before:page}svg.chart{break-inside:avoid}}`;

export function renderHtml(doc: ReportDocument): Buffer {
  const cell = (v: Parameters<typeof formatCell>[0], type: Parameters<typeof formatCell>[1]) => escapeHtml(formatCell(v, type, doc.lang, doc.timeZone));
  const numeric = new Set(['integer', 'number', 'percent', 'duration', 'bytes']);
  const parts: string[] = [
    `<!DOCTYPE html><html lang="${doc.lang}"><head><meta charset="utf-8"><title>${escapeHtml(doc.title)} — ${escapeHtml(doc.subtitle)}</title><style>${STYLE}</style></head><body>`,
    `<h1>${escapeHtml(doc.title)}</h1><div class="sub">${escapeHtml(doc.subtitle)}</div>`,
  ];
  for (const s of doc.sections) {
    parts.push(`<section id="${escapeHtml(s.id)}"${s.pageBreak ? ' class="break"' : ''}><h2>${escapeHtml(s.title)}</h2>`);
    if (s.facts?.length) parts.push(`<dl>${s.facts.map((f) => `<dt>${escapeHtml(f.label)}</dt><dd>${cell(f.value, f.type)}</dd>`).join('')}</dl>`);
    for (const p of s.paragraphs ?? []) parts.push(`<p>${escapeHtml(p)}</p>`);
    for (const chart of s.charts ?? []) parts.push(chartSvg(chart));
    if (s.signatures?.length) parts.push(`<div class="sign">${s.signatures.map((label) => `<span>${escapeHtml(label)}${doc.lang === 'zh-CN' ? '：' : ':'}</span>`).join('')}</div>`);
    if (s.table) {
      const { columns, rows } = s.table;
      if (rows.length === 0) parts.push(`<p class="empty">—</p>`);
      else {
        parts.push(`<table><thead><tr>${columns.map((c) => `<th>${escapeHtml(c.label)}</th>`).join('')}</tr></thead><tbody>`);
        for (const row of rows) parts.push(`<tr>${row.map((v, i) => { const type = columns[i]?.type ?? 'text'; return `<td${numeric.has(type) ? ' class="n"' : ''}>${cell(v, type)}</td>`; }).join('')}</tr>`);
        parts.push('</tbody></table>');
      }
    }
    parts.push('</section>');
  }
  parts.push('</body></html>\n');
  return Buffer.from(parts.join('\n'), 'utf8');
}
