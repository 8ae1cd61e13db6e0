/** Plain-text rendering of incidents for the CLI; times in the contract timezone (Asia/Shanghai). Pure. */
import type { IncidentDetailJson, IncidentListJson } from './client.js';
import { formatLocalDateTime } from '../sla/zoned-time.js';
import { CONTRACT_TIME_ZONE } from './numbering.js';

/** `2025-03-14 10:00:00` in Asia/Shanghai. */
export function formatContractTime(ms: number | null | undefined): string {
  return typeof ms === 'number' ? formatLocalDateTime(CONTRACT_TIME_ZONE, ms) : '-';
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, col) => Math.max(...rows.map((r) => (r[col] ?? '').length))) ?? [];
  return rows.map((r) => r.map((cell, col) => (col === r.length - 1 ? cell : cell.padEnd(widths[col] ?? 0))).join('  ').trimEnd()).join('\n');
}

export function formatIncidentList(list: IncidentListJson): string {
  if (list.items.length === 0) return `no incidents (total ${list.total})\n`;
  const rows = [['NUMBER', 'SEV', 'STATUS', 'OPENED (Asia/Shanghai)', 'TARGET', 'TITLE']];
  for (const i of list.items) rows.push([i.number, i.severity, i.status, formatContractTime(i.opened_at_ms), i.target ?? '-', i.title]);
  const shown = list.items.length;
  const footer = shown < list.total ? `${list.offset + 1}-${list.offset + shown} of ${list.total} (use --offset ${list.offset + shown} for more)` : `${list.total} incident(s)`;
  return `${table(rows)}\n${footer}\n`;
}

function field(detail: IncidentDetailJson, key: string): string {
  const value = (detail as Record<string, unknown>)[key];
  if (value === null || value === undefined || value === '') return '-';
  if (key.endsWith('_at_ms')) return formatContractTime(value as number);
  return String(value);
}

export function formatIncidentDetail(detail: IncidentDetailJson): string {
  const lines = [`${detail.number}  ${detail.severity}  ${detail.status}  ${detail.title}`];
  const keys: Array<[string, string]> = [
    ['target', 'target'],
    ['check_id', 'check'],
    ['parent_number', 'folded under'],
    ['reporter', 'reporter'],
    ['started_at_ms', 'started'],
    ['opened_at_ms', 'opened'],
    ['acknowledged_at_ms', 'acknowledged'],
    ['acknowledged_by', 'acknowledged by'],
    ['resolved_at_ms', 'resolved'],
    ['resolved_by', 'resolved by'],
    ['cause', 'cause'],
    ['resolution', 'resolution'],
    ['closed_at_ms', 'closed'],
    ['description', 'description'],
  ];
  for (const [key, label] of keys) {
    const value = field(detail, key);
    if (value !== '-' || ['target', 'opened_at_ms'].includes(key)) lines.push(`  ${`${label}:`.padEnd(17)}${value}`);
  }
  lines.push('timeline:');
  for (const e of detail.timeline) lines.push(`  ${formatContractTime(e.at_ms)}  ${e.actor.padEnd(10)}  ${e.kind}${e.note ? `  ${e.note}` : ''}`);
  return `${lines.join('\n')}\n`;
}
