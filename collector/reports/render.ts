/**
 * Renders a report's JSON form in a format: json as is; pdf/xlsx/csv/html through the document layout. pdfkit and
 * exceljs load on first use, so every `outpost` command that never renders starts without them (~0.5 s).
 */
import type { ReportFormat } from './config.js';
import type { ReportDocument } from './document.js';
import { renderCsv } from './render-csv.js';
import { renderHtml } from './render-html.js';
import type { PdfFont } from './render-pdf.js';

export const CONTENT_TYPES: Record<ReportFormat, string> = {
  pdf: 'application/pdf',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
  html: 'text/html; charset=utf-8',
  json: 'application/json; charset=utf-8',
};

export async function renderReport(json: unknown, document: () => ReportDocument, format: ReportFormat, font: PdfFont): Promise<Buffer> {
  switch (format) {
    case 'json':
      return Buffer.from(`${JSON.stringify(json, null, 2)}\n`, 'utf8');
    case 'csv':
      return renderCsv(document());
    case 'html':
      return renderHtml(document());
    case 'xlsx':
      return (await import('./render-xlsx.js')).renderXlsx(document());
    case 'pdf':
      return (await import('./render-pdf.js')).renderPdf(document(), font);
  }
}
