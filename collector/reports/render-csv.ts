/**
 * CSV: UTF-8 with a BOM (Excel then reads Chinese correctly), CRLF lines, one block per section (title, facts,
 * header + rows) separated by an empty line. Numbers stay plain numbers: percents 0–100, durations in seconds,
 * date-times as local `YYYY-MM-DD HH:mm` in the report's zone.
 */
import type { Cell, CellType, ReportDocument } from './document.js';
import { formatCell, formatDateTime } from './format-values.js';

const BOM = '\uFEFF';

export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function plain(value: Cell, type: CellType, timeZone: string, lang: ReportDocument['lang']): string {
  if (value === null) return '';
  // A yes/no reads as the other formats show it (是/否): the CSV is opened in Excel by the customer, too.
  if (typeof value === 'boolean') return formatCell(value, type, lang, timeZone);
  if (typeof value === 'string') return type === 'datetime' ? formatDateTime(value, timeZone) : value;
  if (type === 'percent') return String(Math.round(value * 1000) / 1000);
  if (type === 'duration' || type === 'integer' || type === 'bytes') return String(Math.round(value));
  return String(value);
}

export function renderCsv(doc: ReportDocument): Buffer {
  const lines: string[] = [csvField(doc.title), csvField(doc.subtitle), ''];
  const unit = (type: CellType) => (type === 'duration' ? ' (s)' : type === 'percent' ? ' (%)' : type === 'bytes' ? ' (B)' : '');
  for (const section of doc.sections) {
    if (!section.facts?.length && !section.table && !section.paragraphs?.length && !section.signatures?.length) continue;
    lines.push(csvField(section.title));
    for (const f of section.facts ?? []) lines.push([csvField(f.label + unit(f.type)), csvField(plain(f.value, f.type, doc.timeZone, doc.lang))].join(','));
    if (section.signatures?.length) lines.push(section.signatures.map((label) => csvField(label)).join(',,') + ',');
    if (section.table) {
      lines.push(section.table.columns.map((c) => csvField(c.label + unit(c.type))).join(','));
      for (const row of section.table.rows) lines.push(row.map((v, i) => csvField(plain(v, section.table?.columns[i]?.type ?? 'text', doc.timeZone, doc.lang))).join(','));
    }
    lines.push('');
  }
  return Buffer.from(BOM + lines.join('\r\n'), 'utf8');
}
