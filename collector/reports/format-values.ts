/** Text forms of typed cells for the text renderers (pdf, html): local date-times, h/min durations, percents. */
import { formatZoned } from '../sla/index.js';
import type { Cell, CellType } from './document.js';
import { formatBytes, formatDuration } from '../../common/humanize.js';

export { formatBytes, formatDuration };

/** `2026-10-03 08:00` in the report's zone. */
export function formatDateTime(isoText: string, timeZone: string): string {
  const ms = Date.parse(isoText);
  if (Number.isNaN(ms)) return isoText;
  return formatZoned(timeZone, ms).slice(0, 16).replace('T', ' ');
}

export function formatCell(value: Cell, type: CellType, lang: 'zh-CN' | 'en', timeZone: string): string {
  if (value === null) return '—';
  if (typeof value === 'boolean') return lang === 'zh-CN' ? (value ? '是' : '否') : value ? 'yes' : 'no';
  if (typeof value === 'string') return type === 'datetime' ? formatDateTime(value, timeZone) : value;
  switch (type) {
    case 'percent':
      return `${value.toFixed(3)} %`;
    case 'duration':
      return formatDuration(value, lang);
    case 'bytes':
      return formatBytes(value);
    case 'integer':
      return String(Math.round(value));
    case 'number':
      return String(Math.round(value * 100) / 100);
    default:
      return String(value);
  }
}
