/**
 * SLA timers of stored incidents: the policy (the incident rule's `sla_policy`, else the target's contract, else
 * the default policy — recorded the first time it is resolved), the facts (opened, first acknowledgement,
 * resolution, pauses, maintenance windows of the target) and the engine's computeIncidentSla; plus the JSON the
 * incident API shows.
 *
 * Async (the facts are stored). Every method takes an optional last argument `q`: the caller's transaction when the
 * clocks must see what it wrote (extensions), else the store's `db`.
 */
import type { Logger } from '../../common/logger.js';
import type { IncidentRecord } from '../incidents/repository.js';
import {
  computeIncidentSla,
  resolvePolicy,
  type IncidentFacts,
  type IncidentSla,
  type SlaPolicy,
  type SlaSetup,
  type TimerStatus,
} from '../sla/index.js';
import type { SqlStore } from '../store/sql/connect.js';
import type { Q } from '../store/sql/sql-helpers.js';
import type { IncidentSlaStore, StoredExtension, StoredPause } from './incident-sla-store.js';
import type { MaintenanceView } from './maintenance-view.js';

export interface IncidentTimersDeps {
  /** Where the facts are read when no `q` is given. */
  store: Pick<SqlStore, 'db'>;
  setup: () => SlaSetup;
  facts: IncidentSlaStore;
  maintenance: MaintenanceView;
  /** Changes whenever a maintenance window is added or removed (maintenance-store.ts); without it nothing is kept. */
  maintenanceVersion?: () => number;
  logger: Logger;
}

export interface IncidentTimers {
  policyOf(record: IncidentRecord, q?: Q): Promise<{ policy: SlaPolicy; contract: string | null }>;
  facts(record: IncidentRecord, q?: Q): Promise<IncidentFacts>;
  compute(record: IncidentRecord, nowMs: number, q?: Q): Promise<IncidentSla>;
  json(record: IncidentRecord, nowMs: number, q?: Q): Promise<IncidentSlaJson>;
  /** Cache counters of `json` (tests, diagnostics). */
  stats(): { hits: number; misses: number; incidents: number };
}

/**
 * What an incident's clocks are computed from (policy, facts, pauses, extensions, fired events), kept between requests
 * so the incident list does not run ~9 queries per row; the clocks themselves are computed at `now` on every read, so
 * cached == uncached at any instant. An entry is used only while nothing it was read from changed: the incident row
 * (`updated_at`, status, ack/resolve instants, severity: every lifecycle write moves `updated_at`), this store's writes
 * of the incident (`version`), the SLA setup (a reload swaps it) and the maintenance windows.
 */
interface Inputs {
  key: string;
  setup: SlaSetup;
  storeVersion: number;
  maintenanceVersion: number;
  policy: SlaPolicy;
  contract: string | null;
  facts: IncidentFacts;
  pauses: StoredPause[];
  extensions: StoredExtension[];
  fired: Map<string, number>;
}

const rowKey = (r: IncidentRecord): string =>
  `${r.updatedAtMs}|${r.status}|${r.severity}|${r.openedAtMs}|${r.startedAtMs}|${r.acknowledgedAtMs}|${r.resolvedAtMs}|${r.target}|${r.slaPolicy}`;
/** Bound on kept incidents (the oldest read goes first); the list shows at most 500. */
const MAX_KEPT = 5_000;

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
const seconds = (ms: number): number => Math.round(ms / 1000);

function timerJson(t: TimerStatus | null) {
  if (!t) return null;
  return {
    calendar: t.calendar,
    target_s: seconds(t.targetMs),
    started_at: iso(t.startedAtMs),
    due_at: iso(t.dueAtMs),
    warn_at: iso(t.warnAtMs),
    stopped_at: iso(t.stoppedAtMs),
    elapsed_business_s: seconds(t.elapsedMs),
    remaining_business_s: seconds(t.remainingMs),
    state: t.state,
    warning: t.warning,
    breached: t.breached,
    /** true/false once stopped (ack for response, resolve for resolution); null while running. */
    met: t.stoppedAtMs === null ? (t.breached ? false : null) : !t.breached,
  };
}

export type IncidentSlaJson = ReturnType<typeof buildJson>;

function buildJson(policy: string, contract: string | null, sla: IncidentSla, pauses: readonly StoredPause[], fired: Map<string, number>, extensions: readonly StoredExtension[]) {
  const open = pauses.find((p) => p.endMs === null) ?? null;
  return {
    policy,
    contract,
    response_due_at: iso(sla.response?.dueAtMs ?? null),
    resolution_due_at: iso(sla.resolution?.dueAtMs ?? null),
    response: timerJson(sla.response),
    resolution: timerJson(sla.resolution),
    paused: open !== null,
    pause_reason: open?.reason ?? null,
    pauses: pauses.map((p) => ({ start: iso(p.startMs), end: iso(p.endMs), reason: p.reason, paused_by: p.pausedBy, resumed_by: p.resumedBy })),
    /** Resolution-time extensions (already included in resolution.target_s and due_at). */
    extensions: extensions.map((e) => ({ at: iso(e.atMs), extend_s: seconds(e.extendMs), approved_by: e.approvedBy, reason: e.reason, by: e.createdBy })),
    escalation: sla.escalation && {
      chain: sla.escalation.chain,
      levels: sla.escalation.steps.map((s) => ({
        level: s.index + 1,
        name: s.level.name,
        channels: s.level.channels,
        due_at: iso(s.dueAtMs),
        cancelled: s.cancelled,
        fired_at: iso(fired.get(`escalation:${s.index}`) ?? null),
      })),
    },
    next_change_at: iso(sla.nextChangeAtMs),
  };
}

/** Recorded terms, when every calendar and escalation chain they name is still configured (else null). */
function termsOf(json: string, setup: SlaSetup): SlaPolicy | null {
  let policy: SlaPolicy;
  try {
    policy = JSON.parse(json) as SlaPolicy;
  } catch {
    return null;
  }
  for (const severity of Object.values(policy.severities ?? {})) {
    for (const timer of [severity.response, severity.resolution]) if (timer && !setup.calendars.has(timer.calendar)) return null;
    if (severity.escalation && !setup.escalations.has(severity.escalation)) return null;
  }
  return policy;
}

export function createIncidentTimers(deps: IncidentTimersDeps): IncidentTimers {
  const { setup } = deps;
  const store = deps.facts;
  const log = deps.logger.child({ component: 'sla.timers' });

  /**
   * The policy an incident is timed under: the terms recorded when it was first timed (its opening), so a reload that
   * changes the policy does not re-time it; without usable recorded terms, the policy of that name in force now.
   */
  async function policyOf(record: IncidentRecord, q: Q = deps.store.db): Promise<{ policy: SlaPolicy; contract: string | null }> {
    const current = setup();
    const stored = await store.policyOf(q, record.id);
    if (stored) {
      const kept = stored.terms === null ? null : termsOf(stored.terms, current);
      if (kept) return { policy: kept, contract: stored.contract };
      const policy = current.policies.get(stored.policy);
      if (policy) {
        if (stored.terms === null) await store.recordTerms(q, record.id, JSON.stringify(policy));
        else log.warn({ number: record.number, policy: stored.policy }, 'recorded SLA terms name a calendar or escalation chain no longer configured; using the policy in force');
        return { policy, contract: stored.contract };
      }
      log.warn({ number: record.number, policy: stored.policy }, 'stored SLA policy no longer configured; using the current resolution');
    }
    const resolved = record.target ? resolvePolicy(current, record.target, deps.maintenance.groupsOf(record.target)) : { contract: null, policy: current.policies.get(current.defaultPolicy) };
    const named = record.slaPolicy ? current.policies.get(record.slaPolicy) : undefined;
    const policy = named ?? resolved.policy ?? resolvePolicy(current, '', []).policy;
    const contract = resolved.contract?.name ?? null;
    // Two readers at once may both get here: the first insert is kept (ON CONFLICT DO NOTHING), both resolved the same.
    if (!stored) await store.recordPolicy(q, record.id, policy.name, contract, JSON.stringify(policy));
    return { policy, contract };
  }

  async function facts(record: IncidentRecord, q: Q = deps.store.db): Promise<IncidentFacts> {
    const end = record.resolvedAtMs;
    // A pause still open at resolution ends there (the clocks stopped anyway).
    const pauses = (await store.pauses(q, record.id)).map((p) => ({ startMs: p.startMs, endMs: p.endMs ?? end, reason: p.reason }));
    // The maintenance spans the clocks can start after: the one the incident opened in, or the one its failure began in
    // (whole spans, however long the window runs).
    const maintenance: Array<{ startMs: number; endMs: number }> = [];
    if (record.target) {
      for (const atMs of new Set([record.openedAtMs, Math.min(record.startedAtMs, record.openedAtMs)])) {
        const span = deps.maintenance.spanAt(record.target, atMs);
        if (span) maintenance.push(span);
      }
    }
    const firstAck = await store.firstAckMs(q, record.id);
    const acknowledgedAtMs = firstAck === null ? record.acknowledgedAtMs : Math.min(firstAck, record.acknowledgedAtMs ?? firstAck);
    const resolvedGaps = await store.resolvedGaps(q, record.id);
    const resolutionExtensionMs = (await store.extensions(q, record.id)).reduce((sum, e) => sum + e.extendMs, 0);
    return { openedAtMs: record.openedAtMs, startedAtMs: record.startedAtMs, acknowledgedAtMs, resolvedAtMs: record.resolvedAtMs, pauses, maintenance, resolvedGaps, resolutionExtensionMs };
  }

  async function compute(record: IncidentRecord, nowMs: number, q: Q = deps.store.db): Promise<IncidentSla> {
    const current = setup();
    const { policy } = await policyOf(record, q);
    return computeIncidentSla(current, policy, record.severity, await facts(record, q), nowMs);
  }

  const kept = new Map<number, Inputs>();
  const stats = { hits: 0, misses: 0 };

  async function inputsOf(record: IncidentRecord, q: Q): Promise<Inputs> {
    const current = setup();
    const key = rowKey(record);
    const maintenanceVersion = deps.maintenanceVersion?.() ?? -1;
    const hit = kept.get(record.id);
    if (
      hit &&
      deps.maintenanceVersion &&
      hit.key === key &&
      hit.setup === current &&
      hit.storeVersion === store.version(record.id) &&
      hit.maintenanceVersion === maintenanceVersion
    ) {
      stats.hits++;
      return hit;
    }
    stats.misses++;
    const { policy, contract } = await policyOf(record, q);
    // Taken after policyOf (its first call records the policy, a write of this store) and before the reads: a write
    // while they run moves the version, so what they read is not used again.
    const storeVersion = store.version(record.id);
    const inputs: Inputs = {
      key,
      setup: current,
      storeVersion,
      maintenanceVersion,
      policy,
      contract,
      facts: await facts(record, q),
      pauses: await store.pauses(q, record.id),
      extensions: await store.extensions(q, record.id),
      fired: await store.fired(q, record.id),
    };
    kept.delete(record.id);
    kept.set(record.id, inputs);
    if (kept.size > MAX_KEPT) kept.delete(kept.keys().next().value as number);
    return inputs;
  }

  return {
    policyOf,
    facts,
    compute,
    async json(record, nowMs, q = deps.store.db) {
      const i = await inputsOf(record, q);
      const sla = computeIncidentSla(i.setup, i.policy, record.severity, i.facts, nowMs);
      return buildJson(i.policy.name, i.contract, sla, i.pauses, i.fired, i.extensions);
    },
    stats: () => ({ ...stats, incidents: kept.size }),
  };
}
