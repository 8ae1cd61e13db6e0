/** Text forms of typed cells for the text renderers (pdf, html): local date-times, h/min durations, percents. */
import { formatZoned } from '../sla/index.js';
import type { Cell, CellType } from './document.js';

export function formatDuration(totalSeconds: number, lang: 'zh-CN' | 'en'): string {
  const s = Math.round(totalSeconds);
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const units = lang === 'zh-CN' ? ['天', '小时', '分', '秒'] : ['d', 'h', 'min', 's'];
  const parts: string[] = [];
  if (d) parts.push(`${d}${lang === 'en' ? ' ' : ''}${units[0]}`);
  if (h) parts.push(`${h}${lang === 'en' ? ' ' : ''}${units[1]}`);
  if (m) parts.push(`${m}${lang === 'en' ? ' ' : ''}${units[2]}`);
  if (sec || parts.length === 0) parts.push(`${sec}${lang === 'en' ? ' ' : ''}${units[3]}`);
  return parts.join(' ');
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

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
