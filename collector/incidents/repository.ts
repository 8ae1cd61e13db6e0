/** SQL for incidents and their timeline (tables of migration 002). No decisions here: the service decides. */
import type { CheckState } from '../../common/protocol.js';
import type { Severity } from '../events.js';
import type { Db } from '../store/db.js';
import type { IncidentSnapshot } from './engine.js';
import type { IncidentStatus } from './lifecycle.js';
import type { TextParams } from './texts.js';

export interface IncidentRecord {
  id: number;
  number: string;
  title: string;
  /** The title as code + params (texts.ts), rendered per reader; null for a person's title or a row older than codes. */
  titleCode: string | null;
  titleParams: TextParams | null;
  description: string | null;
  severity: Severity;
  status: IncidentStatus;
  source: 'auto' | 'manual';
  dedupKey: string | null;
  agentId: string | null;
  target: string | null;
  checkId: string | null;
  checkType: string | null;
  lastState: CheckState | null;
  isHost: boolean;
  autoResolve: boolean;
  rule: string | null;
  parentId: number | null;
  slaPolicy: string | null;
  reporter: string | null;
  startedAtMs: number;
  openedAtMs: number;
  acknowledgedAtMs: number | null;
  acknowledgedBy: string | null;
  resolvedAtMs: number | null;
  resolvedBy: string | null;
  cause: string | null;
  resolution: string | null;
  closedAtMs: number | null;
  closedBy: string | null;
  updatedAtMs: number;
}

export interface TimelineEntry {
  id: number;
  incidentId: number;
  atMs: number;
  actor: string;
  kind: string;
  note: string | null;
  /** The note as code + params (texts.ts) when the collector wrote it; null for a person's note (shown as typed). */
  noteCode?: string | null;
  noteParams?: TextParams | null;
  data: Record<string, unknown> | null;
}

/** Column of each record field; the only names ever interpolated into SQL. */
const COLUMNS = {
  id: 'id',
  number: 'number',
  title: 'title',
  titleCode: 'title_code',
  titleParams: 'title_params_json',
  description: 'description',
  severity: 'severity',
  status: 'status',
  source: 'source',
  dedupKey: 'dedup_key',
  agentId: 'agent_id',
  target: 'target',
  checkId: 'check_id',
  checkType: 'check_type',
  lastState: 'last_state',
  isHost: 'is_host',
  autoResolve: 'auto_resolve',
  rule: 'rule',
  parentId: 'parent_id',
  slaPolicy: 'sla_policy',
  reporter: 'reporter',
  startedAtMs: 'started_at_ms',
  openedAtMs: 'opened_at_ms',
  acknowledgedAtMs: 'acknowledged_at_ms',
  acknowledgedBy: 'acknowledged_by',
  resolvedAtMs: 'resolved_at_ms',
  resolvedBy: 'resolved_by',
  cause: 'cause',
  resolution: 'resolution',
  closedAtMs: 'closed_at_ms',
  closedBy: 'closed_by',
  updatedAtMs: 'updated_at_ms',
} as const satisfies Record<keyof IncidentRecord, string>;

type Field = keyof IncidentRecord;
type Row = Record<string, string | number | null>;
const BOOLEAN_FIELDS = new Set<Field>(['isHost', 'autoResolve']);
const JSON_FIELDS = new Set<Field>(['titleParams']);

function fromRow(row: Row): IncidentRecord {
  const out: Record<string, unknown> = {};
  for (const [field, column] of Object.entries(COLUMNS)) {
    const value = row[column] ?? null;
    out[field] = BOOLEAN_FIELDS.has(field as Field) ? value === 1 : JSON_FIELDS.has(field as Field) && typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
  }
  return out as unknown as IncidentRecord;
}

function toSqlValue(field: Field, value: unknown): string | number | null {
  if (BOOLEAN_FIELDS.has(field)) return value ? 1 : 0;
  if (JSON_FIELDS.has(field)) return value === null || value === undefined ? null : JSON.stringify(value);
  return value as string | number | null;
}

export function snapshotOf(record: IncidentRecord): IncidentSnapshot {
  const { id, number, status, severity, checkId, lastState, parentId, isHost, autoResolve, resolvedAtMs } = record;
  return { id, number, status, severity, checkId, lastState, parentId, isHost, autoResolve, resolvedAtMs };
}

/** The fields a new incident leaves empty unless the caller sets them. */
export const UNSET_INCIDENT_FIELDS = {
  titleCode: null,
  titleParams: null,
  description: null,
  dedupKey: null,
  agentId: null,
  target: null,
  checkId: null,
  checkType: null,
  lastState: null,
  isHost: false,
  autoResolve: false,
  rule: null,
  parentId: null,
  slaPolicy: null,
  reporter: null,
  acknowledgedAtMs: null,
  acknowledgedBy: null,
  resolvedAtMs: null,
  resolvedBy: null,
  cause: null,
  resolution: null,
  closedAtMs: null,
  closedBy: null,
} as const satisfies Partial<IncidentRecord>;

export function insertIncident(db: Db, record: Omit<IncidentRecord, 'id'>): IncidentRecord {
  const fields = (Object.keys(COLUMNS) as Field[]).filter((f) => f !== 'id');
  const sql = `INSERT INTO incidents (${fields.map((f) => COLUMNS[f]).join(', ')}) VALUES (${fields.map(() => '?').join(', ')}) RETURNING *`;
  return fromRow(db.prepare(sql).get(...fields.map((f) => toSqlValue(f, record[f as keyof typeof record]))) as Row);
}

export function updateIncident(db: Db, id: number, patch: Partial<Omit<IncidentRecord, 'id'>>): IncidentRecord {
  const fields = Object.keys(patch) as Field[];
  const assignments = fields.map((f) => `${COLUMNS[f]} = ?`).join(', ');
  const row = db
    .prepare(`UPDATE incidents SET ${assignments} WHERE id = ? RETURNING *`)
    .get(...fields.map((f) => toSqlValue(f, patch[f as keyof typeof patch])), id) as Row | undefined;
  if (!row) throw new Error(`incident ${id} vanished during update`);
  return fromRow(row);
}

export function getIncidentById(db: Db, id: number): IncidentRecord | null {
  const row = db.prepare('SELECT * FROM incidents WHERE id = ?').get(id) as Row | undefined;
  return row ? fromRow(row) : null;
}

export function getIncidentByNumber(db: Db, number: string): IncidentRecord | null {
  const row = db.prepare('SELECT * FROM incidents WHERE number = ?').get(number) as Row | undefined;
  return row ? fromRow(row) : null;
}

export function findActiveByKey(db: Db, key: string): IncidentRecord | null {
  const row = db
    .prepare("SELECT * FROM incidents WHERE dedup_key = ? AND status IN ('open', 'acknowledged')")
    .get(key) as Row | undefined;
  return row ? fromRow(row) : null;
}

export function findLastResolvedByKey(db: Db, key: string): IncidentRecord | null {
  const row = db
    .prepare("SELECT * FROM incidents WHERE dedup_key = ? AND status = 'resolved' ORDER BY resolved_at_ms DESC, id DESC LIMIT 1")
    .get(key) as Row | undefined;
  return row ? fromRow(row) : null;
}

/** The dedupe keys of every open or acknowledged incident (few, whatever the fleet's size). */
export function activeIncidentKeys(db: Db): Set<string> {
  const rows = db.prepare("SELECT dedup_key FROM incidents WHERE dedup_key IS NOT NULL AND status IN ('open', 'acknowledged')").all() as Array<{ dedup_key: string }>;
  return new Set(rows.map((r) => r.dedup_key));
}

export function findActiveHosts(db: Db, target: string): IncidentRecord[] {
  const rows = db
    .prepare("SELECT * FROM incidents WHERE target = ? AND is_host = 1 AND status IN ('open', 'acknowledged') ORDER BY id")
    .all(target) as Row[];
  return rows.map(fromRow);
}

export function findActiveChildren(db: Db, parentId: number): IncidentRecord[] {
  const rows = db
    .prepare("SELECT * FROM incidents WHERE parent_id = ? AND status IN ('open', 'acknowledged') ORDER BY id")
    .all(parentId) as Row[];
  return rows.map(fromRow);
}

/** Every incident ever folded under this one that is still linked (promoted children are unlinked). */
export function listChildren(db: Db, parentId: number): Array<{ number: string; status: IncidentStatus }> {
  return db.prepare('SELECT number, status FROM incidents WHERE parent_id = ? ORDER BY id').all(parentId) as Array<{ number: string; status: IncidentStatus }>;
}

export function addTimelineEntry(db: Db, entry: Omit<TimelineEntry, 'id'>): void {
  db.prepare('INSERT INTO incident_events (incident_id, at_ms, actor, kind, note, data_json, note_code, note_params_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
    entry.incidentId,
    entry.atMs,
    entry.actor,
    entry.kind,
    entry.note,
    entry.data ? JSON.stringify(entry.data) : null,
    entry.noteCode ?? null,
    entry.noteCode && entry.noteParams ? JSON.stringify(entry.noteParams) : null,
  );
}

export function listTimeline(db: Db, incidentId: number): TimelineEntry[] {
  const rows = db
    .prepare('SELECT id, incident_id, at_ms, actor, kind, note, data_json, note_code, note_params_json FROM incident_events WHERE incident_id = ? ORDER BY id')
    .all(incidentId) as Array<{ id: number; incident_id: number; at_ms: number; actor: string; kind: string; note: string | null; data_json: string | null; note_code: string | null; note_params_json: string | null }>;
  return rows.map((r) => ({
    id: r.id,
    incidentId: r.incident_id,
    atMs: r.at_ms,
    actor: r.actor,
    kind: r.kind,
    note: r.note,
    noteCode: r.note_code,
    noteParams: r.note_params_json ? (JSON.parse(r.note_params_json) as TextParams) : null,
    data: r.data_json ? (JSON.parse(r.data_json) as Record<string, unknown>) : null,
  }));
}

export interface IncidentFilters {
  status?: IncidentStatus[];
  severity?: Severity[];
  target?: string;
  /** Opened at or after, ms. */
  fromMs?: number;
  /** Opened before, ms. */
  toMs?: number;
  limit: number;
  offset: number;
}

/** Newest first; `total` counts every match regardless of paging. */
export function listIncidents(db: Db, filters: IncidentFilters): { items: IncidentRecord[]; total: number } {
  const where: string[] = [];
  const params: Array<string | number> = [];
  if (filters.status?.length) {
    where.push(`status IN (${filters.status.map(() => '?').join(', ')})`);
    params.push(...filters.status);
  }
  if (filters.severity?.length) {
    where.push(`severity IN (${filters.severity.map(() => '?').join(', ')})`);
    params.push(...filters.severity);
  }
  if (filters.target !== undefined) {
    where.push('target = ?');
    params.push(filters.target);
  }
  if (filters.fromMs !== undefined) {
    where.push('opened_at_ms >= ?');
    params.push(filters.fromMs);
  }
  if (filters.toMs !== undefined) {
    where.push('opened_at_ms < ?');
    params.push(filters.toMs);
  }
  const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const { total } = db.prepare(`SELECT COUNT(*) AS total FROM incidents ${clause}`).get(...params) as { total: number };
  const rows = db
    .prepare(`SELECT * FROM incidents ${clause} ORDER BY opened_at_ms DESC, id DESC LIMIT ? OFFSET ?`)
    .all(...params, filters.limit, filters.offset) as Row[];
  return { items: rows.map(fromRow), total };
}

export function countActiveBySeverity(db: Db): Record<Severity, number> {
  const counts: Record<Severity, number> = { P1: 0, P2: 0, P3: 0, P4: 0 };
  const rows = db
    .prepare("SELECT severity, COUNT(*) AS n FROM incidents WHERE status IN ('open', 'acknowledged') GROUP BY severity")
    .all() as Array<{ severity: Severity; n: number }>;
  for (const row of rows) counts[row.severity] = row.n;
  return counts;
}
