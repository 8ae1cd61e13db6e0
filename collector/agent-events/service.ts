/**
 * Agent events in the collector: `record` stores each accepted event inside the ingest's batch transaction
 * (so it is durable exactly when the message is acknowledged); SNMP traps are stored `pending` and their trap
 * rule is applied after that commit — open (or update) / resolve an incident with a `trap` timeline entry, or
 * only record — one event per transaction. Pending rows left by a crash are applied at start-up. Old events are
 * pruned after `events.retention`.
 */
import type { Logger } from '../../common/logger.js';
import { BACKGROUND_TIMERS, repeat, type Repeating } from '../../common/timers.js';
import type { EventMessage } from '../../common/protocol.js';
import { addTimelineEntry, findActiveByKey, updateIncident } from '../incidents/repository.js';
import { SYSTEM_ACTOR, type IncidentService } from '../incidents/service.js';
import type { Db } from '../store/db.js';
import type { EventsConfig } from './config.js';
import { decideTrap, interfaceLabel, trapSubject, type TrapDecision } from './rules.js';
import { createEventsStore, type AgentEventRecord, type EventFilters } from './store.js';

export const TRAP_EVENT_KIND = 'snmp_trap';
const PRUNE_EVERY_MS = 3_600_000;
const PENDING_PAGE = 200;

export interface AgentEventsDeps {
  db: Db;
  config: EventsConfig;
  /** Absent when incidents are disabled: traps are then only recorded. */
  incidents?: Pick<IncidentService, 'openKeyed' | 'resolveKeyed'>;
  logger: Logger;
  now: () => number;
  /** Is the target in a maintenance window now? Then a trap opens no incident (updates and resolves still apply). */
  inMaintenance?: (target: string, atMs: number) => boolean;
  /** Runs `fn` after the current transaction (default setImmediate; better-sqlite3 transactions are synchronous). */
  defer?: (fn: () => void) => void;
}

type Outcome = { action: 'open' | 'update' | 'resolve' | 'record' | 'suppressed'; rule: string | null; incidentId: number | null };

export function createAgentEventsService(deps: AgentEventsDeps) {
  const { db, config, now } = deps;
  const log = deps.logger.child({ component: 'agent-events' });
  const store = createEventsStore(db);
  const defer = deps.defer ?? ((fn: () => void) => void setImmediate(fn));
  let scheduled = false;
  let running = true;
  let pruning: Repeating | null = null;

  function trapEntry(incidentId: number, event: AgentEventRecord, decision: TrapDecision, atMs: number): void {
    const s = trapSubject(event);
    addTimelineEntry(db, {
      incidentId,
      atMs,
      actor: SYSTEM_ACTOR,
      kind: 'trap',
      note: event.message,
      data: { event_id: event.id, agent_id: event.agentId, seq: event.seq, trap: s.trapName ?? s.trapOid, if_index: s.ifIndex, interface: interfaceLabel(s), observed_at_ms: event.observedAtMs, rule: decision.rule },
    });
  }

  /** Applies one trap's rule; the incident change, its timeline entry and the handled mark commit together. */
  function apply(event: AgentEventRecord): Outcome {
    const decision = decideTrap(trapSubject(event), config.traps);
    const incidents = deps.incidents;
    if (!incidents || decision.action === 'record') return { action: 'record', rule: decision.rule, incidentId: null };
    const atMs = now();
    if (decision.action === 'open') {
      const active = findActiveByKey(db, decision.dedupKey);
      if (active) {
        // The same link went down again (or the trap was resent with a new seq): one ticket, one more entry.
        updateIncident(db, active.id, { updatedAtMs: atMs });
        trapEntry(active.id, event, decision, atMs);
        return { action: 'update', rule: decision.rule, incidentId: active.id };
      }
      const s = trapSubject(event);
      if (deps.inMaintenance?.(s.target, atMs)) {
        log.info({ key: decision.dedupKey, target: s.target, rule: decision.rule }, 'trap incident suppressed by maintenance');
        return { action: 'suppressed', rule: decision.rule, incidentId: null };
      }
      const record = incidents.openKeyed({
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
      trapEntry(record.id, event, decision, atMs);
      log.info({ number: record.number, key: decision.dedupKey, severity: decision.severity, rule: decision.rule }, 'incident opened by trap');
      return { action: 'open', rule: decision.rule, incidentId: record.id };
    }
    const active = findActiveByKey(db, decision.dedupKey);
    if (!active) return { action: 'record', rule: decision.rule, incidentId: null };
    trapEntry(active.id, event, decision, atMs);
    incidents.resolveKeyed(decision.dedupKey, decision.cause, event.message);
    log.info({ number: active.number, key: decision.dedupKey, rule: decision.rule }, 'incident resolved by trap');
    return { action: 'resolve', rule: decision.rule, incidentId: active.id };
  }

  const handleOne = db.transaction((event: AgentEventRecord) => store.markHandled(event.id, apply(event)));

  /** Applies every pending trap, oldest first. A failing one is logged and left pending (retried next time). */
  function applyPending(): number {
    let applied = 0;
    for (;;) {
      const page = store.pending(PENDING_PAGE);
      let progressed = false;
      for (const event of page) {
        try {
          handleOne(event);
          applied++;
          progressed = true;
        } catch (error) {
          log.error({ err: error, event_id: event.id, agent_id: event.agentId, seq: event.seq }, 'trap rule not applied; retried on the next trap or restart');
        }
      }
      if (page.length < PENDING_PAGE || !progressed) return applied;
    }
  }

  function schedule(): void {
    if (scheduled || !running) return;
    scheduled = true;
    defer(() => {
      scheduled = false;
      if (running) applyPending();
    });
  }

  function prune(): number {
    const dropped = store.prune(now() - config.retention);
    if (dropped > 0) log.info({ dropped }, 'agent events pruned beyond the retention');
    return dropped;
  }

  return {
    /**
     * Stores one accepted event; call inside the ingest transaction (the dedupe by seq happened there).
     * Traps get their rule applied after the commit. A clock running ahead never dates an event after its receipt.
     */
    record(message: EventMessage, receivedAtMs: number): void {
      const isTrap = message.kind === TRAP_EVENT_KIND;
      const inserted = store.insert(message, Math.min(message.observed_at_ms, receivedAtMs), receivedAtMs, isTrap);
      if (inserted && isTrap) schedule();
    },
    /** Puts something the collector noticed about an agent on its timeline; call inside the ingest transaction. */
    notice(agentId: string, kind: string, message: string, data: Record<string, string | number | boolean | null>, atMs: number): void {
      store.insertCollector(agentId, kind, message, data, atMs);
    },
    /** Applies traps left pending (crash between commit and rule), prunes, and prunes hourly from then on. */
    start(): void {
      running = true;
      applyPending();
      prune();
      pruning ??= repeat(BACKGROUND_TIMERS, PRUNE_EVERY_MS, prune, (error) => log.error({ err: error }, 'agent event pruning failed'));
    },
    stop(): void {
      running = false;
      pruning?.stop();
      pruning = null;
    },
    applyPending,
    prune,
    list(filters: EventFilters): AgentEventRecord[] {
      return store.list(filters);
    },
  };
}
export type AgentEventsService = ReturnType<typeof createAgentEventsService>;
