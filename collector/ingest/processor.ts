/**
 * Applies a batch of decoded messages (and liveness verdicts) in one SQLite transaction: dedupe by seq (a set of
 * seen seqs, ../store/seq-marks.ts), the
 * agent's skew and liveness, the latest result per check, and the state tracker. Returns the state changes to
 * announce once the transaction has committed, and the accepted results (InfluxDB and report samples get only
 * those, after the commit). Per-agent and per-check bookkeeping is coalesced per batch.
 */
import type { Db } from '../store/db.js';
import type { AgentsStore } from '../store/agents-store.js';
import type { ChecksStore, CheckRow } from '../store/checks-store.js';
import type { SeqMarks } from '../store/seq-marks.js';
import type { StateTracker, CheckMeta } from '../states/tracker.js';
import type { LivenessMonitor, SilenceVerdict } from '../liveness.js';
import type { CollectorMetrics } from '../metrics.js';
import type { StateChange } from '../events.js';
import type { Logger } from '../../common/logger.js';
import type { EventMessage, FindingParams, ResultMessage, StatusMessage } from '../../common/protocol.js';
import { singleRun } from '../states/machine.js';
import type { DecodedMessage } from './decode.js';
import { createIncarnationTracker, type IncarnationDeps } from './incarnations.js';

export type IngestItem =
  | { type: 'message'; decoded: DecodedMessage; receivedAtMs: number }
  | { type: 'silence'; verdict: SilenceVerdict };

/** A result the state history accepted (not a duplicate), with the collector's clock correction applied. */
export interface AcceptedResult {
  /** The message with `observed_at_ms` corrected the way the state history dated it. */
  message: ResultMessage;
  receivedAtMs: number;
}

/** What one committed batch produced: state changes to announce and results for the time-series sinks. */
export interface BatchOutcome {
  changes: StateChange[];
  accepted: AcceptedResult[];
}

export interface ProcessorDeps {
  db: Db;
  agents: AgentsStore;
  checks: ChecksStore;
  seqMarks: SeqMarks;
  tracker: StateTracker;
  liveness: LivenessMonitor;
  metrics: CollectorMetrics;
  logger: Logger;
  /** Skew beyond this is logged as a warning (rate limited per agent). */
  skewWarnMs: number;
  warn(key: string, obj: object, msg: string): void;
  /** Is a Last Will received at this time the broker's fault (the collector's own broker connection was down)? */
  willIsBrokersFault?(receivedAtMs: number): boolean;
  /** Sees each accepted (non-duplicate) event inside the batch transaction: stores it with the batch. */
  onEvent?(message: EventMessage, receivedAtMs: number): void;
  /** Collector-side happenings for an agent's timeline (new incarnation, id conflict), inside the transaction. */
  onAgentNotice?: IncarnationDeps['notice'];
}

/** Skew is stored only when it moved by more than this, to spare a write per result. */
const SKEW_STORE_STEP_MS = 1000;
/** A duplicate seq 1 after more than this many results means the agent's seq restarted. */
const SEQ_RESTART_HINT = 100;

export function createProcessor(deps: ProcessorDeps) {
  const { agents, checks, seqMarks, tracker, liveness, metrics } = deps;
  const storedSkew = new Map<string, number>();
  const incarnations = createIncarnationTracker({ agents, seqMarks, metrics, logger: deps.logger, warn: deps.warn, ...(deps.onAgentNotice ? { notice: deps.onAgentNotice } : {}) });

  /** Seq dedupe per (agent, incarnation); notes new incarnations and superseded ones publishing again. */
  function accept(agentId: string, kind: 'results' | 'events', seq: number, incarnation: string | undefined, receivedAtMs: number): boolean {
    const cls = incarnation === undefined ? null : incarnations.classify(agentId, incarnation);
    const verdict = seqMarks.accept(agentId, kind, seq, incarnation, receivedAtMs);
    if (verdict === 'below_floor') {
      deps.warn(`below-floor:${agentId}`, { agent_id: agentId, kind, seq, incarnation }, 'seq at or below the dedupe floor (applied, or later than the dedupe window behind a newer seq): dropped');
    }
    if (verdict !== 'new') return false;
    if (incarnation !== undefined && cls !== null) incarnations.accepted(agentId, incarnation, cls, receivedAtMs);
    return true;
  }

  function applyResult(m: ResultMessage, receivedAtMs: number, ctx: BatchContext): void {
    if (!accept(m.agent_id, 'results', m.seq, m.incarnation, receivedAtMs)) {
      metrics.duplicates.inc({ kind: 'results' });
      const highest = seqMarks.highest(m.agent_id, 'results');
      if (m.incarnation === undefined && m.seq === 1 && highest > SEQ_RESTART_HINT) {
        // Redelivery never reaches back to 1 after this many later seqs: the agent lost its persisted seq.
        deps.warn(`seq-restart:${m.agent_id}`, { agent_id: m.agent_id, max_seq: highest }, 'agent seq restarted at 1 (persisted seq lost?): its results count as duplicates until seq passes max_seq; agents that send an incarnation are heard at once');
      }
      return;
    }
    const skewMs = receivedAtMs - m.sent_at_ms;
    const stored = storedSkew.get(m.agent_id);
    if (stored === undefined || Math.abs(stored - skewMs) > SKEW_STORE_STEP_MS) {
      ctx.skews.set(m.agent_id, skewMs);
      storedSkew.set(m.agent_id, skewMs);
    }
    if (Math.abs(skewMs) > deps.skewWarnMs) {
      deps.warn(`skew:${m.agent_id}`, { agent_id: m.agent_id, skew_ms: skewMs }, 'agent clock skew beyond bound (collector receive time minus agent send time)');
    }
    // A clock running ahead must not date anything after we received it.
    const observedMs = Math.min(m.observed_at_ms, receivedAtMs);
    ctx.accepted.push({ message: observedMs === m.observed_at_ms ? m : { ...m, observed_at_ms: observedMs }, receivedAtMs });
    const meta: CheckMeta = { agentId: m.agent_id, checkId: m.check_id, checkType: m.check_type, target: m.target };
    const previous = ctx.checkRows.get(`${m.agent_id}\u0000${m.check_id}`);
    if (!previous || observedMs >= previous.lastObservedMs) {
      ctx.checkRows.set(`${m.agent_id}\u0000${m.check_id}`, {
        ...meta,
        intervalS: m.interval_s,
        lastObservedMs: observedMs,
        lastReceivedMs: receivedAtMs,
        lastState: m.state,
        lastMessage: m.message,
        lastCode: m.code ?? null,
        lastParams: m.params ?? null,
        lastMetrics: m.metrics,
      });
    }
    ctx.lastSeen.set(m.agent_id, receivedAtMs);
    liveness.seen(meta, m.interval_s, receivedAtMs);
    const change = tracker.observe(meta, singleRun(m.state, 'result', observedMs, m.message, m.code ? { code: m.code, params: m.params ?? null } : null));
    if (change) ctx.changes.push(change);
  }

  function applyStatus(m: StatusMessage, receivedAtMs: number, ctx: BatchContext): void {
    // Checks announced by the last online status count too: a Last Will was composed at connect time.
    const announced = agents.get(m.agent_id)?.checks ?? [];
    agents.setStatus(m, receivedAtMs);
    if (m.state !== 'offline') return;
    if (m.reason !== 'shutdown' && deps.willIsBrokersFault?.(receivedAtMs)) {
      // Our broker connection dropped, not the agent: recorded, no "agent lost". An agent that really went away is
      // found silent (its checks' clocks restarted when the connection came back).
      deps.logger.info({ agent_id: m.agent_id }, 'Last Will during the collector\'s broker outage: not counted as agent lost');
      return;
    }
    // "Agent lost" (no news from the agent) is not "host down": its checks become UNKNOWN, never CRIT. An agent that
    // said goodbye (graceful stop) is *stopped*, a distinct cause the incident rules rank low.
    const stopped = m.reason === 'shutdown';
    const reason = stopped ? 'agent stopped' : m.reason && m.reason !== 'lost' ? `agent lost (${m.reason})` : 'agent lost';
    const cause = stopped ? 'agent_stopped' : 'agent_offline';
    const detail: FindingParams = m.reason && m.reason !== 'lost' ? { detail: m.reason } : {};
    const finding = stopped ? { code: 'agent.stopped', params: {} } : { code: 'agent.lost', params: detail };
    const metas = new Map<string, CheckMeta>();
    const toMeta = (row: CheckRow): CheckMeta => ({ agentId: row.agentId, checkId: row.checkId, checkType: row.checkType, target: row.target });
    for (const row of checks.byAgent(m.agent_id)) metas.set(row.checkId, toMeta(row));
    for (const row of ctx.checkRows.values()) if (row.agentId === m.agent_id) metas.set(row.checkId, toMeta(row));
    for (const d of [...m.checks, ...announced]) {
      if (!metas.has(d.check_id)) metas.set(d.check_id, { agentId: m.agent_id, checkId: d.check_id, checkType: d.check_type, target: d.target });
    }
    for (const meta of metas.values()) {
      const change = tracker.observe(meta, singleRun('unknown', cause, receivedAtMs, reason, finding));
      if (change) ctx.changes.push(change);
    }
    liveness.agentOffline(m.agent_id);
  }

  function applyMessage(decoded: DecodedMessage, receivedAtMs: number, ctx: BatchContext): void {
    metrics.messagesIn.inc({ kind: decoded.kind });
    switch (decoded.kind) {
      case 'results':
        applyResult(decoded.message, receivedAtMs, ctx);
        return;
      case 'status':
        applyStatus(decoded.message, receivedAtMs, ctx);
        return;
      case 'inventory':
        agents.setInventory(decoded.message, receivedAtMs);
        return;
      case 'events':
        if (!accept(decoded.agentId, 'events', decoded.message.seq, decoded.message.incarnation, receivedAtMs)) metrics.duplicates.inc({ kind: 'events' });
        else {
          ctx.lastSeen.set(decoded.agentId, receivedAtMs);
          deps.onEvent?.(decoded.message, receivedAtMs);
        }
        return;
    }
  }

  function applySilence(verdict: SilenceVerdict, ctx: BatchContext): void {
    const seconds = Math.round(verdict.silentForMs / 1000);
    const change = tracker.observe(verdict.meta, singleRun('unknown', 'silence', verdict.atMs, `no result for ${seconds} s`, { code: 'agent.silent', params: { seconds } }));
    if (change) ctx.changes.push(change);
  }

  const run = deps.db.transaction((items: IngestItem[]): BatchOutcome => {
    const ctx: BatchContext = { changes: [], accepted: [], checkRows: new Map(), lastSeen: new Map(), skews: new Map() };
    for (const item of items) {
      if (item.type === 'message') applyMessage(item.decoded, item.receivedAtMs, ctx);
      else applySilence(item.verdict, ctx);
    }
    for (const row of ctx.checkRows.values()) checks.record(row);
    for (const [agentId, atMs] of ctx.lastSeen) agents.touch(agentId, atMs);
    for (const [agentId, skewMs] of ctx.skews) agents.setSkew(agentId, skewMs);
    seqMarks.persist();
    tracker.persist();
    return { changes: ctx.changes, accepted: ctx.accepted };
  });

  return {
    /** Runs the batch in one transaction; on failure every cache is dropped so memory matches the database. */
    processBatch(items: IngestItem[]): BatchOutcome {
      try {
        return run(items);
      } catch (error) {
        seqMarks.resetCache();
        incarnations.resetCache();
        tracker.resetCache();
        storedSkew.clear();
        throw error;
      }
    },
  };
}

interface BatchContext {
  changes: StateChange[];
  accepted: AcceptedResult[];
  checkRows: Map<string, CheckRow>;
  lastSeen: Map<string, number>;
  skews: Map<string, number>;
}
export type Processor = ReturnType<typeof createProcessor>;
