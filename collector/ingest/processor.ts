/**
 * Applies a batch of decoded messages (and liveness verdicts) in one store transaction: dedupe by seq (a set of
 * seen seqs, ../store/sql/seq-marks.ts), the
 * agent's skew and liveness, the latest result per check, and the state tracker. Returns the state changes to
 * announce once the transaction has committed, and the accepted results (InfluxDB and report samples get only
 * those, after the commit). Per-agent and per-check bookkeeping is coalesced per batch.
 *
 * Exactly one batch at a time per process: the caches riding along with a batch (seq marks, incarnations, the
 * tracker's machines, stored skews) are that batch's working state, so batches queue up behind each other (once
 * synchronous better-sqlite3 guaranteed that by itself). A batch PostgreSQL aborted as a deadlock or serialization
 * failure (two collectors) is run again, after every cache was reset as on any rollback.
 */
import type { SqlStore } from '../store/sql/connect.js';
import type { AgentsRepo } from '../store/sql/agents-repo.js';
import type { ChecksRepo, CheckRow } from '../store/sql/checks-repo.js';
import { isRetryableSqlError, withRetry } from '../store/sql/retry.js';
import type { SeqMarksRepo, SeqOffer, SeqVerdict } from '../store/sql/seq-marks.js';
import type { Q } from '../store/sql/sql-helpers.js';
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
  store: SqlStore;
  agents: AgentsRepo;
  checks: ChecksRepo;
  seqMarks: SeqMarksRepo;
  tracker: StateTracker;
  liveness: LivenessMonitor;
  metrics: CollectorMetrics;
  logger: Logger;
  /** Skew beyond this is logged as a warning (rate limited per agent). */
  skewWarnMs: number;
  warn(key: string, obj: object, msg: string): void;
  /** Is a Last Will received at this time the broker's fault (the collector's own broker connection was down)? */
  willIsBrokersFault?(receivedAtMs: number): boolean;
  /** Sees each accepted (non-duplicate) event inside the batch transaction (`q`): stores it with the batch. */
  onEvent?(q: Q, message: EventMessage, receivedAtMs: number): Promise<void> | void;
  /** Collector-side happenings for an agent's timeline (new incarnation, id conflict), inside the transaction. */
  onAgentNotice?: IncarnationDeps['notice'];
  /** After each batch transaction committed (work that must see the batch's rows runs from here). */
  onCommitted?(): void;
  /** After each batch transaction rolled back (including one that is retried). */
  onRolledBack?(): void;
  /** Tries per batch when PostgreSQL aborts it as a deadlock or serialization failure (default 5). */
  retryAttempts?: number;
}

/** A batch taking this long (seconds) is logged with where its time went. */
const SLOW_BATCH_S = 1;

/** Where a batch's time goes (lock, load, dedupe, apply, write, commit), summed over retries. */
interface PhaseClock {
  mark(phase: string): void;
  spent(): Record<string, number>;
  totalMs(): number;
}

function phaseClock(): PhaseClock {
  const startMs = performance.now();
  let lastMs = startMs;
  const spent: Record<string, number> = {};
  return {
    mark(phase) {
      const at = performance.now();
      spent[phase] = Math.round((spent[phase] ?? 0) + at - lastMs);
      lastMs = at;
    },
    spent: () => spent,
    totalMs: () => performance.now() - startMs,
  };
}

/** Skew is stored only when it moved by more than this, to spare a write per result. */
const SKEW_STORE_STEP_MS = 1000;
/** A duplicate seq 1 after more than this many results means the agent's seq restarted. */
const SEQ_RESTART_HINT = 100;

export function createProcessor(deps: ProcessorDeps) {
  const { agents, checks, seqMarks, tracker, liveness, metrics } = deps;
  const storedSkew = new Map<string, number>();
  const incarnations = createIncarnationTracker({ agents, seqMarks, metrics, logger: deps.logger, warn: deps.warn, ...(deps.onAgentNotice ? { notice: deps.onAgentNotice } : {}) });

  /**
   * Seq dedupe per (agent, incarnation), with the verdict `offer` found for this message; notes new incarnations and
   * superseded ones publishing again, in the batch's order.
   */
  async function accept(q: Q, agentId: string, kind: 'results' | 'events', seq: number, incarnation: string | undefined, receivedAtMs: number, verdict: SeqVerdict): Promise<boolean> {
    const cls = incarnation === undefined ? null : await incarnations.classify(q, agentId, incarnation);
    if (verdict === 'below_floor') {
      deps.warn(`below-floor:${agentId}`, { agent_id: agentId, kind, seq, incarnation }, 'seq at or below the dedupe floor (applied, or later than the dedupe window behind a newer seq): dropped');
    }
    if (verdict !== 'new') return false;
    await seqMarks.applied(q, agentId, kind, seq, incarnation);
    if (incarnation !== undefined && cls !== null) await incarnations.accepted(q, agentId, incarnation, cls, receivedAtMs);
    return true;
  }

  async function applyResult(q: Q, m: ResultMessage, receivedAtMs: number, verdict: SeqVerdict, ctx: BatchContext): Promise<void> {
    if (!(await accept(q, m.agent_id, 'results', m.seq, m.incarnation, receivedAtMs, verdict))) {
      metrics.duplicates.inc({ kind: 'results' });
      // Only a duplicate seq 1 needs the highest seq (a query): a redelivery storm costs no extra reads.
      const highest = m.incarnation === undefined && m.seq === 1 ? await seqMarks.highest(q, m.agent_id, 'results') : 0;
      if (highest > SEQ_RESTART_HINT) {
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
    let agentRows = ctx.checkRows.get(m.agent_id);
    if (agentRows === undefined) ctx.checkRows.set(m.agent_id, (agentRows = new Map()));
    const previous = agentRows.get(m.check_id);
    if (!previous || observedMs >= previous.lastObservedMs) {
      agentRows.set(m.check_id, {
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
    const change = await tracker.observe(q, meta, singleRun(m.state, 'result', observedMs, m.message, m.code ? { code: m.code, params: m.params ?? null } : null));
    if (change) ctx.changes.push(change);
  }

  async function applyStatus(q: Q, m: StatusMessage, receivedAtMs: number, ctx: BatchContext): Promise<void> {
    // Checks announced by the last online status count too: a Last Will was composed at connect time.
    const announced = (await agents.get(q, m.agent_id))?.checks ?? [];
    await agents.setStatus(q, m, receivedAtMs);
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
    for (const row of await checks.byAgent(q, m.agent_id)) metas.set(row.checkId, toMeta(row));
    for (const row of ctx.checkRows.get(m.agent_id)?.values() ?? []) metas.set(row.checkId, toMeta(row));
    for (const d of [...m.checks, ...announced]) {
      if (!metas.has(d.check_id)) metas.set(d.check_id, { agentId: m.agent_id, checkId: d.check_id, checkType: d.check_type, target: d.target });
    }
    for (const meta of metas.values()) {
      const change = await tracker.observe(q, meta, singleRun('unknown', cause, receivedAtMs, reason, finding));
      if (change) ctx.changes.push(change);
    }
    liveness.agentOffline(m.agent_id);
  }

  async function applyMessage(q: Q, decoded: DecodedMessage, receivedAtMs: number, verdict: SeqVerdict, ctx: BatchContext): Promise<void> {
    metrics.messagesIn.inc({ kind: decoded.kind });
    switch (decoded.kind) {
      case 'results':
        await applyResult(q, decoded.message, receivedAtMs, verdict, ctx);
        return;
      case 'status':
        await applyStatus(q, decoded.message, receivedAtMs, ctx);
        return;
      case 'inventory':
        await agents.setInventory(q, decoded.message, receivedAtMs);
        return;
      case 'events':
        if (!(await accept(q, decoded.agentId, 'events', decoded.message.seq, decoded.message.incarnation, receivedAtMs, verdict))) metrics.duplicates.inc({ kind: 'events' });
        else {
          ctx.lastSeen.set(decoded.agentId, receivedAtMs);
          await deps.onEvent?.(q, decoded.message, receivedAtMs);
        }
        return;
    }
  }

  async function applySilence(q: Q, verdict: SilenceVerdict, ctx: BatchContext): Promise<void> {
    const seconds = Math.round(verdict.silentForMs / 1000);
    const change = await tracker.observe(q, verdict.meta, singleRun('unknown', 'silence', verdict.atMs, `no result for ${seconds} s`, { code: 'agent.silent', params: { seconds } }));
    if (change) ctx.changes.push(change);
  }

  /** The seqs of a batch, for one dedupe pass (index = the item's). */
  function offersOf(items: readonly IngestItem[]): { offers: SeqOffer[]; at: number[] } {
    const offers: SeqOffer[] = [];
    const at: number[] = [];
    items.forEach((item, i) => {
      if (item.type !== 'message') return;
      const { decoded, receivedAtMs } = item;
      if (decoded.kind === 'results') offers.push({ agentId: decoded.message.agent_id, kind: 'results', seq: decoded.message.seq, incarnation: decoded.message.incarnation, receivedAtMs });
      else if (decoded.kind === 'events') offers.push({ agentId: decoded.agentId, kind: 'events', seq: decoded.message.seq, incarnation: decoded.message.incarnation, receivedAtMs });
      else return;
      at.push(i);
    });
    return { offers, at };
  }

  const checkOf = (item: IngestItem): CheckMeta[] => {
    if (item.type === 'silence') return [item.verdict.meta];
    if (item.decoded.kind !== 'results') return [];
    const m = item.decoded.message;
    return [{ agentId: m.agent_id, checkId: m.check_id, checkType: m.check_type, target: m.target }];
  };
  const agentOf = (item: IngestItem): string => (item.type === 'silence' ? item.verdict.meta.agentId : item.decoded.agentId);

  async function run(q: Q, items: IngestItem[], phases: PhaseClock): Promise<BatchOutcome> {
    const ctx: BatchContext = { changes: [], accepted: [], checkRows: new Map(), lastSeen: new Map(), skews: new Map() };
    await tracker.lockAgents(q, items.map(agentOf));
    phases.mark('lock');
    const touched = items.flatMap(checkOf);
    await tracker.verify(q, touched);
    await tracker.preload(q, touched);
    // What the dedupe and the incarnation check would otherwise read per stream and agent on their first touch
    // (every agent's, after a restart or a rolled-back batch).
    const { offers, at } = offersOf(items);
    await incarnations.prefetch(q, offers.flatMap((o) => (o.incarnation === undefined ? [] : [o.agentId])));
    await seqMarks.prefetch(q, offers);
    phases.mark('load');
    // Dedupe first, all seqs in ascending order (see seq-marks.ts); their effects then apply in arrival order.
    const found = await seqMarks.offer(q, offers);
    const verdicts = new Map<number, SeqVerdict>(at.map((index, k) => [index, found[k]!]));
    phases.mark('dedupe');
    for (const [i, item] of items.entries()) {
      if (item.type === 'message') await applyMessage(q, item.decoded, item.receivedAtMs, verdicts.get(i) ?? 'new', ctx);
      else await applySilence(q, item.verdict, ctx);
    }
    phases.mark('apply');
    // A few statements per batch, not one per check and agent.
    await checks.recordMany(q, [...ctx.checkRows.values()].flatMap((rows) => [...rows.values()]));
    await agents.touchMany(q, ctx.lastSeen, ctx.skews);
    await seqMarks.persist(q);
    await tracker.persist(q);
    phases.mark('write');
    return { changes: ctx.changes, accepted: ctx.accepted };
  }

  /** After a rollback every cache is dropped, so memory matches the database again. */
  function rolledBack(): void {
    seqMarks.resetCache();
    incarnations.resetCache();
    tracker.resetCache();
    storedSkew.clear();
    deps.onRolledBack?.();
  }

  async function processOnce(items: IngestItem[], phases: PhaseClock): Promise<BatchOutcome> {
    try {
      const outcome = await deps.store.transaction((trx) => run(trx, items, phases));
      phases.mark('commit');
      return outcome;
    } catch (error) {
      rolledBack();
      throw error;
    }
  }

  // The serial queue: each unit starts after the previous one committed or rolled back.
  let tail: Promise<unknown> = Promise.resolve();
  function serially<T>(fn: () => Promise<T>): Promise<T> {
    const next = tail.then(fn, fn);
    tail = next.catch(() => undefined);
    return next;
  }

  return {
    /**
     * Runs the batch in one transaction, after any batch before it; a deadlock or serialization failure is retried
     * (caches reset first). On failure every cache is dropped so memory matches the database.
     */
    processBatch(items: IngestItem[]): Promise<BatchOutcome> {
      return serially(async () => {
        const phases = phaseClock();
        const outcome = await withRetry(() => processOnce(items, phases), {
          attempts: deps.retryAttempts ?? 5,
          isRetryable: isRetryableSqlError,
          onRetry: (error, attempt) => deps.logger.warn({ err: error, attempt, items: items.length }, 'ingest batch aborted by the database (two collectors raced): running it again'),
        });
        const seconds = phases.totalMs() / 1000;
        metrics.ingestBatchSeconds.observe(seconds);
        if (seconds >= SLOW_BATCH_S) deps.warn('slow-batch', { items: items.length, ms: Math.round(phases.totalMs()), phases_ms: phases.spent() }, 'slow ingest batch (a lock wait, a slow store?): the broker waits for its acknowledgements meanwhile');
        try {
          deps.onCommitted?.();
        } catch (error) {
          deps.logger.error({ err: error }, 'after-commit hook failed (the batch is committed)');
        }
        return outcome;
      });
    },
    /** Runs `fn` between batches (no batch transaction is open meanwhile): store work that must not interleave. */
    exclusive<T>(fn: () => Promise<T>): Promise<T> {
      return serially(fn);
    },
  };
}

interface BatchContext {
  changes: StateChange[];
  accepted: AcceptedResult[];
  /** The newest row per check of this batch, by agent then check id (an agent's Last Will reads its agent's). */
  checkRows: Map<string, Map<string, CheckRow>>;
  lastSeen: Map<string, number>;
  skews: Map<string, number>;
}
export type Processor = ReturnType<typeof createProcessor>;
