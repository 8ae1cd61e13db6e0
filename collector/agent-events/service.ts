/**
 * Agent events in the collector: `record` stores each accepted event inside the ingest's batch transaction (so it
 * is durable exactly when the message is acknowledged); SNMP traps are stored `pending` and their trap rule is
 * applied once that transaction has committed (`committed()`, called by the ingest) — open (or update) / resolve
 * an incident with a `trap` timeline entry, or only record — one trap at a time, oldest first. Pending rows left by
 * a crash are applied at start-up. Old events are pruned after `events.retention`.
 */
import { sql } from 'kysely';
import type { Logger } from '../../common/logger.js';
import { BACKGROUND_TIMERS, repeat, type Repeating } from '../../common/timers.js';
import type { EventMessage } from '../../common/protocol.js';
import { recordIncidentEvent } from '../incidents/journal.js';
import { findActiveByKey } from '../incidents/repository.js';
import { SYSTEM_ACTOR, type IncidentService } from '../incidents/service.js';
import type { SqlStore } from '../store/sql/connect.js';
import type { Q } from '../store/sql/sql-helpers.js';
import type { EventsConfig } from './config.js';
import { decideTrap, interfaceLabel, trapSubject, type TrapDecision } from './rules.js';
import { createEventsRepo, type AgentEventRecord, type EventData, type EventFilters, type HandledOutcome } from './store.js';

export const TRAP_EVENT_KIND = 'snmp_trap';
const PRUNE_EVERY_MS = 3_600_000;
const PENDING_PAGE = 200;
/** Advisory lock class of "applying this trap" on PostgreSQL (the object is the event id). */
const TRAP_LOCK_CLASS = 0x6576; // "ev"

export interface AgentEventsDeps {
  store: SqlStore;
  config: EventsConfig;
  /** Absent when incidents are disabled: traps are then only recorded. */
  incidents?: Pick<IncidentService, 'openKeyed' | 'resolveKeyed'>;
  logger: Logger;
  now: () => number;
  /** Is the target in a maintenance window now? Then a trap opens no incident (updates and resolves still apply). */
  inMaintenance?: (target: string, atMs: number) => boolean | Promise<boolean>;
}

type Outcome = HandledOutcome & { action: 'open' | 'update' | 'resolve' | 'record' | 'suppressed' };

export function createAgentEventsService(deps: AgentEventsDeps) {
  const { store, config, now } = deps;
  const log = deps.logger.child({ component: 'agent-events' });
  const repo = createEventsRepo();
  let running = true;
  let pruning: Repeating | null = null;
  /**
   * A trap was stored by the ingest transaction still open: apply rules once it commits. One flag suffices because
   * the ingest runs one batch transaction at a time, and always ends it with committed() or rolledBack().
   */
  let trapsInTransaction = false;
  /** The one pass applying pending traps (passes never overlap: one trap at a time, in order). */
  let pass: Promise<void> | null = null;
  let passAgain = false;

  async function trapEntry(q: Q, incidentId: number, event: AgentEventRecord, decision: TrapDecision, atMs: number): Promise<void> {
    const s = trapSubject(event);
    await recordIncidentEvent(
      q,
      {
        incidentId,
        atMs,
        actor: SYSTEM_ACTOR,
        kind: 'trap',
        note: event.message,
        data: { event_id: event.id, agent_id: event.agentId, seq: event.seq, trap: s.trapName ?? s.trapOid, if_index: s.ifIndex, interface: interfaceLabel(s), observed_at_ms: event.observedAtMs, rule: decision.rule },
      },
      { touch: true },
    );
  }

  const mark = (event: AgentEventRecord, outcome: Outcome): Promise<Outcome> =>
    store.transaction(async (trx) => {
      await repo.markHandled(trx, event.id, outcome);
      return outcome;
    });

  /**
   * Applies one trap's rule. The incident service opens and resolves in its own transaction, so the steps commit
   * one after another: the trap entry and the handled mark commit together, after the incident exists. A crash in
   * between leaves the trap pending and it is applied again at start-up (then as an update of the open incident).
   */
  async function apply(event: AgentEventRecord): Promise<Outcome> {
    const decision = decideTrap(trapSubject(event), config.traps);
    const incidents = deps.incidents;
    if (!incidents || decision.action === 'record') return mark(event, { action: 'record', rule: decision.rule, incidentId: null });
    const atMs = now();
    if (decision.action === 'open') {
      // The same link went down again (or the trap was resent with a new seq): one ticket, one more entry.
      const updated = await store.transaction(async (trx): Promise<Outcome | null> => {
        const active = await findActiveByKey(trx, decision.dedupKey);
        if (!active) return null;
        await trapEntry(trx, active.id, event, decision, atMs);
        const outcome: Outcome = { action: 'update', rule: decision.rule, incidentId: active.id };
        await repo.markHandled(trx, event.id, outcome);
        return outcome;
      });
      if (updated) return updated;
      const s = trapSubject(event);
      if (await deps.inMaintenance?.(s.target, atMs)) {
        log.info({ key: decision.dedupKey, target: s.target, rule: decision.rule }, 'trap incident suppressed by maintenance');
        return mark(event, { action: 'suppressed', rule: decision.rule, incidentId: null });
      }
      const record = await incidents.openKeyed({
        dedupKey: decision.dedupKey,
        title: decision.title,
        ...(decision.titleText ? { titleText: decision.titleText } : {}),
        severity: decision.severity,
        description: event.message,
        target: s.target,
        checkType: TRAP_EVENT_KIND,
        rule: `traps.${decision.rule}`,
        startedAtMs: event.observedAtMs,
      });
      const outcome: Outcome = { action: 'open', rule: decision.rule, incidentId: record.id };
      await store.transaction(async (trx) => {
        await trapEntry(trx, record.id, event, decision, atMs);
        await repo.markHandled(trx, event.id, outcome);
      });
      log.info({ number: record.number, key: decision.dedupKey, severity: decision.severity, rule: decision.rule }, 'incident opened by trap');
      return outcome;
    }
    const active = await findActiveByKey(store.db, decision.dedupKey);
    if (!active) return mark(event, { action: 'record', rule: decision.rule, incidentId: null });
    // The trap goes on the timeline before the resolution it causes.
    await store.transaction((trx) => trapEntry(trx, active.id, event, decision, atMs));
    await incidents.resolveKeyed(decision.dedupKey, decision.cause, event.message);
    log.info({ number: active.number, key: decision.dedupKey, rule: decision.rule }, 'incident resolved by trap');
    return mark(event, { action: 'resolve', rule: decision.rule, incidentId: active.id });
  }

  /**
   * On PostgreSQL a second collector may see the same pending row: the one holding the event's advisory lock
   * applies it, the other waits and then finds it handled. (SQLite has one collector per file.)
   */
  async function applyOnce(event: AgentEventRecord): Promise<void> {
    if (store.dialect !== 'postgres') {
      await apply(event);
      return;
    }
    await store.transaction(async (claim) => {
      await sql`SELECT pg_advisory_xact_lock(${TRAP_LOCK_CLASS}, ${event.id % 2_147_483_647})`.execute(claim);
      if (await repo.isPending(claim, event.id)) await apply(event);
    });
  }

  /** Applies every pending trap, oldest first. A failing one is logged and left pending (retried next pass). */
  async function applyPending(): Promise<number> {
    let applied = 0;
    for (;;) {
      const page = await repo.pending(store.db, PENDING_PAGE);
      let progressed = false;
      for (const event of page) {
        if (!running) return applied;
        try {
          await applyOnce(event);
          applied++;
          progressed = true;
        } catch (error) {
          log.error({ err: error, event_id: event.id, agent_id: event.agentId, seq: event.seq }, 'trap rule not applied; retried on the next trap or restart');
        }
      }
      if (page.length < PENDING_PAGE || !progressed) return applied;
    }
  }

  /** Starts a pass, or asks the running one to look again when it ends (a trap committed meanwhile). */
  function schedule(): void {
    if (!running) return;
    if (pass) {
      passAgain = true;
      return;
    }
    pass = (async () => {
      do {
        passAgain = false;
        try {
          await applyPending();
        } catch (error) {
          log.error({ err: error }, 'pending traps not read; retried on the next trap or restart');
        }
      } while (passAgain && running);
    })().finally(() => {
      pass = null;
    });
  }

  async function prune(): Promise<number> {
    const dropped = await repo.prune(store.db, now() - config.retention);
    if (dropped > 0) log.info({ dropped }, 'agent events pruned beyond the retention');
    return dropped;
  }

  return {
    /**
     * Stores one accepted event inside the ingest transaction `q` (the dedupe by seq happened there). A trap gets
     * its rule applied after `committed()`. A clock running ahead never dates an event after its receipt.
     */
    async record(q: Q, message: EventMessage, receivedAtMs: number): Promise<void> {
      const isTrap = message.kind === TRAP_EVENT_KIND;
      const inserted = await repo.insert(q, message, Math.min(message.observed_at_ms, receivedAtMs), receivedAtMs, isTrap);
      if (inserted && isTrap) trapsInTransaction = true;
    },
    /** Puts something the collector noticed about an agent on its timeline, inside the ingest transaction `q`. */
    async notice(q: Q, agentId: string, kind: string, message: string, data: EventData, atMs: number): Promise<void> {
      await repo.insertCollector(q, agentId, kind, message, data, atMs);
    },
    /** The ingest transaction that recorded events committed: apply the traps' rules (in the background, in order). */
    committed(): void {
      if (!trapsInTransaction) return;
      trapsInTransaction = false;
      schedule();
    },
    /** The ingest transaction rolled back: its traps were never stored. */
    rolledBack(): void {
      trapsInTransaction = false;
    },
    /** Applies traps left pending (crash between commit and rule), prunes, and prunes hourly from then on. */
    async start(): Promise<void> {
      running = true;
      schedule();
      await pass;
      await prune();
      pruning ??= repeat(
        BACKGROUND_TIMERS,
        PRUNE_EVERY_MS,
        () => void prune().catch((error: unknown) => log.error({ err: error }, 'agent event pruning failed')),
        (error) => log.error({ err: error }, 'agent event pruning failed'),
      );
    },
    /** Stops pruning and lets the trap being applied finish (the store closes after this). */
    async stop(): Promise<void> {
      running = false;
      pruning?.stop();
      pruning = null;
      await pass;
    },
    /** Resolves when no pass is running (tests wait on it after a commit). */
    async settled(): Promise<void> {
      while (pass) await pass;
    },
    applyPending,
    prune,
    list(filters: EventFilters): Promise<AgentEventRecord[]> {
      return repo.list(store.db, filters);
    },
  };
}
export type AgentEventsService = ReturnType<typeof createAgentEventsService>;
