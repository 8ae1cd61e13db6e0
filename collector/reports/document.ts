/**
 * The format-neutral layout of a report: titled sections with facts (label → value) and tables with typed columns.
 * Built from the JSON form (document-*.ts); every renderer (pdf, xlsx, csv, html) draws only this.
 */
export type CellType = 'text' | 'integer' | 'number' | 'percent' | 'datetime' | 'duration' | 'bytes';
/** Percent cells hold 0..100; durations seconds; datetimes ISO strings; null → empty. */
export type Cell = string | number | boolean | null;

export interface Column {
  label: string;
  type: CellType;
  /** Relative width in PDF tables (default: text 2, date-time 1.4, others 1). */
  width?: number;
}

export interface Fact {
  label: string;
  value: Cell;
  type: CellType;
}

export interface Section {
  /** Short, unique; the XLSX sheet name (≤ 31 characters). */
  id: string;
  title: string;
  facts?: Fact[];
  paragraphs?: string[];
  table?: { columns: Column[]; rows: Cell[][] };
  /** Signature lines (巡检人 / 审核人 / 日期): a label and a blank line to sign on, printed side by side. */
  signatures?: string[];
  /** Pictures drawn as vectors (PDF) or inline SVG (HTML); XLSX and CSV carry the figures as tables instead. */
  charts?: Chart[];
  /** Starts on a new page in PDF (appendices). */
  pageBreak?: boolean;
}

/** Daily values per series (0..100) against a target line: one small panel per series. */
export interface BarChart {
  kind: 'bars';
  title: string;
  /** Day labels, e.g. `1` … `31`. */
  labels: string[];
  series: Array<{ name: string; values: Array<number | null>; target: number | null }>;
  /** Lowest value on the axis (e.g. 95 for 98 % targets), so the interesting part is visible. */
  min: number;
  /** Index of the first label that lies in the future (a month-to-date report): left blank, never "no data". */
  futureFrom?: number | null;
  legend: { target: string; met: string; missed: string; none: string; future?: string };
}

/** State over time per row (up / down / maintenance / unknown). */
export interface TimelineChart {
  kind: 'timeline';
  title: string;
  fromMs: number;
  toMs: number;
  /** Tick marks along the axis: position and label. */
  ticks: Array<{ atMs: number; label: string }>;
  rows: Array<{ name: string; spans: Array<{ fromMs: number; toMs: number; state: TimelineState }> }>;
  /** What was measured up to (the report instant of a month-to-date report): later time is left blank, not "no data". */
  untilMs?: number;
  legend: Record<TimelineState, string> & { future?: string };
}
export type TimelineState = 'up' | 'down' | 'maintenance' | 'unknown';
export type Chart = BarChart | TimelineChart;

export const CHART_COLORS = {
  up: '#38a169',
  down: '#e53e3e',
  maintenance: '#3182ce',
  unknown: '#cbd5e0',
  met: '#38a169',
  missed: '#e53e3e',
  target: '#2d3748',
  grid: '#e2e8f0',
  future: '#ffffff',
  futureEdge: '#a0aec0',
  axis: '#4a5568',
} as const;

export interface ReportDocument {
  title: string;
  subtitle: string;
  lang: 'zh-CN' | 'en';
  timeZone: string;
  sections: Section[];
}
