/** SQL for agent events (table of migration 006), async on both engines. No decisions here: the service decides. */
import { sql, type RawBuilder } from 'kysely';
import type { EventMessage } from '../../common/protocol.js';
import { changed, type Q } from '../store/sql/sql-helpers.js';

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

export interface HandledOutcome {
  action: string;
  rule: string | null;
  incidentId: number | null;
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

// Columns named (never e.*): migration 009 puts `incarnation` at a different place on each engine.
const SELECT = sql`SELECT e.id, e.agent_id, e.incarnation, e.seq, e.kind, e.target, e.check_id, e.message, e.data_json, e.observed_at_ms,
  e.sent_at_ms, e.received_at_ms, e.pending, e.action, e.rule, e.incident_id, i.number AS incident_number
  FROM agent_events e LEFT JOIN incidents i ON i.id = e.incident_id`;

/** How often a collector-side event retries its number when another collector took the same one at once. */
const COLLECTOR_SEQ_ATTEMPTS = 50;

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

export function createEventsRepo() {
  return {
    /** Inserts one event (inside the ingest transaction); false when (agent_id, incarnation, seq) is already stored. */
    async insert(q: Q, m: EventMessage, observedAtMs: number, receivedAtMs: number, pending: boolean): Promise<boolean> {
      const result = await q
        .insertInto('agent_events')
        .values({
          agent_id: m.agent_id,
          incarnation: m.incarnation ?? '',
          seq: m.seq,
          kind: m.kind,
          target: m.target ?? null,
          check_id: m.check_id ?? null,
          message: m.message,
          data_json: m.data ? JSON.stringify(m.data) : null,
          observed_at_ms: observedAtMs,
          sent_at_ms: m.sent_at_ms,
          received_at_ms: receivedAtMs,
          pending: pending ? 1 : 0,
        })
        // The seq set already dedupes; the unique key keeps "exactly once" even if it was reset.
        .onConflict((oc) => oc.columns(['agent_id', 'incarnation', 'seq']).doNothing())
        .executeTakeFirst();
      return changed(result) === 1;
    },
    /**
     * Stores an event the collector noticed about an agent (never pending: no trap rule applies). Collector-side
     * events are numbered in their own incarnation, which no agent can send: the next after the highest stored.
     */
    async insertCollector(q: Q, agentId: string, kind: string, message: string, data: EventData, atMs: number): Promise<void> {
      const text = (value: string): RawBuilder<string> => sql<string>`CAST(${value} AS TEXT)`;
      const int = (value: number): RawBuilder<number> => sql<number>`CAST(${value} AS BIGINT)`;
      // Two collectors noticing the same agent at once can compute the same number; DO NOTHING keeps the
      // transaction alive (PostgreSQL) and the next attempt reads the other's committed row.
      for (let attempt = 0; attempt < COLLECTOR_SEQ_ATTEMPTS; attempt++) {
        const result = await sql`INSERT INTO agent_events (agent_id, incarnation, seq, kind, target, check_id, message, data_json, observed_at_ms, sent_at_ms, received_at_ms, pending)
          SELECT ${text(agentId)}, ${text(COLLECTOR_INCARNATION)}, COALESCE(MAX(seq), 0) + 1, ${text(kind)}, NULL, NULL, ${text(message)}, ${text(JSON.stringify(data))},
            ${int(atMs)}, ${int(atMs)}, ${int(atMs)}, 0
          FROM agent_events WHERE agent_id = ${agentId} AND incarnation = ${COLLECTOR_INCARNATION}
          ON CONFLICT (agent_id, incarnation, seq) DO NOTHING`.execute(q);
        if (Number(result.numAffectedRows ?? 0n) === 1) return;
      }
      throw new Error(`agent event of ${agentId} (${kind}): no free collector seq after ${COLLECTOR_SEQ_ATTEMPTS} attempts`);
    },
    /** Oldest first: traps whose rule is not applied yet. */
    async pending(q: Q, limit: number): Promise<AgentEventRecord[]> {
      const { rows } = await sql<Row>`${SELECT} WHERE e.pending = 1 ORDER BY e.id LIMIT ${limit}`.execute(q);
      return rows.map(toRecord);
    },
    /** Whether the event's rule is still to be applied (re-read under the claim of another collector's work). */
    async isPending(q: Q, id: number): Promise<boolean> {
      const row = await q.selectFrom('agent_events').select('pending').where('id', '=', id).executeTakeFirst();
      return row?.pending === 1;
    },
    async markHandled(q: Q, id: number, outcome: HandledOutcome): Promise<void> {
      await q.updateTable('agent_events').set({ pending: 0, action: outcome.action, rule: outcome.rule, incident_id: outcome.incidentId }).where('id', '=', id).execute();
    },
    /** Newest first. */
    async list(q: Q, f: EventFilters): Promise<AgentEventRecord[]> {
      const where = [sql`e.observed_at_ms >= ${f.fromMs}`, sql`e.observed_at_ms < ${f.toMs}`];
      if (f.target !== undefined) where.push(sql`e.target = ${f.target}`);
      if (f.agentId !== undefined) where.push(sql`e.agent_id = ${f.agentId}`);
      if (f.kind !== undefined) where.push(sql`e.kind = ${f.kind}`);
      const { rows } = await sql<Row>`${SELECT} WHERE ${sql.join(where, sql` AND `)} ORDER BY e.observed_at_ms DESC, e.id DESC LIMIT ${f.limit}`.execute(q);
      return rows.map(toRecord);
    },
    /** Deletes handled events observed before `beforeMs`; returns how many. */
    async prune(q: Q, beforeMs: number): Promise<number> {
      const result = await q.deleteFrom('agent_events').where('observed_at_ms', '<', beforeMs).where('pending', '=', 0).executeTakeFirst();
      return changed(result);
    },
    async count(q: Q): Promise<number> {
      const row = await q.selectFrom('agent_events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}
export type EventsRepo = ReturnType<typeof createEventsRepo>;
