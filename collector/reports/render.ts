/** Renders a report's JSON form in a format: json as is; pdf/xlsx/csv/html through the document layout. */
import type { ReportFormat } from './config.js';
import type { ReportDocument } from './document.js';
import { renderCsv } from './render-csv.js';
import { renderHtml } from './render-html.js';
import { renderPdf, type PdfFont } from './render-pdf.js';
import { renderXlsx } from './render-xlsx.js';

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
      return renderXlsx(document());
    case 'pdf':
      return renderPdf(document(), font);
  }
}
