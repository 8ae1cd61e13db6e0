/**
 * The incident engine, pure: (incidents relevant to a StateChange, the change, config, now) → actions.
 * The service loads the context, applies the actions in one transaction and then sends notices.
 *
 * Decisions (documented in docs and tested in test/unit/collector/incidents/engine.test.ts):
 * - Dedup key = target + check. While an incident for the key is open or acknowledged, repeats and state changes
 *   update it (severity only ever rises automatically, never falls). Never a second active incident.
 * - Recovery (ok) resolves it when its rule says auto_resolve (default), else records "recovered" and waits.
 * - A re-failure within `grace_period` after resolution (not after close) reopens the same incident; its title follows
 *   the new cause (the timeline keeps the old one). A failure that began before a person resolved the incident
 *   while it was still bad was handled by that person: no reopen.
 * - Agent lost or stopped (cause agent_offline / agent_stopped): one incident per agent (key `agent:<agentId>`, target = agent id) instead of
 *   one per check; it resolves when the agent publishes again (cause result/agent_online).
 * - Folding: while an active host incident exists for the target (a reachability check — ping or flagged
 *   `reachability` — in crit, or the agent-lost incident of an agent whose id is the target), a NEW incident of
 *   another check on that target gets parent_id = the host incident and sends no notices. Incidents already open
 *   when the host went down are not folded retroactively (they were already paged).
 * - When a host incident resolves, its still-active children become independent (parent cleared, `opened` notice
 *   sent then): they are real problems nobody has been paged for. (Done by the service, also for manual resolves.)
 */
import type { CheckState } from '../../common/protocol.js';
import { isAgentDown, type Severity, type StateChange } from '../events.js';
import type { IncidentsConfig } from './config.js';
import type { IncidentStatus } from './lifecycle.js';
import { evaluateRules, subjectFor, type RuleDecision } from './rules.js';
import { clip, english, findingNote, type CodedText } from './texts.js';

/** The check id and type of agent-lost incidents. */
export const AGENT_CHECK_ID = 'agent';

/** The part of a stored incident the engine needs. */
export interface IncidentSnapshot {
  id: number;
  number: string;
  status: IncidentStatus;
  severity: Severity;
  checkId: string | null;
  lastState: CheckState | null;
  parentId: number | null;
  isHost: boolean;
  autoResolve: boolean;
  resolvedAtMs: number | null;
}

export interface EngineContext {
  /** The active (open/acknowledged) incident of the change's dedup key. */
  current: IncidentSnapshot | null;
  /** The most recently resolved (not closed) incident of the key, for reopen within the grace period. */
  lastResolved: IncidentSnapshot | null;
  /** Active host incidents (is_host) on the change's target, any key; fold candidates. */
  hosts: readonly IncidentSnapshot[];
  /** The active agent-lost incident of the change's agent. */
  agentLost: IncidentSnapshot | null;
}

export interface OpenAction {
  kind: 'open';
  dedupKey: string;
  /** English rendering of `titleText` (stored as `title` for machines and logs). */
  title: string;
  titleText: CodedText;
  agentId: string;
  target: string;
  checkId: string;
  checkType: string;
  state: CheckState;
  severity: Severity;
  autoResolve: boolean;
  slaPolicy: string | null;
  isHost: boolean;
  parentId: number | null;
  startedAtMs: number;
  rule: string;
  reason: string;
  reasonText: CodedText;
  silent: boolean;
}
export interface UpdateAction {
  kind: 'update';
  incidentId: number;
  state: CheckState;
  severity: Severity;
  severityRaised: boolean;
  reason: string;
  reasonText: CodedText;
  silent: boolean;
}
export interface ResolveAction {
  kind: 'resolve';
  incidentId: number;
  cause: string;
  resolution: string;
  resolutionText: CodedText;
  silent: boolean;
}
export interface ReopenAction {
  kind: 'reopen';
  incidentId: number;
  state: CheckState;
  severity: Severity;
  autoResolve: boolean;
  parentId: number | null;
  rule: string;
  reason: string;
  reasonText: CodedText;
  /** The title for the new cause (the previous one stays on the timeline). */
  title: string;
  titleText: CodedText;
  silent: boolean;
}
export type EngineAction = OpenAction | UpdateAction | ResolveAction | ReopenAction;

const SEVERITY_RANK: Record<Severity, number> = { P1: 4, P2: 3, P3: 2, P4: 1 };

export function higherSeverity(a: Severity, b: Severity): Severity {
  return SEVERITY_RANK[b] > SEVERITY_RANK[a] ? b : a;
}

export function checkKey(target: string, checkId: string): string {
  // JSON keeps the key unambiguous whatever characters the names contain.
  return `check:${JSON.stringify([target, checkId])}`;
}
export function agentKey(agentId: string): string {
  return `agent:${agentId}`;
}

/** The key whose incident a change is about. */
export function dedupKeyFor(change: StateChange): string {
  return isAgentDown(change.cause) ? agentKey(change.agentId) : checkKey(change.target, change.checkId);
}

/** An agent going offline is seen as one change of the pseudo-check `agent` on the agent's own target. */
function asAgentLost(change: StateChange): StateChange {
  return { ...change, target: change.agentId, checkId: AGENT_CHECK_ID, checkType: AGENT_CHECK_ID, to: 'unknown', reachability: true };
}

function isBad(state: CheckState): boolean {
  return state !== 'ok';
}

/** The host incident a new incident on this target folds under, if any. */
function foldParent(ctx: EngineContext, config: IncidentsConfig): IncidentSnapshot | null {
  if (!config.fold_under_host) return null;
  const down = ctx.hosts.filter(
    (h) => h.parentId === null && (h.lastState === 'crit' || (h.checkId === AGENT_CHECK_ID && h.lastState !== 'ok')),
  );
  return [...down].sort((a, b) => a.id - b.id)[0] ?? null;
}

/**
 * The title of an incident opened (or reopened) by this change, as code + params: what failed, in words, from the
 * check's finding (`web01 · http_home — HTTP 503`), or the agent that was lost or stopped.
 */
export function titleTextFor(change: StateChange): CodedText {
  if (change.checkId === AGENT_CHECK_ID) {
    if (change.cause === 'agent_stopped') return { code: 'title.agent_stopped', params: { target: change.target } };
    const detail = change.finding?.code === 'agent.lost' ? change.finding.params?.detail : undefined;
    return { code: 'title.agent_lost', params: { target: change.target, ...(typeof detail === 'string' && detail ? { detail } : {}) } };
  }
  return {
    code: 'title.check',
    params: { target: change.target, check_id: change.checkId, check_type: change.checkType, state: change.to, message: change.reason, ...(change.finding ? { finding: change.finding } : {}) },
  };
}

function titleFor(change: StateChange): { title: string; titleText: CodedText } {
  const titleText = titleTextFor(change);
  return { title: clip(english(titleText)), titleText };
}

const reasonOf = (change: StateChange): CodedText => findingNote(change.finding, change.reason);

function decideExisting(current: IncidentSnapshot, change: StateChange, decision: RuleDecision | null): EngineAction[] {
  const silent = current.parentId !== null;
  if (!isBad(change.to)) {
    if (current.autoResolve) {
      const resolutionText: CodedText = { code: 'note.auto_resolved', params: reasonOf(change).params };
      return [{ kind: 'resolve', incidentId: current.id, cause: 'recovered', resolution: `auto-resolved: ${change.reason || 'check returned to ok'}`, resolutionText, silent }];
    }
    if (current.lastState === 'ok') return [];
    return [{ kind: 'update', incidentId: current.id, state: 'ok', severity: current.severity, severityRaised: false, reason: change.reason, reasonText: reasonOf(change), silent }];
  }
  const severity = decision?.open ? higherSeverity(current.severity, decision.severity) : current.severity;
  const severityRaised = severity !== current.severity;
  if (change.to === current.lastState && !severityRaised) return [];
  return [{ kind: 'update', incidentId: current.id, state: change.to, severity, severityRaised, reason: change.reason, reasonText: reasonOf(change), silent }];
}

function decideForKey(key: string, change: StateChange, ctx: EngineContext, config: IncidentsConfig): EngineAction[] {
  const subject = subjectFor(change, config);
  const decision = isBad(change.to) ? evaluateRules(subject, config) : null;
  if (ctx.current) return decideExisting(ctx.current, change, decision);
  if (!isBad(change.to) || !decision?.open) return [];

  const parent = foldParent(ctx, config);
  const parentId = parent?.id ?? null;
  const last = ctx.lastResolved;
  // A bad state that began before the last resolution was already handled (e.g. a person resolved it while the
  // check stayed red, then the collector restarted and reconciled): neither reopen nor open a duplicate.
  // An auto-resolved incident (last state ok) saw the recovery: whatever bad state follows is a new failure.
  if (last && last.resolvedAtMs !== null && last.lastState !== 'ok' && change.atMs < last.resolvedAtMs) return [];
  if (last && last.resolvedAtMs !== null && change.atMs - last.resolvedAtMs <= config.grace_period) {
    return [
      {
        kind: 'reopen',
        incidentId: last.id,
        state: change.to,
        severity: higherSeverity(last.severity, decision.severity),
        autoResolve: decision.autoResolve,
        parentId,
        rule: decision.rule,
        reason: change.reason,
        reasonText: reasonOf(change),
        ...titleFor(change),
        silent: parentId !== null,
      },
    ];
  }
  return [
    {
      kind: 'open',
      dedupKey: key,
      ...titleFor(change),
      agentId: change.agentId,
      target: change.target,
      checkId: change.checkId,
      checkType: change.checkType,
      state: change.to,
      severity: decision.severity,
      autoResolve: decision.autoResolve,
      slaPolicy: decision.slaPolicy,
      isHost: subject.reachability,
      parentId,
      startedAtMs: change.atMs,
      rule: decision.rule,
      reason: change.reason,
      reasonText: reasonOf(change),
      silent: parentId !== null,
    },
  ];
}

/**
 * Which parts of the context `decide` reads for this change, given whether its key has an active incident: only a
 * change that may open (or reopen) one needs the last resolved incident and the active hosts, and only a sign of life
 * (a result, an agent online) needs the agent-lost incident. The service skips the other reads (most changes are
 * recoveries and first results: a fleet's first connect is one change per check).
 */
export function contextNeeds(change: StateChange, hasCurrent: boolean): { openingContext: boolean; agentLost: boolean } {
  const agentDown = isAgentDown(change.cause);
  return {
    openingContext: !hasCurrent && (agentDown || isBad(change.to)),
    agentLost: !agentDown && (change.cause === 'result' || change.cause === 'agent_online'),
  };
}

/**
 * What to do about one StateChange. `ctx` must describe the incidents as they are before the change;
 * `dedupKeyFor(change)` tells the service which key `ctx.current`/`ctx.lastResolved` belong to.
 */
export function decide(change: StateChange, ctx: EngineContext, config: IncidentsConfig): EngineAction[] {
  if (!config.enabled) return [];
  if (isAgentDown(change.cause)) {
    return decideForKey(agentKey(change.agentId), asAgentLost(change), { ...ctx, hosts: [] }, config);
  }
  const actions: EngineAction[] = [];
  // Any result from the agent proves it is back; silence does not.
  if (ctx.agentLost && (change.cause === 'result' || change.cause === 'agent_online')) {
    const back: StateChange = { ...asAgentLost(change), to: 'ok', reason: 'agent is publishing again', finding: { code: 'agent.back', params: {} } };
    actions.push(...decideExisting(ctx.agentLost, back, null));
  }
  // The agent-lost incident just ended: it is no longer a reason to fold.
  const hosts = ctx.hosts.filter((h) => !actions.some((a) => a.kind !== 'open' && a.incidentId === h.id));
  actions.push(...decideForKey(checkKey(change.target, change.checkId), change, { ...ctx, hosts }, config));
  return actions;
}
