/**
 * The query module of incidents and their timeline (tables of migration 002), async on both engines, `q` first (the
 * store's `db` or a transaction's `trx`). No decisions here: the service decides, and it alone writes incidents
 * (`insertIncident`/`updateIncident`); other areas read through here and write timelines through journal.ts.
 */
import type { Insertable, Selectable, Updateable } from 'kysely';
import type { CheckState } from '../../common/protocol.js';
import type { Severity } from '../events.js';
import type { IncidentsTable } from '../store/sql/schema-incidents.js';
import type { Q } from '../store/sql/sql-helpers.js';
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
type Row = Selectable<IncidentsTable>;
type Column = (typeof COLUMNS)[Field];
const BOOLEAN_FIELDS = new Set<Field>(['isHost', 'autoResolve']);
const JSON_FIELDS = new Set<Field>(['titleParams']);
const ACTIVE = ['open', 'acknowledged'] as const;

function fromRow(row: Row): IncidentRecord {
  const out: Record<string, unknown> = {};
  for (const [field, column] of Object.entries(COLUMNS) as Array<[Field, Column]>) {
    const value = row[column] ?? null;
    out[field] = BOOLEAN_FIELDS.has(field) ? value === 1 : JSON_FIELDS.has(field) && typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
  }
  return out as unknown as IncidentRecord;
}

function toSqlValue(field: Field, value: unknown): string | number | null {
  if (BOOLEAN_FIELDS.has(field)) return value ? 1 : 0;
  if (JSON_FIELDS.has(field)) return value === null || value === undefined ? null : JSON.stringify(value);
  return value as string | number | null;
}

/** The columns of `fields` of a record or patch (never `id`). */
function toColumns(values: Partial<Omit<IncidentRecord, 'id'>>): Record<string, string | number | null> {
  const out: Record<string, string | number | null> = {};
  for (const field of Object.keys(values) as Field[]) {
    if (field === 'id') continue;
    out[COLUMNS[field]] = toSqlValue(field, values[field as keyof typeof values]);
  }
  return out;
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

export async function insertIncident(q: Q, record: Omit<IncidentRecord, 'id'>): Promise<IncidentRecord> {
  const row = await q
    .insertInto('incidents')
    .values(toColumns(record) as Insertable<IncidentsTable>)
    .returningAll()
    .executeTakeFirstOrThrow();
  return fromRow(row);
}

export async function updateIncident(q: Q, id: number, patch: Partial<Omit<IncidentRecord, 'id'>>): Promise<IncidentRecord> {
  const row = await q
    .updateTable('incidents')
    .set(toColumns(patch) as Updateable<IncidentsTable>)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
  if (!row) throw new Error(`incident ${id} vanished during update`);
  return fromRow(row);
}

export async function getIncidentById(q: Q, id: number): Promise<IncidentRecord | null> {
  const row = await q.selectFrom('incidents').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? fromRow(row) : null;
}

export async function getIncidentByNumber(q: Q, number: string): Promise<IncidentRecord | null> {
  const row = await q.selectFrom('incidents').selectAll().where('number', '=', number).executeTakeFirst();
  return row ? fromRow(row) : null;
}

export async function findActiveByKey(q: Q, key: string): Promise<IncidentRecord | null> {
  const row = await q.selectFrom('incidents').selectAll().where('dedup_key', '=', key).where('status', 'in', ACTIVE).executeTakeFirst();
  return row ? fromRow(row) : null;
}

export async function findLastResolvedByKey(q: Q, key: string): Promise<IncidentRecord | null> {
  const row = await q
    .selectFrom('incidents')
    .selectAll()
    .where('dedup_key', '=', key)
    .where('status', '=', 'resolved')
    // resolved_at_ms is set on every resolved incident; NULLS LAST keeps SQLite's order on PostgreSQL if one is not.
    .orderBy('resolved_at_ms', (ob) => ob.desc().nullsLast())
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? fromRow(row) : null;
}

/** The dedupe keys of every open or acknowledged incident (few, whatever the fleet's size). */
export async function activeIncidentKeys(q: Q): Promise<Set<string>> {
  const rows = await q.selectFrom('incidents').select('dedup_key').where('dedup_key', 'is not', null).where('status', 'in', ACTIVE).execute();
  return new Set(rows.map((r) => r.dedup_key).filter((k): k is string => k !== null));
}

export async function findActiveHosts(q: Q, target: string): Promise<IncidentRecord[]> {
  const rows = await q.selectFrom('incidents').selectAll().where('target', '=', target).where('is_host', '=', 1).where('status', 'in', ACTIVE).orderBy('id').execute();
  return rows.map(fromRow);
}

export async function findActiveChildren(q: Q, parentId: number): Promise<IncidentRecord[]> {
  const rows = await q.selectFrom('incidents').selectAll().where('parent_id', '=', parentId).where('status', 'in', ACTIVE).orderBy('id').execute();
  return rows.map(fromRow);
}

/** Every incident ever folded under this one that is still linked (promoted children are unlinked). */
export async function listChildren(q: Q, parentId: number): Promise<Array<{ number: string; status: IncidentStatus }>> {
  const rows = await q.selectFrom('incidents').select(['number', 'status']).where('parent_id', '=', parentId).orderBy('id').execute();
  return rows.map((r) => ({ number: r.number, status: r.status as IncidentStatus }));
}

export async function listTimeline(q: Q, incidentId: number): Promise<TimelineEntry[]> {
  const rows = await q
    .selectFrom('incident_events')
    .select(['id', 'incident_id', 'at_ms', 'actor', 'kind', 'note', 'data_json', 'note_code', 'note_params_json'])
    .where('incident_id', '=', incidentId)
    .orderBy('id')
    .execute();
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
export async function listIncidents(q: Q, filters: IncidentFilters): Promise<{ items: IncidentRecord[]; total: number }> {
  let query = q.selectFrom('incidents');
  if (filters.status?.length) query = query.where('status', 'in', filters.status);
  if (filters.severity?.length) query = query.where('severity', 'in', filters.severity);
  if (filters.target !== undefined) query = query.where('target', '=', filters.target);
  if (filters.fromMs !== undefined) query = query.where('opened_at_ms', '>=', filters.fromMs);
  if (filters.toMs !== undefined) query = query.where('opened_at_ms', '<', filters.toMs);
  const { total } = await query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await query.selectAll().orderBy('opened_at_ms', 'desc').orderBy('id', 'desc').limit(filters.limit).offset(filters.offset).execute();
  return { items: rows.map(fromRow), total: Number(total) };
}

export async function countActiveBySeverity(q: Q): Promise<Record<Severity, number>> {
  const counts: Record<Severity, number> = { P1: 0, P2: 0, P3: 0, P4: 0 };
  const rows = await q
    .selectFrom('incidents')
    .select(['severity', (eb) => eb.fn.countAll<number>().as('n')])
    .where('status', 'in', ACTIVE)
    .groupBy('severity')
    .execute();
  for (const row of rows) counts[row.severity as Severity] = Number(row.n);
  return counts;
}
