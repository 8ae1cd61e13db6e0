/**
 * Availability of targets, checks, groups and services over a period, read from the state-interval history
 * (the single source of truth) and the maintenance windows (config + API), computed by the pure engine.
 *
 * Definitions (docs/sla.md):
 * - check: its own intervals (several agents with the same target/check → all must be up).
 * - target: its reachability checks (incidents.reachability check types / ids, default ping) if it has any,
 *   else all its checks; rule `all` (the target is down while any of those checks is down).
 * - group (incidents.targets.<t>.group): its targets with rule `all`.
 * - service (`services:` config): its member targets/checks with the configured rule.
 * - Maintenance of a target/check: windows applying to it or its group. Of a group/service: the time every member
 *   is in maintenance, plus windows naming the group (or the service as a target).
 * - Contract: the target's (resolvePolicy); a group's is the first contract listing the group, a service's the first
 *   listing the service name among its targets; none → 24x7 at 99.9 %.
 *
 * Every figure is async (it reads the history); maintenance comes from the in-memory view (maintenance-view.ts).
 */
import {
  availabilityWindow,
  computeAvailability,
  deriveStateIntervals,
  getCalendar,
  intersectIntervals,
  maintenanceIntervals,
  mergeIntervals,
  monthPeriod,
  PERIOD_FORMAT,
  resolvePolicy,
  type AvailabilityReport,
  type Contract,
  type DerivationRule,
  type Interval,
  type SlaSetup,
} from '../sla/index.js';
import type { SqlStore } from '../store/sql/connect.js';
import { createIntervalsRepo } from '../store/sql/intervals-repo.js';
import { derivationRuleOf, describeRule, type ServiceConfig } from './config.js';
import type { MaintenanceView } from './maintenance-view.js';
import type { MonthCache } from './month-cache.js';
import { findOutages, type Outage, type ReasonedInterval } from './outages.js';

export type SubjectKind = 'target' | 'check' | 'group' | 'service';

export interface AvailabilityResult {
  subject: { kind: SubjectKind; name: string; target?: string; checkId?: string; agentId?: string };
  contract: string | null;
  policy: string;
  calendar: string;
  timeZone: string;
  /** How member states combine, and which members were used. */
  rule: string;
  members: string[];
  report: AvailabilityReport;
  outages: Outage[];
}

export class AvailabilityError extends Error {
  constructor(
    readonly code: 'not_found' | 'invalid',
    message: string,
  ) {
    super(message);
    this.name = 'AvailabilityError';
  }
}

/**
 * A fingerprint of a target's stored history: it changes with every transition (a new row, an interval ended) and every
 * rewrite of late results (rows replaced), so cached figures of the target are read again (month-cache.ts `stamp`).
 */
export async function historyStamp(store: Pick<SqlStore, 'db'>, target: string): Promise<string> {
  const row = await store.db
    .selectFrom('state_intervals')
    .select((eb) => [eb.fn.countAll<number>().as('rows'), eb.fn.max('id').as('last'), eb.fn.count<number>('end_ms').as('ended')])
    .where('target', '=', target)
    .executeTakeFirst();
  return `${row?.rows ?? 0}:${row?.last ?? 0}:${row?.ended ?? 0}`;
}

export interface AvailabilityServiceDeps {
  store: SqlStore;
  /** The SLA front door's current setup (asked at use time: a reload swaps it). */
  setup: () => SlaSetup;
  now: () => number;
  /** incidents.targets: each target's group. */
  targets?: Readonly<Record<string, { group?: string | undefined }>>;
  /** incidents.reachability: which checks tell that a whole target is up. Default: check type ping. */
  reachability?: { check_types: readonly string[]; check_ids: readonly string[] };
  services?: readonly ServiceConfig[];
  /** The windows in force and which apply to a target (maintenance-view.ts). */
  maintenance: MaintenanceView;
  /** Keeps what forTarget reads from the store per target and period (month-cache.ts); read every time without. */
  cache?: MonthCache;
}

interface Member {
  label: string;
  intervals: ReasonedInterval[];
  maintenance: Interval[];
}

export function createAvailabilityService(deps: AvailabilityServiceDeps) {
  const { store, setup, now } = deps;
  const intervals = createIntervalsRepo();
  const view = deps.maintenance;
  const reach = deps.reachability ?? { check_types: ['ping'], check_ids: [] };
  const targetConfig = deps.targets ?? {};
  const services = new Map((deps.services ?? []).map((s) => [s.name, s]));
  // Which checks a target has had, and which targets have history: read from the history itself (no repository
  // method answers these two).
  const checksOfTarget = (target: string): Promise<Array<{ agent_id: string; check_id: string; check_type: string }>> =>
    store.db
      .selectFrom('state_intervals')
      .select(['agent_id', 'check_id', 'check_type'])
      .distinct()
      .where('target', '=', target)
      .orderBy('agent_id')
      .orderBy('check_id')
      .orderBy('check_type')
      .execute();
  const allTargets = async (): Promise<string[]> => (await store.db.selectFrom('state_intervals').select('target').distinct().execute()).map((r) => r.target);

  const groupsOf = view.groupsOf;
  const targetsOfGroup = (group: string): string[] =>
    Object.entries(targetConfig)
      .filter(([, info]) => info.group === group)
      .map(([name]) => name)
      .sort();

  async function knownTarget(target: string): Promise<boolean> {
    return target in targetConfig || setup().contracts.some((c) => c.targets.includes(target)) || (await checksOfTarget(target)).length > 0;
  }

  function maintenanceOf(target: string, fromMs: number, toMs: number): Interval[] {
    return view.of(target, fromMs, toMs);
  }

  async function checkIntervals(target: string, checkId: string, agentId: string | undefined, fromMs: number, toMs: number): Promise<ReasonedInterval[][]> {
    const byAgent = new Map<string, ReasonedInterval[]>();
    for (const iv of await intervals.byTarget(store.db, target, fromMs, toMs)) {
      if (iv.checkId !== checkId || (agentId !== undefined && iv.agentId !== agentId)) continue;
      const list = byAgent.get(iv.agentId) ?? [];
      list.push({ startMs: iv.startMs, endMs: iv.endMs, state: iv.state, reason: iv.reason, ...(iv.finding ? { finding: iv.finding } : {}) });
      byAgent.set(iv.agentId, list);
    }
    return [...byAgent.values()];
  }

  /** The checks that decide a target's availability (reachability ones if it has any). */
  async function targetChecks(target: string): Promise<Array<{ agentId: string; checkId: string }>> {
    const all = await checksOfTarget(target);
    const reachable = all.filter((c) => reach.check_types.includes(c.check_type) || reach.check_ids.includes(c.check_id));
    return (reachable.length > 0 ? reachable : all).map((c) => ({ agentId: c.agent_id, checkId: c.check_id }));
  }

  async function targetMember(target: string, fromMs: number, toMs: number, checks?: Array<{ agentId: string; checkId: string }>): Promise<Member & { parts: ReasonedInterval[][] }> {
    const parts: ReasonedInterval[][] = [];
    for (const c of checks ?? (await targetChecks(target))) parts.push(...(await checkIntervals(target, c.checkId, c.agentId, fromMs, toMs)));
    const derived = parts.length === 1 ? (parts[0] as ReasonedInterval[]) : withReasons(deriveStateIntervals(parts, { mode: 'all' }, fromMs, toMs));
    return { label: target, intervals: derived, maintenance: maintenanceOf(target, fromMs, toMs), parts };
  }

  /** What a target's figures over [fromMs, toMs) are computed from: independent of `now`, so it can be cached. */
  async function targetInputs(target: string, fromMs: number, toMs: number): Promise<{ member: Member & { parts: ReasonedInterval[][] }; checks: string[] } | null> {
    const read = async () => {
      if (!(await knownTarget(target))) return null;
      const checks = await targetChecks(target);
      return { member: await targetMember(target, fromMs, toMs, checks), checks: checks.map((c) => `${c.agentId}/${c.checkId}`) };
    };
    return deps.cache ? deps.cache.get(target, fromMs, toMs, read) : read();
  }

  function contractFor(kind: SubjectKind, name: string, target?: string): Contract | null {
    if (kind === 'target' || kind === 'check') return resolvePolicy(setup(), target ?? name, groupsOf(target ?? name)).contract;
    if (kind === 'group') return setup().contracts.find((c) => c.groups.includes(name)) ?? null;
    return setup().contracts.find((c) => c.targets.includes(name)) ?? null;
  }

  function evaluate(
    subject: AvailabilityResult['subject'],
    rule: DerivationRule,
    members: ReadonlyArray<Member & { parts?: ReasonedInterval[][] }>,
    extraMaintenance: Interval[],
    fromMs: number,
    toMs: number,
  ): AvailabilityResult {
    if (!(fromMs < toMs)) throw new AvailabilityError('invalid', 'from must be before to');
    const contract = contractFor(subject.kind, subject.name, subject.target);
    const calendarName = contract?.calendar ?? '24x7';
    const calendar = getCalendar(setup(), calendarName);
    const window = availabilityWindow(calendar, fromMs, toMs, now());
    const end = window.toMs;
    const derived =
      members.length === 1 && rule.mode !== 'at_least' ? (members[0]?.intervals ?? []) : deriveStateIntervals(members.map((m) => m.intervals), rule, fromMs, Math.max(end, fromMs + 1));
    // The subject is in maintenance when every member is (or a window names the subject itself).
    let shared: Interval[] | null = null;
    for (const m of members) shared = shared === null ? mergeIntervals(m.maintenance) : intersectIntervals(shared, mergeIntervals(m.maintenance));
    const maintenance = mergeIntervals([...(shared ?? []), ...extraMaintenance]);
    const options = { targetPercent: contract?.availabilityTarget ?? 99.9, unknownPolicy: setup().unknownPolicy, warnCountsAsUp: setup().warnCountsAsUp };
    const report = computeAvailability(window, derived, maintenance, options);
    const outages = findOutages({
      derived,
      members: members.flatMap((m) => m.parts ?? [m.intervals]),
      scheduled: window.scheduled,
      maintenance,
      fromMs,
      toMs: end,
      warnCountsAsUp: setup().warnCountsAsUp,
    });
    return {
      subject,
      contract: contract?.name ?? null,
      policy: contract?.policy ?? setup().defaultPolicy,
      calendar: calendarName,
      timeZone: calendar.spec.timeZone,
      rule: describeRule(rule),
      members: members.map((m) => m.label),
      report,
      outages,
    };
  }

  const service = {
    async forTarget(target: string, fromMs: number, toMs: number): Promise<AvailabilityResult> {
      const inputs = await targetInputs(target, fromMs, toMs);
      if (!inputs) throw new AvailabilityError('not_found', `unknown target "${target}"`);
      return { ...evaluate({ kind: 'target', name: target }, { mode: 'all' }, [inputs.member], [], fromMs, toMs), members: inputs.checks };
    },

    async forCheck(agentId: string | undefined, target: string, checkId: string, fromMs: number, toMs: number): Promise<AvailabilityResult> {
      const parts = await checkIntervals(target, checkId, agentId, fromMs, toMs);
      const known = (await checksOfTarget(target)).some((c) => c.check_id === checkId && (agentId === undefined || c.agent_id === agentId));
      if (!known) throw new AvailabilityError('not_found', `unknown check "${checkId}" on target "${target}"${agentId ? ` of agent ${agentId}` : ''}`);
      const maintenance = maintenanceOf(target, fromMs, toMs);
      const members = parts.map((p, i) => ({ label: `${target}/${checkId}#${i}`, intervals: p, maintenance }));
      const subject = { kind: 'check' as const, name: `${target}/${checkId}`, target, checkId, ...(agentId ? { agentId } : {}) };
      return { ...evaluate(subject, { mode: 'all' }, members.length ? members : [{ label: checkId, intervals: [], maintenance }], [], fromMs, toMs), members: [`${target}/${checkId}`] };
    },

    async forGroup(group: string, fromMs: number, toMs: number): Promise<AvailabilityResult> {
      const targets = targetsOfGroup(group);
      if (targets.length === 0) throw new AvailabilityError('not_found', `unknown group "${group}" (groups come from incidents.targets.<name>.group)`);
      const members: Member[] = [];
      for (const t of targets) members.push(await targetMember(t, fromMs, toMs));
      const named = maintenanceIntervals(view.windows().filter((w) => w.groups.includes(group)), group, [group], fromMs, toMs);
      return evaluate({ kind: 'group', name: group }, { mode: 'all' }, members, named, fromMs, toMs);
    },

    async forService(name: string, fromMs: number, toMs: number): Promise<AvailabilityResult> {
      const def = services.get(name);
      if (!def) throw new AvailabilityError('not_found', `unknown service "${name}" (known: ${[...services.keys()].sort().join(', ') || 'none'})`);
      const members: Member[] = [];
      for (const t of def.members.targets) members.push(await targetMember(t, fromMs, toMs));
      for (const c of def.members.checks) {
        const parts = await checkIntervals(c.target, c.check_id, c.agent_id, fromMs, toMs);
        const intervalsOfCheck = parts.length === 1 ? (parts[0] as ReasonedInterval[]) : withReasons(deriveStateIntervals(parts, { mode: 'all' }, fromMs, toMs));
        members.push({ label: `${c.target}/${c.check_id}`, intervals: intervalsOfCheck, maintenance: maintenanceOf(c.target, fromMs, toMs) });
      }
      const named = maintenanceIntervals(view.windows().filter((w) => w.targets.includes(name)), name, [], fromMs, toMs);
      return evaluate({ kind: 'service', name }, derivationRuleOf(def.rule), members, named, fromMs, toMs);
    },

    /** [from, to) of a calendar month `YYYY-MM` in the subject's contract time zone; `check` names are `target/check_id`. */
    periodRange(kind: SubjectKind, name: string, period: string): { fromMs: number; toMs: number } {
      const target = kind === 'check' ? name.slice(0, Math.max(0, name.indexOf('/'))) : undefined;
      const contract = contractFor(kind, name, target);
      const range = monthPeriod(getCalendar(setup(), contract?.calendar ?? '24x7').spec.timeZone, period);
      if (!range) throw new AvailabilityError('invalid', `period must be ${PERIOD_FORMAT}, got "${period}"`);
      return range;
    },

    /** A calendar month `YYYY-MM` in the contract's time zone; `check` names are `target/check_id`. */
    async forPeriod(kind: SubjectKind, name: string, period: string): Promise<AvailabilityResult> {
      const range = service.periodRange(kind, name, period);
      if (kind === 'target') return service.forTarget(name, range.fromMs, range.toMs);
      if (kind === 'group') return service.forGroup(name, range.fromMs, range.toMs);
      if (kind === 'service') return service.forService(name, range.fromMs, range.toMs);
      const slash = name.indexOf('/');
      if (slash <= 0) throw new AvailabilityError('invalid', 'a check is named target/check_id');
      return service.forCheck(undefined, name.slice(0, slash), name.slice(slash + 1), range.fromMs, range.toMs);
    },

    /**
     * Targets of a contract: its listed targets plus the configured targets of its groups; for `all: true`, every
     * configured target and every target with state history that no other contract claims.
     */
    async contractMembers(contract: Contract): Promise<string[]> {
      const listed = [...contract.targets, ...contract.groups.flatMap(targetsOfGroup)];
      if (contract.all) {
        const every = [...Object.keys(targetConfig), ...(await allTargets())];
        listed.push(...every.filter((t) => resolvePolicy(setup(), t, groupsOf(t)).contract === contract));
      }
      return [...new Set(listed)].sort();
    },

    /** A target's derived state intervals and maintenance over [fromMs, toMs) (burn-rate alerts). */
    async targetTimeline(target: string, fromMs: number, toMs: number): Promise<{ intervals: ReasonedInterval[]; maintenance: Interval[] }> {
      const member = await targetMember(target, fromMs, toMs);
      return { intervals: member.intervals, maintenance: member.maintenance };
    },

    groupsOf,
  };
  return service;
}
export type AvailabilityService = ReturnType<typeof createAvailabilityService>;

/** Derived intervals carry no reason of their own (the member reasons are collected per outage). */
function withReasons(list: ReturnType<typeof deriveStateIntervals>): ReasonedInterval[] {
  return list.map((iv) => ({ ...iv, reason: '' }));
}
