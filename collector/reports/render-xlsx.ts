/**
 * XLSX (exceljs): one sheet per section, named by its title; real number formats — percents as 0.000 %,
 * durations as [h]:mm:ss, date-times as dates shown in the report's zone, sizes with thousands separators.
 */
import ExcelJS from 'exceljs';
import { zoneOffsetMs } from '../sla/zoned-time.js';
import type { Cell, CellType, ReportDocument } from './document.js';

const FORMATS: Partial<Record<CellType, string>> = {
  percent: '0.000%',
  duration: '[h]:mm:ss',
  datetime: 'yyyy-mm-dd hh:mm',
  bytes: '#,##0',
  integer: '0',
  number: '0.##',
};

function sheetName(title: string, used: Set<string>): string {
  const base = title.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31).trim() || 'Sheet';
  let name = base;
  for (let i = 2; used.has(name); i++) name = `${base.slice(0, 28)} ${i}`;
  used.add(name);
  return name;
}

/** Excel has no zones: a date-time is stored as the wall time in the report's zone. */
function excelValue(value: Cell, type: CellType, timeZone: string): ExcelJS.CellValue {
  if (value === null) return null;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    if (type !== 'datetime') return value;
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? value : new Date(ms + zoneOffsetMs(timeZone, ms));
  }
  if (type === 'percent') return value / 100;
  if (type === 'duration') return value / 86_400;
  return value;
}

function put(cell: ExcelJS.Cell, value: Cell, type: CellType, timeZone: string): void {
  cell.value = excelValue(value, type, timeZone);
  const fmt = FORMATS[type];
  if (fmt && typeof value !== 'string' && value !== null) cell.numFmt = fmt;
  if (fmt && type === 'datetime' && value !== null) cell.numFmt = fmt;
}

export async function renderXlsx(doc: ReportDocument): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Outpost';
  workbook.title = `${doc.title} ${doc.subtitle}`;
  const used = new Set<string>();
  for (const section of doc.sections) {
    // Pictures are for PDF and HTML; the same figures are in the tables.
    if (!section.facts?.length && !section.table && !section.paragraphs?.length && !section.signatures?.length) continue;
    const sheet = workbook.addWorksheet(sheetName(section.title, used));
    sheet.addRow([section.title]).font = { bold: true, size: 13 };
    for (const f of section.facts ?? []) {
      const row = sheet.addRow([f.label]);
      put(row.getCell(2), f.value, f.type, doc.timeZone);
    }
    if (section.signatures?.length) {
      sheet.addRow([]);
      sheet.addRow(section.signatures.flatMap((label) => [label, ''])).eachCell((cell, col) => {
        if (col % 2 === 0) cell.border = { bottom: { style: 'thin' } };
      });
    }
    if (section.table) {
      if (section.facts?.length) sheet.addRow([]);
      const { columns, rows } = section.table;
      sheet.addRow(columns.map((c) => c.label)).font = { bold: true };
      for (const values of rows) {
        const row = sheet.addRow([]);
        values.forEach((v, i) => put(row.getCell(i + 1), v, columns[i]?.type ?? 'text', doc.timeZone));
      }
      columns.forEach((c, i) => {
        sheet.getColumn(i + 1).width = c.type === 'text' ? 24 : c.type === 'datetime' ? 18 : 14;
      });
    } else {
      sheet.getColumn(1).width = 28;
      sheet.getColumn(2).width = 40;
    }
  }
  const data = await workbook.xlsx.writeBuffer();
  return Buffer.from(data);
}
