/** SQL for agent events (table of migration 006). No decisions here: the service decides. */
import type { EventMessage } from '../../common/protocol.js';
import type { Db } from '../store/db.js';

export type EventData = Record<string, string | number | boolean | null>;
/** The incarnation of events the collector records itself (not a valid agent incarnation). */
export const COLLECTOR_INCARNATION = '~collector';

export interface AgentEventRecord {
  id: number;
  agentId: string;
  /** '' for agents without incarnations; COLLECTOR_INCARNATION for events the collector recorded itself. */
  incarnation: string;
  seq: number;
  kind: string;
  target: string | null;
  checkId: string | null;
  message: string;
  data: EventData | null;
  observedAtMs: number;
  sentAtMs: number;
  receivedAtMs: number;
  pending: boolean;
  action: string | null;
  rule: string | null;
  incidentId: number | null;
  /** Number of the incident touched (joined), for links. */
  incidentNumber: string | null;
}

export interface EventFilters {
  target?: string;
  agentId?: string;
  kind?: string;
  fromMs: number;
  toMs: number;
  limit: number;
}

interface Row {
  id: number;
  agent_id: string;
  incarnation: string;
  seq: number;
  kind: string;
  target: string | null;
  check_id: string | null;
  message: string;
  data_json: string | null;
  observed_at_ms: number;
  sent_at_ms: number;
  received_at_ms: number;
  pending: number;
  action: string | null;
  rule: string | null;
  incident_id: number | null;
  incident_number: string | null;
}

const SELECT = `SELECT e.*, i.number AS incident_number FROM agent_events e LEFT JOIN incidents i ON i.id = e.incident_id`;

function toRecord(r: Row): AgentEventRecord {
  return {
    id: r.id,
    agentId: r.agent_id,
    incarnation: r.incarnation,
    seq: r.seq,
    kind: r.kind,
    target: r.target,
    checkId: r.check_id,
    message: r.message,
    data: r.data_json ? (JSON.parse(r.data_json) as EventData) : null,
    observedAtMs: r.observed_at_ms,
    sentAtMs: r.sent_at_ms,
    receivedAtMs: r.received_at_ms,
    pending: r.pending === 1,
    action: r.action,
    rule: r.rule,
    incidentId: r.incident_id,
    incidentNumber: r.incident_number,
  };
}

export function createEventsStore(db: Db) {
  // OR IGNORE: the seq marks already dedupe; the unique key keeps "exactly once" even if they were reset.
  const insert = db.prepare(
    `INSERT OR IGNORE INTO agent_events (agent_id, incarnation, seq, kind, target, check_id, message, data_json, observed_at_ms, sent_at_ms, received_at_ms, pending)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  // Collector-side events (e.g. a new incarnation) are numbered in their own incarnation, which no agent can send.
  const insertCollector = db.prepare(
    `INSERT INTO agent_events (agent_id, incarnation, seq, kind, target, check_id, message, data_json, observed_at_ms, sent_at_ms, received_at_ms, pending)
     VALUES (@agentId, '${COLLECTOR_INCARNATION}', (SELECT COALESCE(MAX(seq), 0) + 1 FROM agent_events WHERE agent_id = @agentId AND incarnation = '${COLLECTOR_INCARNATION}'),
       @kind, NULL, NULL, @message, @data, @atMs, @atMs, @atMs, 0)`,
  );
  const pendingRows = db.prepare<[number], Row>(`${SELECT} WHERE e.pending = 1 ORDER BY e.id LIMIT ?`);
  const markDone = db.prepare('UPDATE agent_events SET pending = 0, action = ?, rule = ?, incident_id = ? WHERE id = ?');
  const prune = db.prepare('DELETE FROM agent_events WHERE observed_at_ms < ? AND pending = 0');

  return {
    /** Inserts one event (inside the ingest transaction); false when (agent_id, incarnation, seq) is already stored. */
    insert(m: EventMessage, observedAtMs: number, receivedAtMs: number, pending: boolean): boolean {
      const info = insert.run(m.agent_id, m.incarnation ?? '', m.seq, m.kind, m.target ?? null, m.check_id ?? null, m.message, m.data ? JSON.stringify(m.data) : null, observedAtMs, m.sent_at_ms, receivedAtMs, pending ? 1 : 0);
      return info.changes === 1;
    },
    /** Stores an event the collector noticed about an agent (never pending: no trap rule applies). */
    insertCollector(agentId: string, kind: string, message: string, data: EventData, atMs: number): void {
      insertCollector.run({ agentId, kind, message, data: JSON.stringify(data), atMs });
    },
    /** Oldest first: traps whose rule is not applied yet. */
    pending(limit: number): AgentEventRecord[] {
      return pendingRows.all(limit).map(toRecord);
    },
    markHandled(id: number, outcome: { action: string; rule: string | null; incidentId: number | null }): void {
      markDone.run(outcome.action, outcome.rule, outcome.incidentId, id);
    },
    /** Newest first. */
    list(f: EventFilters): AgentEventRecord[] {
      const where = ['e.observed_at_ms >= ?', 'e.observed_at_ms < ?'];
      const params: Array<string | number> = [f.fromMs, f.toMs];
      const equal: Array<[string, string | undefined]> = [['e.target', f.target], ['e.agent_id', f.agentId], ['e.kind', f.kind]];
      for (const [column, value] of equal) {
        if (value === undefined) continue;
        where.push(`${column} = ?`);
        params.push(value);
      }
      params.push(f.limit);
      return (db.prepare(`${SELECT} WHERE ${where.join(' AND ')} ORDER BY e.observed_at_ms DESC, e.id DESC LIMIT ?`).all(...params) as Row[]).map(toRecord);
    },
    /** Deletes handled events observed before `beforeMs`; returns how many. */
    prune(beforeMs: number): number {
      return prune.run(beforeMs).changes;
    },
    count(): number {
      return (db.prepare('SELECT COUNT(*) AS n FROM agent_events').get() as { n: number }).n;
    },
  };
}
export type EventsStore = ReturnType<typeof createEventsStore>;
