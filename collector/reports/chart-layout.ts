/**
 * Lays a chart out as shapes (rectangles, lines, text) in points, once, for both painters: pdfkit (chart-pdf.ts) and
 * inline SVG (chart-svg.ts). Pure. Bars: one panel per series, days along the axis, the target as a dashed line, a
 * bar green when the day met it and red when not. Timeline: one row per series, spans coloured by state. The part
 * of the period after the report instant (a month-to-date report) is left blank behind a dotted edge, never drawn
 * as "no data".
 */
import { CHART_COLORS, type BarChart, type Chart, type TimelineChart } from './document.js';

export type Shape =
  | { kind: 'rect'; x: number; y: number; w: number; h: number; fill: string }
  | { kind: 'line'; x1: number; y1: number; x2: number; y2: number; stroke: string; width: number; dash?: boolean }
  | { kind: 'text'; x: number; y: number; text: string; size: number; fill: string; anchor: 'start' | 'middle' | 'end' };

export interface Layout {
  width: number;
  height: number;
  shapes: Shape[];
}

const TITLE = 13;
const LEGEND = 14;

function legend(shapes: Shape[], y: number, items: Array<{ color: string; label: string; line?: boolean }>, x0: number): void {
  let x = x0;
  for (const item of items) {
    if (item.line) shapes.push({ kind: 'line', x1: x, y1: y + 4, x2: x + 14, y2: y + 4, stroke: item.color, width: 1.2, dash: true });
    else shapes.push({ kind: 'rect', x, y, w: 10, h: 8, fill: item.color });
    shapes.push({ kind: 'text', x: x + 17, y: y + 7.5, text: item.label, size: 7.5, fill: CHART_COLORS.axis, anchor: 'start' });
    x += 24 + item.label.length * 7.5;
  }
}

/** The edge of the future (a dotted line where it begins) and its label in the middle when there is room. */
function futureMark(shapes: Shape[], x1: number, x2: number, y1: number, y2: number, label: string | undefined): void {
  shapes.push({ kind: 'line', x1, y1, x2: x1, y2, stroke: CHART_COLORS.futureEdge, width: 0.6, dash: true });
  if (label && x2 - x1 > label.length * 7 + 6) {
    shapes.push({ kind: 'text', x: (x1 + x2) / 2, y: (y1 + y2) / 2 + 2.5, text: label, size: 7, fill: CHART_COLORS.futureEdge, anchor: 'middle' });
  }
}

export function layoutBars(chart: BarChart, width: number): Layout {
  const shapes: Shape[] = [];
  const left = 34;
  const panelH = 64;
  const gap = 22;
  shapes.push({ kind: 'text', x: 0, y: 10, text: chart.title, size: 10, fill: '#000000', anchor: 'start' });
  legend(
    shapes,
    TITLE + 2,
    [
      { color: CHART_COLORS.met, label: chart.legend.met },
      { color: CHART_COLORS.missed, label: chart.legend.missed },
      { color: CHART_COLORS.unknown, label: chart.legend.none },
      { color: CHART_COLORS.target, label: chart.legend.target, line: true },
    ],
    left,
  );
  let y = TITLE + LEGEND + 10;
  const plotW = width - left - 4;
  const n = Math.max(chart.labels.length, 1);
  const step = plotW / n;
  const span = 100 - chart.min;
  for (const series of chart.series) {
    const yOf = (v: number) => y + panelH - (Math.max(0, Math.min(span, v - chart.min)) / span) * panelH;
    shapes.push({ kind: 'text', x: 0, y: y - 4, text: series.name, size: 8.5, fill: '#000000', anchor: 'start' });
    for (const tick of [chart.min, (chart.min + 100) / 2, 100]) {
      shapes.push({ kind: 'line', x1: left, y1: yOf(tick), x2: left + plotW, y2: yOf(tick), stroke: CHART_COLORS.grid, width: 0.5 });
      shapes.push({ kind: 'text', x: left - 3, y: yOf(tick) + 2.5, text: `${Number(tick.toFixed(2))}%`, size: 6.5, fill: CHART_COLORS.axis, anchor: 'end' });
    }
    const future = chart.futureFrom ?? null;
    if (future !== null && future < n) futureMark(shapes, left + future * step, left + plotW, y, y + panelH, chart.legend.future);
    series.values.forEach((v, i) => {
      const x = left + i * step + step * 0.15;
      const w = Math.max(step * 0.7, 0.5);
      if (future !== null && i >= future) return; // not yet: blank, not "no data"
      if (v === null) {
        shapes.push({ kind: 'rect', x, y: y + panelH - 3, w, h: 3, fill: CHART_COLORS.unknown });
        return;
      }
      const met = series.target === null || v >= series.target;
      const top = yOf(v);
      shapes.push({ kind: 'rect', x, y: top, w, h: Math.max(y + panelH - top, 1), fill: met ? CHART_COLORS.met : CHART_COLORS.missed });
    });
    if (series.target !== null) {
      shapes.push({ kind: 'line', x1: left, y1: yOf(series.target), x2: left + plotW, y2: yOf(series.target), stroke: CHART_COLORS.target, width: 1, dash: true });
    }
    shapes.push({ kind: 'line', x1: left, y1: y + panelH, x2: left + plotW, y2: y + panelH, stroke: CHART_COLORS.axis, width: 0.6 });
    const every = n > 16 ? 2 : 1;
    chart.labels.forEach((label, i) => {
      if (i % every === 0) shapes.push({ kind: 'text', x: left + i * step + step / 2, y: y + panelH + 8, text: label, size: 6, fill: CHART_COLORS.axis, anchor: 'middle' });
    });
    y += panelH + gap;
  }
  return { width, height: y - 6, shapes };
}

export function layoutTimeline(chart: TimelineChart, width: number): Layout {
  const shapes: Shape[] = [];
  const left = 90;
  const rowH = 12;
  const rowGap = 5;
  shapes.push({ kind: 'text', x: 0, y: 10, text: chart.title, size: 10, fill: '#000000', anchor: 'start' });
  legend(
    shapes,
    TITLE + 2,
    (['up', 'down', 'maintenance', 'unknown'] as const).map((s) => ({ color: CHART_COLORS[s], label: chart.legend[s] })),
    left,
  );
  const plotW = width - left - 4;
  const total = Math.max(chart.toMs - chart.fromMs, 1);
  const xOf = (ms: number) => left + ((Math.min(Math.max(ms, chart.fromMs), chart.toMs) - chart.fromMs) / total) * plotW;
  let y = TITLE + LEGEND + 8;
  const top = y;
  const untilX = chart.untilMs === undefined ? left + plotW : xOf(chart.untilMs);
  for (const row of chart.rows) {
    shapes.push({ kind: 'text', x: left - 4, y: y + rowH - 3, text: row.name, size: 7.5, fill: '#000000', anchor: 'end' });
    // Grey (no data) only up to what was measured; later time is the future, left blank.
    shapes.push({ kind: 'rect', x: left, y, w: untilX - left, h: rowH, fill: CHART_COLORS.unknown });
    for (const span of row.spans) {
      const x1 = xOf(span.fromMs);
      const x2 = xOf(span.toMs);
      // A short outage is still visible: at least half a point wide.
      shapes.push({ kind: 'rect', x: x1, y, w: Math.max(x2 - x1, span.state === 'up' ? 0 : 0.8), h: rowH, fill: CHART_COLORS[span.state] });
    }
    y += rowH + rowGap;
  }
  if (untilX < left + plotW - 1) futureMark(shapes, untilX, left + plotW, top, y - rowGap, chart.legend.future);
  for (const tick of chart.ticks) {
    const x = xOf(tick.atMs);
    shapes.push({ kind: 'line', x1: x, y1: top - 2, x2: x, y2: y - rowGap + 2, stroke: CHART_COLORS.axis, width: 0.3 });
    shapes.push({ kind: 'text', x, y: y + 6, text: tick.label, size: 6, fill: CHART_COLORS.axis, anchor: 'middle' });
  }
  return { width, height: y + 10, shapes };
}

export function layoutChart(chart: Chart, width: number): Layout {
  return chart.kind === 'bars' ? layoutBars(chart, width) : layoutTimeline(chart, width);
}
