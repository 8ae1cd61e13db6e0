/** Paints a chart layout as inline SVG (no scripts, no external resources). */
import { layoutChart } from './chart-layout.js';
import type { Chart } from './document.js';

const esc = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const n = (v: number) => String(Math.round(v * 100) / 100);

export function chartSvg(chart: Chart, width = 760): string {
  const layout = layoutChart(chart, width);
  const parts = layout.shapes.map((s) => {
    if (s.kind === 'rect') return `<rect x="${n(s.x)}" y="${n(s.y)}" width="${n(s.w)}" height="${n(s.h)}" fill="${s.fill}"/>`;
    if (s.kind === 'line') return `<line x1="${n(s.x1)}" y1="${n(s.y1)}" x2="${n(s.x2)}" y2="${n(s.y2)}" stroke="${s.stroke}" stroke-width="${n(s.width)}"${s.dash ? ' stroke-dasharray="3 2"' : ''}/>`;
    return `<text x="${n(s.x)}" y="${n(s.y)}" font-size="${n(s.size)}" fill="${s.fill}" text-anchor="${s.anchor}">${esc(s.text)}</text>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" aria-label="${esc(chart.title)}" viewBox="0 0 ${n(layout.width)} ${n(layout.height)}" width="100%" font-family="inherit">${parts.join('')}</svg>`;
}
