/**
 * Plain-text rendering of incidents for the CLI (pure). Times in the collector's time zone (`time_zone` in the API
 * answer; Asia/Shanghai when an older collector does not say), never UTC. With SLA timers in the answer, the list
 * shows per row when response and resolution are due and what remains (or by how much they are breached), and
 * `show` adds both clocks, pauses, extensions, escalation steps and the customer's evaluation.
 */
import type { IncidentDetailJson, IncidentListJson } from './client.js';
import { formatLocalDateTime } from '../sla/zoned-time.js';
import { clockCell, parseSla, slaSection } from './format-sla.js';
import { CONTRACT_TIME_ZONE } from './numbering.js';

/** `2025-03-14 10:00:00` in `timeZone` (default Asia/Shanghai). */
export function formatContractTime(ms: number | null | undefined, timeZone: string = CONTRACT_TIME_ZONE): string {
  return typeof ms === 'number' ? formatLocalDateTime(timeZone, ms) : '-';
}

function zoneOf(answer: object): string {
  const zone = (answer as { time_zone?: unknown }).time_zone;
  return typeof zone === 'string' && zone ? zone : CONTRACT_TIME_ZONE;
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, col) => Math.max(...rows.map((r) => (r[col] ?? '').length))) ?? [];
  return rows.map((r) => r.map((cell, col) => (col === r.length - 1 ? cell : cell.padEnd(widths[col] ?? 0))).join('  ').trimEnd()).join('\n');
}

export function formatIncidentList(list: IncidentListJson): string {
  if (list.items.length === 0) return `no incidents (total ${list.total})\n`;
  const tz = zoneOf(list);
  const slas = list.items.map((i) => parseSla((i as Record<string, unknown>).sla));
  const clocks = slas.some((s) => s !== null);
  const rows = [['NUMBER', 'SEV', 'STATUS', `OPENED (${tz})`, ...(clocks ? ['RESPONSE DUE', 'RESOLUTION DUE'] : []), 'TARGET', 'TITLE']];
  list.items.forEach((i, n) => {
    const sla = slas[n];
    const due = clocks ? [clockCell(sla?.response, tz), clockCell(sla?.resolution, tz)] : [];
    rows.push([i.number, i.severity, i.status, formatContractTime(i.opened_at_ms, tz), ...due, i.target ?? '-', i.title]);
  });
  const shown = list.items.length;
  const footer = shown < list.total ? `${list.offset + 1}-${list.offset + shown} of ${list.total} (use --offset ${list.offset + shown} for more)` : `${list.total} incident(s)`;
  return `${table(rows)}\n${footer}\n`;
}

function field(detail: IncidentDetailJson, key: string, tz: string): string {
  const value = (detail as Record<string, unknown>)[key];
  if (value === null || value === undefined || value === '') return '-';
  if (key.endsWith('_at_ms')) return formatContractTime(value as number, tz);
  return String(value);
}

function evaluationLine(value: unknown): string | null {
  if (!value || typeof value !== 'object') return null;
  const e = value as { score?: unknown; comment?: unknown; evaluator?: unknown };
  if (typeof e.score !== 'number') return null;
  return `evaluation: ${e.score}/100${typeof e.evaluator === 'string' ? ` by ${e.evaluator}` : ''}${typeof e.comment === 'string' ? `  "${e.comment}"` : ''}`;
}

export function formatIncidentDetail(detail: IncidentDetailJson): string {
  const tz = zoneOf(detail);
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
    const value = field(detail, key, tz);
    if (value !== '-' || ['target', 'opened_at_ms'].includes(key)) lines.push(`  ${`${label}:`.padEnd(17)}${value}`);
  }
  const sla = parseSla((detail as Record<string, unknown>).sla);
  if (sla) lines.push(...slaSection(sla, tz));
  const evaluation = evaluationLine((detail as Record<string, unknown>).evaluation);
  if (evaluation) lines.push(evaluation);
  lines.push('timeline:');
  for (const e of detail.timeline) lines.push(`  ${formatContractTime(e.at_ms, tz)}  ${e.actor.padEnd(10)}  ${e.kind}${e.note ? `  ${e.note}` : ''}`);
  return `${lines.join('\n')}\n`;
}
