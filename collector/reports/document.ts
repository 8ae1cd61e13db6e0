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
}

export interface ReportDocument {
  title: string;
  subtitle: string;
  lang: 'zh-CN' | 'en';
  timeZone: string;
  sections: Section[];
}
