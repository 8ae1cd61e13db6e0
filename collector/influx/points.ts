/**
 * What the collector writes, as points (pure). Schema documented in docs/influx.md. Cardinality stays bounded:
 * tags are agent, target, check, check type, the agent's configured check tags and the series tags checks emit
 * (mount, interface, if_name...) — never a message or any other free text (those are fields).
 */
import type { CheckState, ResultMessage } from '../../common/protocol.js';
import type { IncidentNotice, Severity, StateChange } from '../events.js';
import { float, int, str, type FieldValue, type Point } from './line-protocol.js';

export const MEASUREMENTS = {
  state: 'outpost_state',
  availability: 'outpost_availability',
  incidentEvent: 'outpost_incident_event',
  incidentsOpen: 'outpost_incidents_open',
  incidentSla: 'outpost_incident_sla',
  agents: 'outpost_agents',
  agent: 'outpost_agent',
} as const;

/** ok 0 · warn 1 · crit 2 · unknown 3 (a check's state). */
export const STATE_CODE: Record<CheckState, number> = { ok: 0, warn: 1, crit: 2, unknown: 3 };

/** Tags every check point carries; configured or series tags with these names are renamed `series_<name>`. */
const RESERVED_TAGS = new Set(['agent', 'target', 'check', 'check_type', 'measurement', 'time']);

/** A check type as a measurement name: lower-case [a-z0-9_]; our own `outpost_*` names are never shadowed. */
export function measurementFor(checkType: string): string {
  const name = checkType.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  return name.startsWith('outpost_') || name === '' ? `check_${name}` : name;
}

function tagKey(key: string): string {
  const clean = key.replace(/[^A-Za-z0-9_.-]/g, '_');
  return RESERVED_TAGS.has(clean) ? `series_${clean}` : clean;
}

function addTags(into: Record<string, string>, extra: Record<string, string> | undefined): void {
  if (!extra) return;
  for (const [k, v] of Object.entries(extra)) if (v !== '') into[tagKey(k)] = v;
}

function metricFields(metrics: Record<string, number>): Record<string, FieldValue> {
  const fields: Record<string, FieldValue> = {};
  for (const [k, v] of Object.entries(metrics)) if (Number.isFinite(v)) fields[k] = float(v);
  return fields;
}

/** One point for the result's own metrics (plus state_code and duration_ms) and one per series. */
export function resultPoints(m: ResultMessage, timeMs: number): Point[] {
  const measurement = measurementFor(m.check_type);
  const base: Record<string, string> = {};
  addTags(base, m.tags);
  Object.assign(base, { agent: m.agent_id, target: m.target, check: m.check_id, check_type: m.check_type });
  const points: Point[] = [
    { measurement, tags: base, fields: { ...metricFields(m.metrics), state_code: int(STATE_CODE[m.state]), duration_ms: float(m.duration_ms) }, timeMs },
  ];
  for (const s of m.series ?? []) {
    const fields = metricFields(s.metrics);
    if (Object.keys(fields).length === 0) continue;
    const tags = { ...base };
    addTags(tags, s.tags);
    Object.assign(tags, { agent: m.agent_id, target: m.target, check: m.check_id, check_type: m.check_type });
    points.push({ measurement, tags, fields, timeMs });
  }
  return points;
}

/** 0/1 integer flags per state plus the state code, so both sum() and max() work in InfluxQL. */
export function stateFields(state: CheckState): Record<string, FieldValue> {
  return {
    state_code: int(STATE_CODE[state]),
    ok: int(state === 'ok' ? 1 : 0),
    warn: int(state === 'warn' ? 1 : 0),
    crit: int(state === 'crit' ? 1 : 0),
    unknown: int(state === 'unknown' ? 1 : 0),
  };
}

export interface CheckStateSnapshot {
  agentId: string;
  target: string;
  checkId: string;
  checkType: string;
  state: CheckState;
}

export function statePoint(s: CheckStateSnapshot, timeMs: number, changed: boolean): Point {
  return {
    measurement: MEASUREMENTS.state,
    tags: { agent: s.agentId, target: s.target, check: s.checkId, check_type: s.checkType },
    fields: { ...stateFields(s.state), changed: int(changed ? 1 : 0) },
    timeMs,
  };
}

export function stateChangePoint(c: StateChange): Point {
  return statePoint({ agentId: c.agentId, target: c.target, checkId: c.checkId, checkType: c.checkType, state: c.to }, c.atMs, true);
}

const STATUS_CODE = { open: 0, acknowledged: 1, resolved: 2, closed: 3 } as const;

/** An incident lifecycle event (opened, acknowledged, resolved, ...) with its severity. */
export function incidentEventPoint(n: IncidentNotice): Point {
  const tags: Record<string, string> = { kind: n.kind, severity: n.incident.severity };
  if (n.incident.target) tags.target = n.incident.target;
  return {
    measurement: MEASUREMENTS.incidentEvent,
    tags,
    fields: {
      event: int(1),
      number: str(n.incident.number),
      title: str(n.incident.title.slice(0, 500)),
      status_code: int(STATUS_CODE[n.incident.status]),
      age_s: float(Math.max(0, n.atMs - n.incident.openedAtMs) / 1000),
    },
    timeMs: n.atMs,
  };
}

export function incidentCountPoints(counts: Record<Severity, number>, timeMs: number): Point[] {
  return (Object.keys(counts) as Severity[]).map((severity) => ({
    measurement: MEASUREMENTS.incidentsOpen,
    tags: { severity },
    fields: { open: int(counts[severity]) },
    timeMs,
  }));
}

export interface IncidentSlaOutcome {
  severity: Severity;
  contract: string | null;
  /** null when the clock has no outcome yet (running, paused, deferred) or the policy has no such timer. */
  responseMet: boolean | null;
  resolutionMet: boolean | null;
  responseElapsedMs: number | null;
  resolutionElapsedMs: number | null;
  number: string;
  /** The contract's compliance goal, percent (the dashboard draws it); null: none. */
  complianceTarget?: number | null;
}

/**
 * The SLA outcome of one incident, stamped with its opening instant (a month's incidents are those opened in it, as
 * in the SLA summary) and tagged with its number (incidents opened in the same millisecond stay apart). Written
 * again whenever a clock gets its outcome (acknowledgement, breach, resolution): InfluxDB merges the fields.
 */
export function incidentSlaPoint(o: IncidentSlaOutcome, timeMs: number): Point | null {
  const fields: Record<string, FieldValue> = { number: str(o.number) };
  if (o.responseMet !== null) fields.response_met = int(o.responseMet ? 1 : 0);
  if (o.resolutionMet !== null) fields.resolution_met = int(o.resolutionMet ? 1 : 0);
  if (o.responseElapsedMs !== null) fields.response_s = float(o.responseElapsedMs / 1000);
  if (o.resolutionElapsedMs !== null) fields.resolution_s = float(o.resolutionElapsedMs / 1000);
  if (o.complianceTarget !== undefined && o.complianceTarget !== null) fields.compliance_target = float(o.complianceTarget);
  if (o.responseMet === null && o.resolutionMet === null) return null;
  return { measurement: MEASUREMENTS.incidentSla, tags: { severity: o.severity, contract: o.contract ?? 'none', incident: o.number }, fields, timeMs };
}

export function agentPoints(agents: ReadonlyArray<{ agentId: string; online: boolean }>, timeMs: number): Point[] {
  const online = agents.filter((a) => a.online).length;
  return [
    { measurement: MEASUREMENTS.agents, tags: {}, fields: { online: int(online), offline: int(agents.length - online), total: int(agents.length) }, timeMs },
    ...agents.map((a) => ({ measurement: MEASUREMENTS.agent, tags: { agent: a.agentId }, fields: { online: int(a.online ? 1 : 0) }, timeMs })),
  ];
}
