/**
 * PDF (pdfkit) with an embedded CJK font — wqy-microhei by default, or the configured font file (a .ttc/.otc needs
 * the face name). A missing or unreadable font is a clear error, never boxes. A4 landscape, tables repeat their
 * header after a page break, a section heading starts a new page unless its first block fits below it.
 */
import { existsSync } from 'node:fs';
import PDFDocument from 'pdfkit';
import { layoutChart } from './chart-layout.js';
import type { ReportDocument, Section } from './document.js';
import { ReportError } from './errors.js';
import { formatCell } from './format-values.js';
import { drawChart } from './chart-pdf.js';

export interface PdfFont {
  path: string;
  /** Face inside a collection (.ttc/.otc): its PostScript name, e.g. 'WenQuanYiMicroHei' (the family name works too). */
  family?: string | undefined;
}

const MARGIN = 36;
/** A section heading: the space before it, the 13 pt title, its rule and the space after. */
const HEADING_HEIGHT = 34;

/** The height of what comes first under a section's heading (its first fact, paragraph, chart, signatures or table rows). */
export function firstBlockHeight(pdf: PDFKit.PDFDocument, section: Section, width: number): number {
  if (section.facts?.length) return 14;
  const paragraph = section.paragraphs?.[0];
  if (paragraph !== undefined) return pdf.fontSize(9).heightOfString(paragraph, { width });
  const chart = section.charts?.[0];
  if (chart) return layoutChart(chart, width).height + 12;
  if (section.signatures?.length) return 50;
  // A table: its header and first row (or the dash of an empty table).
  if (section.table) return section.table.rows.length ? 32 : 14;
  return 0;
}

export function renderPdf(doc: ReportDocument, font: PdfFont): Promise<Buffer> {
  if (!existsSync(font.path)) {
    throw new ReportError('invalid', `PDF font not found: ${font.path} (install Debian fonts-wqy-microhei or set reports.font to a TTF/OTF/TTC with CJK glyphs)`);
  }
  const pdf = new PDFDocument({ size: 'A4', layout: 'landscape', margin: MARGIN, info: { Title: `${doc.title} ${doc.subtitle}`, Producer: 'Outpost' } });
  try {
    const collection = /\.(ttc|otc)$/i.test(font.path);
    if (!collection) {
      pdf.registerFont('cjk', font.path);
      pdf.font('cjk');
    } else {
      // fontkit looks faces up by PostScript name ('WenQuanYiMicroHei'); accept the family name with spaces too.
      const family = font.family ?? 'WenQuanYiMicroHei';
      try {
        pdf.registerFont('cjk', font.path, family);
        pdf.font('cjk');
      } catch {
        pdf.registerFont('cjk', font.path, family.replace(/\s+/g, ''));
        pdf.font('cjk');
      }
    }
  } catch (error) {
    throw new ReportError('invalid', `PDF font ${font.path}${font.family ? ` (face "${font.family}")` : ''} cannot be used: ${(error as Error).message}`);
  }
  const chunks: Buffer[] = [];
  pdf.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });

  const width = pdf.page.width - 2 * MARGIN;
  const bottom = () => pdf.page.height - MARGIN;
  const text = (v: Parameters<typeof formatCell>[0], type: Parameters<typeof formatCell>[1]) => formatCell(v, type, doc.lang, doc.timeZone);

  pdf.fontSize(18).text(doc.title, { align: 'left' });
  pdf.fontSize(11).fillColor('#555555').text(doc.subtitle).fillColor('#000000');
  for (const section of doc.sections) {
    // Keep the heading with the first block below it: a heading never sits alone at the foot of a page.
    const needed = HEADING_HEIGHT + Math.min(firstBlockHeight(pdf, section, width), bottom() - MARGIN - HEADING_HEIGHT);
    if (section.pageBreak || pdf.y + needed > bottom()) pdf.addPage();
    pdf.moveDown(0.8).fontSize(13).text(section.title, MARGIN);
    pdf.moveTo(MARGIN, pdf.y).lineTo(MARGIN + width, pdf.y).strokeColor('#2b6cb0').stroke();
    pdf.moveDown(0.3).fontSize(9);
    for (const f of section.facts ?? []) {
      if (pdf.y + 14 > bottom()) pdf.addPage();
      const y = pdf.y;
      pdf.fillColor('#555555').text(f.label, MARGIN, y, { width: 170 });
      const labelBottom = pdf.y;
      pdf.fillColor('#000000').text(text(f.value, f.type), MARGIN + 180, y, { width: width - 180 });
      pdf.y = Math.max(pdf.y, labelBottom);
    }
    for (const p of section.paragraphs ?? []) pdf.text(p, MARGIN, pdf.y, { width });
    for (const chart of section.charts ?? []) drawChart(pdf, chart, { x: MARGIN, width, bottom: bottom(), top: MARGIN });
    if (section.signatures?.length) {
      // Label, then a line to sign on, side by side; room enough for a handwritten name.
      if (pdf.y + 50 > bottom()) pdf.addPage();
      const cell = width / section.signatures.length;
      const y = pdf.y + 24;
      pdf.fontSize(11).fillColor('#000000');
      section.signatures.forEach((label, i) => {
        const x = MARGIN + i * cell;
        pdf.text(`${label}${doc.lang === 'zh-CN' ? '：' : ':'}`, x, y - 4, { lineBreak: false });
        const lx = x + pdf.widthOfString(`${label}：`) + 6;
        pdf.moveTo(lx, y + 10).lineTo(x + cell - 24, y + 10).strokeColor('#000000').stroke();
      });
      pdf.x = MARGIN;
      pdf.y = y + 24;
    }
    if (section.table) {
      const { columns, rows } = section.table;
      if (section.facts?.length) pdf.moveDown(0.4);
      if (rows.length === 0) {
        pdf.fillColor('#888888').text('—', MARGIN).fillColor('#000000');
        continue;
      }
      const weights = columns.map((c) => c.width ?? (c.type === 'text' ? 2 : c.type === 'datetime' ? 1.4 : 1));
      const sum = weights.reduce((a, b) => a + b, 0);
      const widths = weights.map((w) => (w / sum) * width);
      const drawRow = (cells: string[], header: boolean) => {
        pdf.fontSize(header ? 8.5 : 8);
        // Most cells fit on one line: measuring their width is far cheaper than wrapping them (large reports).
        const fits = cells.map((c, i) => !c.includes('\n') && pdf.widthOfString(c) <= (widths[i] ?? 40) - 4);
        const lineHeight = pdf.currentLineHeight(true);
        const heights = cells.map((c, i) => (fits[i] ? lineHeight : pdf.heightOfString(c, { width: (widths[i] ?? 40) - 4 })));
        const h = Math.max(...heights, 8) + 4;
        // A header needs room for itself and the first row below it (no header alone at a page foot).
        if (pdf.y + (header ? 2 * h : h) > bottom()) {
          pdf.addPage();
          if (!header) drawRow(columns.map((c) => c.label), true);
          pdf.fontSize(8);
        }
        const y = pdf.y;
        if (header) pdf.rect(MARGIN, y, width, h).fill('#edf2f7').fillColor('#000000');
        let x = MARGIN;
        cells.forEach((c, i) => {
          if (fits[i]) pdf.text(c, x + 2, y + 2, { lineBreak: false });
          else pdf.text(c, x + 2, y + 2, { width: (widths[i] ?? 40) - 4, lineBreak: true });
          x += widths[i] ?? 40;
        });
        pdf.moveTo(MARGIN, y + h).lineTo(MARGIN + width, y + h).strokeColor('#cccccc').stroke();
        pdf.x = MARGIN;
        pdf.y = y + h;
      };
      drawRow(columns.map((c) => c.label), true);
      for (const row of rows) drawRow(row.map((v, i) => text(v, columns[i]?.type ?? 'text')), false);
    }
  }
  pdf.end();
  return done;
}
