import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { incidentsConfigSchema } from '../../../../collector/incidents/config.js';
import {
  AGENT_CHECK_ID,
  agentKey,
  checkKey,
  contextNeeds,
  decide,
  dedupKeyFor,
  higherSeverity,
  type EngineContext,
  type IncidentSnapshot,
} from '../../../../collector/incidents/engine.js';
import type { StateChange } from '../../../../collector/events.js';

const T0 = Date.parse('2025-03-14T02:00:00Z');
const config = incidentsConfigSchema.parse({ targets: { 'db-1': { criticality: 'critical' } } });
const empty: EngineContext = { current: null, lastResolved: null, hosts: [], agentLost: null };

function change(overrides: Partial<StateChange> = {}): StateChange {
  return { agentId: 'web-1', target: 'web-1', checkId: 'disk-root', checkType: 'disk', from: 'ok', to: 'crit', atMs: T0, reason: 'disk 97% used', cause: 'result', ...overrides };
}
function snap(overrides: Partial<IncidentSnapshot> = {}): IncidentSnapshot {
  return { id: 7, number: 'INC-20250314-0001', status: 'open', severity: 'P2', checkId: 'disk-root', lastState: 'crit', parentId: null, isHost: false, autoResolve: true, resolvedAtMs: null, ...overrides };
}

describe('dedup keys', () => {
  it('target + check, or the agent for agent_offline', () => {
    expect(dedupKeyFor(change())).toBe(checkKey('web-1', 'disk-root'));
    expect(dedupKeyFor(change({ cause: 'agent_offline', agentId: 'a9' }))).toBe(agentKey('a9'));
    expect(checkKey('a|b', 'c')).not.toBe(checkKey('a', 'b|c'));
  });
});

describe('decide: opening', () => {
  it('a bad state without an incident opens one with the rule severity', () => {
    expect(decide(change(), empty, config)).toMatchObject([
      {
        kind: 'open',
        dedupKey: 'check:["web-1","disk-root"]',
        title: 'web-1 · disk-root — disk 97% used',
        agentId: 'web-1',
        target: 'web-1',
        checkId: 'disk-root',
        checkType: 'disk',
        state: 'crit',
        severity: 'P2',
        autoResolve: true,
        slaPolicy: null,
        isHost: false,
        parentId: null,
        startedAtMs: T0,
        rule: 'builtin[3]',
        reason: 'disk 97% used',
        silent: false,
      },
    ]);
  });
  it('severity follows target criticality', () => {
    expect(decide(change({ target: 'db-1' }), empty, config)[0]).toMatchObject({ severity: 'P1', rule: 'builtin[0]' });
  });
  it('ok without an incident does nothing', () => expect(decide(change({ from: 'crit', to: 'ok' }), empty, config)).toEqual([]));
  it('a rule with open:false opens nothing', () => {
    const quiet = incidentsConfigSchema.parse({ rules: [{ match: { check_type: 'disk' }, open: false }] });
    expect(decide(change(), empty, quiet)).toEqual([]);
  });
  it('disabled config does nothing', () => {
    expect(decide(change(), empty, incidentsConfigSchema.parse({ enabled: false }))).toEqual([]);
  });
  it('a reachability check opens a host incident', () => {
    expect(decide(change({ checkId: 'ping', checkType: 'ping' }), empty, config)[0]).toMatchObject({ kind: 'open', isHost: true });
    expect(decide(change({ checkId: 'http', checkType: 'http', reachability: true }), empty, config)[0]).toMatchObject({ isHost: true });
  });
  it('long reasons are cut to a 200-character title', () => {
    const [action] = decide(change({ reason: 'x'.repeat(500) }), empty, config);
    expect(action?.kind === 'open' && action.title.length).toBe(200);
  });
});

describe('decide: dedup and updates of the active incident', () => {
  it('a repeat of the same state changes nothing (idempotent replay)', () => {
    expect(decide(change(), { ...empty, current: snap() }, config)).toEqual([]);
  });
  it('a state change updates; severity rises but never falls automatically', () => {
    expect(decide(change({ from: 'crit', to: 'warn' }), { ...empty, current: snap() }, config)).toMatchObject([
      { kind: 'update', incidentId: 7, state: 'warn', severity: 'P2', severityRaised: false, reason: 'disk 97% used', silent: false },
    ]);
    expect(decide(change({ target: 'db-1' }), { ...empty, current: snap({ severity: 'P3', lastState: 'warn' }) }, config)).toMatchObject([
      { kind: 'update', incidentId: 7, state: 'crit', severity: 'P1', severityRaised: true, reason: 'disk 97% used', silent: false },
    ]);
  });
  it('severity rise alone (same state) is an update', () => {
    expect(decide(change({ target: 'db-1' }), { ...empty, current: snap() }, config)[0]).toMatchObject({ kind: 'update', severity: 'P1', severityRaised: true });
  });
  it('acknowledged incidents are updated the same way', () => {
    expect(decide(change({ to: 'unknown' }), { ...empty, current: snap({ status: 'acknowledged' }) }, config)[0]).toMatchObject({ kind: 'update', state: 'unknown' });
  });
  it('a state change on a key whose rule says open:false still updates the open incident', () => {
    const quiet = incidentsConfigSchema.parse({ rules: [{ match: { state: 'warn' }, open: false }] });
    expect(decide(change({ to: 'warn' }), { ...empty, current: snap() }, quiet)[0]).toMatchObject({ kind: 'update', state: 'warn', severity: 'P2' });
  });
});

describe('decide: recovery', () => {
  const ok = change({ from: 'crit', to: 'ok', reason: 'disk 60% used' });
  it('auto-resolves when the rule allows it', () => {
    expect(decide(ok, { ...empty, current: snap() }, config)).toMatchObject([
      { kind: 'resolve', incidentId: 7, cause: 'recovered', resolution: 'auto-resolved: disk 60% used', silent: false },
    ]);
  });
  it('auto-resolves acknowledged incidents too', () => {
    expect(decide(ok, { ...empty, current: snap({ status: 'acknowledged' }) }, config)[0]?.kind).toBe('resolve');
  });
  it('otherwise records the recovery and stays open for a person', () => {
    expect(decide(ok, { ...empty, current: snap({ autoResolve: false }) }, config)).toMatchObject([
      { kind: 'update', incidentId: 7, state: 'ok', severity: 'P2', severityRaised: false, reason: 'disk 60% used', silent: false },
    ]);
    expect(decide(ok, { ...empty, current: snap({ autoResolve: false, lastState: 'ok' }) }, config)).toEqual([]);
  });
  it('a folded child resolves silently', () => {
    expect(decide(ok, { ...empty, current: snap({ parentId: 3 }) }, config)[0]).toMatchObject({ kind: 'resolve', silent: true });
  });
});

describe('decide: reopen within the grace period (default 10m)', () => {
  const resolved = snap({ status: 'resolved', resolvedAtMs: T0 - 600_000, severity: 'P3' });
  it('reopens the same incident at exactly the grace boundary, keeping the higher severity', () => {
    expect(decide(change(), { ...empty, lastResolved: resolved }, config)).toMatchObject([
      { kind: 'reopen', incidentId: 7, state: 'crit', severity: 'P2', autoResolve: true, parentId: null, rule: 'builtin[3]', reason: 'disk 97% used', title: 'web-1 · disk-root — disk 97% used', silent: false },
    ]);
  });
  it('opens a new incident after the grace period', () => {
    expect(decide(change(), { ...empty, lastResolved: { ...resolved, resolvedAtMs: T0 - 600_001 } }, config)[0]?.kind).toBe('open');
  });
  it('honours a configured grace period', () => {
    const short = incidentsConfigSchema.parse({ grace_period: '1m' });
    expect(decide(change(), { ...empty, lastResolved: { ...resolved, resolvedAtMs: T0 - 61_000 } }, short)[0]?.kind).toBe('open');
    expect(decide(change(), { ...empty, lastResolved: { ...resolved, resolvedAtMs: T0 - 60_000 } }, short)[0]?.kind).toBe('reopen');
  });
  it('ignores a bad state that began before the last resolution (a person resolved it while the check stayed red)', () => {
    expect(decide(change(), { ...empty, lastResolved: { ...resolved, resolvedAtMs: T0 + 1 } }, config)).toEqual([]);
    expect(decide(change(), { ...empty, lastResolved: { ...resolved, resolvedAtMs: T0 } }, config)[0]?.kind).toBe('reopen');
  });
  it('a flap observed before the auto-resolution committed still reopens (the recovery was seen: last state ok)', () => {
    const autoResolved = { ...resolved, lastState: 'ok' as const, resolvedAtMs: T0 + 5 };
    expect(decide(change(), { ...empty, lastResolved: autoResolved }, config)[0]).toMatchObject({ kind: 'reopen', incidentId: 7 });
  });
  it('the reopened incident takes the title of its new cause', () => {
    const warn = change({ to: 'warn', reason: 'disk 85% used' });
    expect(decide(warn, { ...empty, lastResolved: resolved }, config)[0]).toMatchObject({ kind: 'reopen', title: 'web-1 · disk-root — disk 85% used' });
  });
});

describe('decide: an agent stopped gracefully', () => {
  it('is one incident per agent, titled stopped, P4 by the built-in rule', () => {
    const stopped = change({ cause: 'agent_stopped', agentId: 'a9', to: 'unknown', reason: 'agent stopped' });
    expect(dedupKeyFor(stopped)).toBe(agentKey('a9'));
    expect(decide(stopped, empty, config)[0]).toMatchObject({ kind: 'open', dedupKey: agentKey('a9'), title: 'a9: agent stopped', severity: 'P4', checkId: AGENT_CHECK_ID });
  });
});

describe('decide: folding under the host incident', () => {
  const pingDown = snap({ id: 3, checkId: 'ping', isHost: true, lastState: 'crit', severity: 'P2' });
  it('a new incident on a down host folds silently', () => {
    expect(decide(change(), { ...empty, hosts: [pingDown] }, config)[0]).toMatchObject({ kind: 'open', parentId: 3, silent: true });
  });
  it('a reopened incident on a down host folds too', () => {
    const resolved = snap({ status: 'resolved', resolvedAtMs: T0 - 1000 });
    expect(decide(change(), { ...empty, lastResolved: resolved, hosts: [pingDown] }, config)[0]).toMatchObject({ kind: 'reopen', parentId: 3, silent: true });
  });
  it('a host incident that is only warn (packet loss) does not fold', () => {
    expect(decide(change(), { ...empty, hosts: [{ ...pingDown, lastState: 'warn' }] }, config)[0]).toMatchObject({ parentId: null, silent: false });
  });
  it('the oldest top-level host incident is the parent; folded hosts are skipped', () => {
    const tcp = snap({ id: 2, checkId: 'tcp-ssh', isHost: true, lastState: 'crit', parentId: 1 });
    const http = snap({ id: 5, checkId: 'http', isHost: true, lastState: 'crit' });
    expect(decide(change(), { ...empty, hosts: [http, tcp, pingDown] }, config)[0]).toMatchObject({ parentId: 3 });
  });
  it('fold_under_host: false pages separately', () => {
    const noFold = incidentsConfigSchema.parse({ fold_under_host: false });
    expect(decide(change(), { ...empty, hosts: [pingDown] }, noFold)[0]).toMatchObject({ parentId: null, silent: false });
  });
  it('an existing incident is not folded retroactively', () => {
    expect(decide(change({ to: 'warn' }), { ...empty, current: snap(), hosts: [pingDown] }, config)[0]).toMatchObject({ kind: 'update', silent: false });
  });
});

describe('decide: agent lost', () => {
  const lost = change({ cause: 'agent_offline', to: 'unknown', from: 'ok', reason: 'last will', agentId: 'web-1' });
  it('opens one agent incident (host) instead of one per check', () => {
    expect(decide(lost, empty, config)).toMatchObject([
      expect.objectContaining({
        kind: 'open',
        dedupKey: 'agent:web-1',
        target: 'web-1',
        checkId: AGENT_CHECK_ID,
        checkType: AGENT_CHECK_ID,
        state: 'unknown',
        severity: 'P3',
        isHost: true,
        parentId: null,
        title: 'web-1: agent lost',
      }),
    ]);
  });
  it('further checks of the same lost agent change nothing', () => {
    const agentIncident = snap({ id: 9, checkId: AGENT_CHECK_ID, lastState: 'unknown', isHost: true, severity: 'P3' });
    expect(decide({ ...lost, checkId: 'cpu' }, { ...empty, current: agentIncident }, config)).toEqual([]);
  });
  it('a result from the agent resolves the agent incident, and the result is judged on its own', () => {
    const agentIncident = snap({ id: 9, checkId: AGENT_CHECK_ID, lastState: 'unknown', isHost: true, severity: 'P3' });
    const actions = decide(change({ from: 'unknown' }), { ...empty, agentLost: agentIncident, hosts: [agentIncident] }, config);
    expect(actions).toMatchObject([
      { kind: 'resolve', incidentId: 9, cause: 'recovered', resolution: 'auto-resolved: agent is publishing again', silent: false },
      expect.objectContaining({ kind: 'open', parentId: null, silent: false }),
    ]);
  });
  it('silence does not prove the agent is back', () => {
    const agentIncident = snap({ id: 9, checkId: AGENT_CHECK_ID, lastState: 'unknown', isHost: true });
    const actions = decide(change({ cause: 'silence', to: 'unknown' }), { ...empty, agentLost: agentIncident, hosts: [agentIncident] }, config);
    expect(actions).toEqual([expect.objectContaining({ kind: 'open', parentId: 9, silent: true })]);
  });
  it('a lost agent re-lost within grace reopens its incident', () => {
    const old = snap({ id: 9, checkId: AGENT_CHECK_ID, status: 'resolved', resolvedAtMs: T0 - 5000, severity: 'P3' });
    expect(decide(lost, { ...empty, lastResolved: old }, config)[0]).toMatchObject({ kind: 'reopen', incidentId: 9 });
  });
});

describe('properties', () => {
  const states = fc.constantFrom('ok', 'warn', 'crit', 'unknown' as const);
  it('never more than one open/reopen per change, and never when an incident is active for the key', () => {
    fc.assert(
      fc.property(states, fc.boolean(), fc.boolean(), (to, hasCurrent, hasResolved) => {
        const ctx: EngineContext = {
          ...empty,
          current: hasCurrent ? snap() : null,
          lastResolved: hasResolved ? snap({ id: 8, status: 'resolved', resolvedAtMs: T0 - 1 }) : null,
        };
        const creating = decide(change({ to }), ctx, config).filter((a) => a.kind === 'open' || a.kind === 'reopen');
        return creating.length <= 1 && (!hasCurrent || creating.length === 0);
      }),
    );
  });
  it('the context parts contextNeeds lets the service skip never change what decide does', () => {
    const causes = fc.constantFrom('result', 'agent_offline', 'agent_stopped', 'silence', 'agent_online' as const);
    const lastStates = fc.constantFrom('ok', 'warn', 'crit', 'unknown' as const);
    const maybe = <T,>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null });
    const incident = (id: number) =>
      fc.record({ lastState: lastStates, autoResolve: fc.boolean(), parentId: fc.constantFrom(null, 3), checkId: fc.constantFrom('disk-root', AGENT_CHECK_ID) }).map((o) => snap({ id, ...o }));
    const resolved = fc.record({ lastState: lastStates, ago: fc.integer({ min: -60_000, max: 3_600_000 }) }).map((o) => snap({ id: 8, status: 'resolved', lastState: o.lastState, resolvedAtMs: T0 - o.ago }));
    const notFolding = { ...config, fold_under_host: false };
    fc.assert(
      fc.property(states, causes, maybe(incident(7)), maybe(resolved), fc.array(incident(11), { maxLength: 2 }), maybe(incident(12)), (to, cause, current, lastResolved, hosts, agentLost) => {
        const c = change({ to, cause });
        const full: EngineContext = { current, lastResolved, hosts, agentLost };
        const needs = contextNeeds(c, current !== null);
        const lean: EngineContext = { current, lastResolved: needs.openingContext ? lastResolved : null, hosts: needs.openingContext ? hosts : [], agentLost: needs.agentLost ? agentLost : null };
        for (const cfg of [config, notFolding]) expect(decide(c, lean, cfg)).toEqual(decide(c, full, cfg));
      }),
      { numRuns: 2000 },
    );
  });
  it('higherSeverity is the max of P1 > P2 > P3 > P4', () => {
    const sev = fc.constantFrom('P1', 'P2', 'P3', 'P4' as const);
    fc.assert(fc.property(sev, sev, (a, b) => higherSeverity(a, b) === [a, b].sort()[0]));
  });
});
