/** Paints a chart layout with pdfkit vector drawing (the report font is already selected). */
import type {} from 'pdfkit';
import { layoutChart } from './chart-layout.js';
import type { Chart } from './document.js';

/** `top`: the page's first line; a chart there (taller than a page) is drawn rather than pushed to yet another page. */
export function drawChart(pdf: PDFKit.PDFDocument, chart: Chart, box: { x: number; width: number; bottom: number; top?: number }): void {
  const layout = layoutChart(chart, box.width);
  if (pdf.y + layout.height + 8 > box.bottom && pdf.y > (box.top ?? 0) + 60) pdf.addPage();
  const ox = box.x;
  const oy = pdf.y + 6;
  for (const s of layout.shapes) {
    if (s.kind === 'rect') pdf.rect(ox + s.x, oy + s.y, s.w, s.h).fill(s.fill);
    else if (s.kind === 'line') {
      pdf.save().moveTo(ox + s.x1, oy + s.y1).lineTo(ox + s.x2, oy + s.y2).lineWidth(s.width);
      if (s.dash) pdf.dash(3, { space: 2 });
      pdf.strokeColor(s.stroke).stroke();
      if (s.dash) pdf.undash();
      pdf.restore();
    } else {
      pdf.fontSize(s.size).fillColor(s.fill);
      const w = pdf.widthOfString(s.text);
      const x = s.anchor === 'start' ? s.x : s.anchor === 'middle' ? s.x - w / 2 : s.x - w;
      // pdfkit places text by its top; the layout gives the baseline.
      pdf.text(s.text, ox + x, oy + s.y - s.size * 0.85, { lineBreak: false });
    }
  }
  pdf.fillColor('#000000').fontSize(9);
  pdf.x = box.x;
  pdf.y = oy + layout.height + 6;
}
