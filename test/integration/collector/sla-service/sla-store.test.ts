/**
 * The SLA service's store behaviour on both engines (a SQLite file and a PostgreSQL cluster of the test's own): an
 * incident's recorded policy, pauses (one open at a time), extensions, fired marks counted once, maintenance windows
 * answered from memory and re-read; pauses, extensions and the scheduler writing the timeline through the journal.
 * On PostgreSQL, two schedulers on two pools of one database running the same pass at once fire an escalation
 * exactly once.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../../../common/logger.js';
import type { Timers } from '../../../../common/timers.js';
import type { IncidentNotice } from '../../../../collector/events.js';
import { insertIncident, listTimeline, UNSET_INCIDENT_FIELDS, type IncidentRecord } from '../../../../collector/incidents/repository.js';
import { slaConfigSchema } from '../../../../collector/sla/index.js';
import { createSlaFrontDoor, type SlaFrontDoor } from '../../../../collector/sla-service/front-door.js';
import { isUniqueViolation } from '../../../../collector/sla-service/incident-sla-store.js';
import { createMaintenanceStore } from '../../../../collector/sla-service/maintenance-store.js';
import { createPauses } from '../../../../collector/sla-service/pauses.js';
import { createExtensions } from '../../../../collector/sla-service/extensions.js';
import { createSlaScheduler } from '../../../../collector/sla-service/scheduler.js';
import { openSqlStore, type SqlStore } from '../../../../collector/store/sql/connect.js';
import { createIntervalsRepo } from '../../../../collector/store/sql/intervals-repo.js';
import { ENGINES, storeLocations, type Engine } from '../../../helpers/engines.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
// Monday 2026-10-05 10:00 Asia/Shanghai.
const T0 = Date.parse('2026-10-05T02:00:00Z');
const logger = createLogger({ level: 'silent' });

const SLA = slaConfigSchema.parse({
  escalations: { quick: { timer: 'resolution', levels: [{ after: '1h', name: 'team-lead', channels: ['lead-hook'] }, { after: '2h', name: 'director' }] } },
  policies: { gold: { extends: 'contract-003', resolution_starts: 'opened', extensions: ['P2'], severities: { P2: { response: '30m', resolution: '4h', escalation: 'quick' } } } },
  contracts: [{ name: 'acme', policy: 'gold', calendar: '24x7', availability_target: 99, members: { all: true } }],
});

/** Timers that never fire by themselves (passes are run explicitly). */
const idle: Timers = { setTimeout: () => ({}), clearTimeout: () => undefined };

const locations = storeLocations('sla');

async function openStore(driver: Engine): Promise<SqlStore> {
  return openSqlStore(await locations.location(driver));
}

let numbers = 0;
function openIncident(store: SqlStore, target = 'web-1'): Promise<IncidentRecord> {
  return insertIncident(store.db, {
    ...UNSET_INCIDENT_FIELDS,
    number: `INC-20261005-${String(++numbers).padStart(4, '0')}`,
    title: `${target} http down`,
    severity: 'P2',
    status: 'open',
    source: 'auto',
    dedupKey: `${target}:http:${numbers}`,
    target,
    checkId: 'http',
    checkType: 'http',
    startedAtMs: T0,
    openedAtMs: T0,
    updatedAtMs: T0,
  });
}

const frontDoor = (store: SqlStore, now: () => number): Promise<SlaFrontDoor> =>
  createSlaFrontDoor({ store, sla: SLA, incidents: { targets: { 'web-1': { group: 'shop', criticality: 'normal' } }, reachability: { check_types: ['ping'], check_ids: [] } }, services: [], now, logger });

function scheduler(store: SqlStore, front: SlaFrontDoor, now: () => number, notices: IncidentNotice[]) {
  return createSlaScheduler({ store, facts: front.facts, timers: front.timers, now, notify: (n) => void notices.push(n), logger, timerFunctions: idle, pollMs: null });
}

describe.each(ENGINES)('SLA store on %s', (driver) => {
  let store: SqlStore;
  let front: SlaFrontDoor;
  let clock = T0;
  const now = () => clock;
  beforeAll(async () => {
    store = await openStore(driver);
    front = await frontDoor(store, now);
  }, 60_000);
  afterAll(async () => {
    await store?.close();
  });

  it('records the policy an incident opened under once, with its terms', async () => {
    const r = await openIncident(store);
    expect(await front.facts.policyOf(store.db, r.id)).toBeNull();
    const first = await front.timers.policyOf(r);
    expect(first).toMatchObject({ contract: 'acme', policy: { name: 'gold' } });
    const stored = await front.facts.policyOf(store.db, r.id);
    expect(stored).toMatchObject({ policy: 'gold', contract: 'acme' });
    expect(JSON.parse(stored?.terms ?? 'null')).toMatchObject({ name: 'gold' });
    await front.facts.recordPolicy(store.db, r.id, 'other', null, '{}');
    expect(await front.facts.policyOf(store.db, r.id)).toEqual(stored);
  });

  it('fired marks count once', async () => {
    const r = await openIncident(store);
    expect(await front.facts.markFired(store.db, r.id, 'escalation', '0', T0 + HOUR)).toBe(true);
    expect(await front.facts.markFired(store.db, r.id, 'escalation', '0', T0 + 2 * HOUR)).toBe(false);
    expect(await front.facts.markFired(store.db, r.id, 'breach', 'response', T0 + HOUR)).toBe(true);
    expect(await front.facts.fired(store.db, r.id)).toEqual(new Map([['escalation:0', T0 + HOUR], ['breach:response', T0 + HOUR]]));
  });

  it('a fired mark in a rolled-back transaction is not kept', async () => {
    const r = await openIncident(store);
    await expect(
      store.transaction(async (trx) => {
        expect(await front.facts.markFired(trx, r.id, 'warning', 'response', T0)).toBe(true);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await front.facts.fired(store.db, r.id)).toEqual(new Map());
  });

  it('pauses: one open at a time (the index refuses a second), resumed once, audited on the timeline', async () => {
    const r = await openIncident(store);
    const changes: number[] = [];
    const pauses = createPauses({ store, facts: front.facts, now, changed: () => void changes.push(1) });
    clock = T0 + 10 * MIN;
    const paused = await pauses.pause(r.number, 'alice', 'waiting for the customer');
    expect(paused.updatedAtMs).toBe(T0 + 10 * MIN);
    await expect(pauses.pause(r.number, 'bob', 'again')).rejects.toThrow(`incident ${r.number} is already paused`);
    // The store itself: a second open pause violates the one-open-pause index on both engines.
    const second = await front.facts.pause(store.db, r.id, clock, 'direct', 'test').catch((error: unknown) => error);
    expect(isUniqueViolation(second)).toBe(true);
    clock = T0 + 40 * MIN;
    const resumed = await pauses.resume(r.number, 'alice', 'customer answered');
    expect(resumed.updatedAtMs).toBe(T0 + 40 * MIN);
    await expect(pauses.resume(r.number, 'alice')).rejects.toThrow(`incident ${r.number} is not paused`);
    expect(await front.facts.pauses(store.db, r.id)).toEqual([
      { id: expect.any(Number), startMs: T0 + 10 * MIN, endMs: T0 + 40 * MIN, reason: 'waiting for the customer', pausedBy: 'alice', resumedBy: 'alice' },
    ]);
    const timeline = (await listTimeline(store.db, r.id)).map((e) => [e.kind, e.atMs, e.data]);
    expect(timeline).toEqual([
      ['sla_paused', T0 + 10 * MIN, { reason: 'waiting for the customer' }],
      ['sla_resumed', T0 + 40 * MIN, { paused_ms: 30 * MIN, reason: 'waiting for the customer' }],
    ]);
    expect(changes).toHaveLength(2);
    // The 30 paused minutes do not count: the response clock is due 30 minutes later.
    expect((await front.timers.compute(resumed, clock)).response?.dueAtMs).toBe(T0 + 60 * MIN);
  });

  it('extensions move the resolution due, audited with before and after', async () => {
    const r = await openIncident(store);
    const extensions = createExtensions({ store, facts: front.facts, timers: front.timers, now, changed: () => undefined });
    clock = T0 + HOUR;
    const extended = await extensions.extend(r.number, 'alice', { extendMs: 2 * HOUR, approvedBy: 'customer rep', reason: 'spare part on its way' });
    expect(extended.updatedAtMs).toBe(T0 + HOUR);
    expect(await front.facts.extensions(store.db, r.id)).toEqual([
      { id: expect.any(Number), atMs: T0 + HOUR, extendMs: 2 * HOUR, approvedBy: 'customer rep', reason: 'spare part on its way', createdBy: 'alice' },
    ]);
    const entry = (await listTimeline(store.db, r.id)).find((e) => e.kind === 'sla_extended');
    expect(entry?.data).toEqual({ extend_ms: 2 * HOUR, approved_by: 'customer rep', resolution_due_before_ms: T0 + 4 * HOUR, resolution_due_after_ms: T0 + 6 * HOUR });
    expect((await front.timers.json(extended, clock)).resolution_due_at).toBe(new Date(T0 + 6 * HOUR).toISOString());
  });

  it('the scheduler fires each escalation level once, with its timeline entry, after commit', async () => {
    const r = await openIncident(store, 'web-9');
    const notices: IncidentNotice[] = [];
    const s = scheduler(store, front, now, notices);
    clock = T0 + HOUR;
    const sent = await s.evaluate();
    const mine = sent.filter((n) => n.incident.id === r.id).map((n) => [n.kind, n.detail]);
    expect(mine).toEqual([
      ['sla_breach', 'response'],
      ['escalated', 'team-lead'],
    ]);
    expect((await s.evaluate()).filter((n) => n.incident.id === r.id)).toEqual([]);
    const kinds = (await listTimeline(store.db, r.id)).map((e) => e.kind);
    expect(kinds).toEqual(['sla_breach', 'escalated']);
    expect(await front.facts.fired(store.db, r.id)).toEqual(
      new Map([
        ['breach:response', T0 + HOUR],
        ['warning:response', T0 + HOUR],
        ['escalation:0', T0 + HOUR],
      ]),
    );
  });

  it('maintenance windows: kept in memory, re-read to see another store’s edits', async () => {
    const mine = createMaintenanceStore();
    const theirs = createMaintenanceStore();
    await mine.load(store.db);
    await theirs.load(store.db);
    const before = mine.live().length;
    const added = await mine.add(store.db, {
      name: 'patching',
      reason: 'kernel update',
      targets: ['web-1'],
      groups: [],
      schedule: { kind: 'once', startMs: T0, endMs: T0 + HOUR },
      retroactive: false,
      createdBy: 'admin',
      createdAtMs: T0,
    });
    expect(mine.live().map((m) => m.id)).toContain(added.id);
    expect(await mine.get(store.db, added.id)).toEqual(added);
    // The other collector's view changes on its next load, and only then.
    expect(theirs.live()).toHaveLength(before);
    const version = theirs.version();
    await theirs.load(store.db);
    expect(theirs.live().map((m) => m.id)).toContain(added.id);
    expect(theirs.version()).toBe(version + 1);
    await theirs.load(store.db);
    expect(theirs.version()).toBe(version + 1);
    expect(await theirs.remove(store.db, added.id, 'admin', T0 + 5 * MIN)).toBe(true);
    expect(await theirs.remove(store.db, added.id, 'admin', T0 + 6 * MIN)).toBe(false);
    expect(theirs.live().map((m) => m.id)).not.toContain(added.id);
    expect((await mine.list(store.db, true)).find((m) => m.id === added.id)).toMatchObject({ deletedBy: 'admin', deletedAtMs: T0 + 5 * MIN });
    expect((await mine.list(store.db)).map((m) => m.id)).not.toContain(added.id);
  });

  it('the front door answers maintenance from memory after an add through its store', async () => {
    expect(front.inMaintenance('web-1', T0 + 10 * MIN)).toBe(false);
    await front.maintenance.add(store.db, {
      name: 'switch swap',
      reason: 'hardware',
      targets: [],
      groups: ['shop'],
      schedule: { kind: 'once', startMs: T0 + 2 * HOUR, endMs: T0 + 3 * HOUR },
      retroactive: false,
      createdBy: 'admin',
      createdAtMs: T0,
    });
    expect(front.inMaintenance('web-1', T0 + 2 * HOUR + MIN)).toBe(true);
    expect(front.inMaintenance('web-1', T0 + 3 * HOUR)).toBe(false);
  });
});

describe('two collectors on one PostgreSQL database', () => {
  it('two schedulers on two pools running the same pass at once fire an escalation exactly once', async () => {
    const url = await locations.database();
    const a = await openSqlStore({ kind: 'postgres', url });
    const b = await openSqlStore({ kind: 'postgres', url }, { migrations: false });
    try {
      const clock = () => T0 + HOUR;
      const frontA = await frontDoor(a, clock);
      const frontB = await frontDoor(b, clock);
      const incidents: IncidentRecord[] = [];
      for (let i = 0; i < 20; i++) incidents.push(await openIncident(a, `web-${i}`));
      const sentA: IncidentNotice[] = [];
      const sentB: IncidentNotice[] = [];
      const one = scheduler(a, frontA, clock, sentA);
      const two = scheduler(b, frontB, clock, sentB);
      await Promise.all([one.evaluate(), two.evaluate(), one.evaluate(), two.evaluate()]);
      const all = [...sentA, ...sentB];
      for (const r of incidents) {
        const escalated = all.filter((n) => n.incident.id === r.id && n.kind === 'escalated');
        expect(escalated, r.number).toHaveLength(1);
        expect(all.filter((n) => n.incident.id === r.id && n.kind === 'sla_breach'), r.number).toHaveLength(1);
        const timeline = (await listTimeline(a.db, r.id)).map((e) => e.kind).sort();
        expect(timeline, r.number).toEqual(['escalated', 'sla_breach']);
      }
      expect(all).toHaveLength(2 * incidents.length);
      // Another pass on either collector: nothing more.
      expect([...(await one.evaluate()), ...(await two.evaluate())]).toEqual([]);
    } finally {
      await a.close();
      await b.close();
    }
  }, 120_000);
});

describe('two collectors on one PostgreSQL database: what one writes, the other shows', () => {
  it('figures kept by one collector follow the history the other writes; maintenance after a re-read', async () => {
    const url = await locations.database();
    const a = await openSqlStore({ kind: 'postgres', url });
    const b = await openSqlStore({ kind: 'postgres', url }, { migrations: false });
    try {
      const clock = () => T0 + 2 * HOUR;
      const frontA = await frontDoor(a, clock);
      const frontB = await frontDoor(b, clock);
      const intervals = createIntervalsRepo();
      const step = (startMs: number, state: 'ok' | 'crit') =>
        intervals.transition(a.db, { agentId: 'a1', checkId: 'ping', checkType: 'ping', target: 'web-1', state, startMs, endMs: null, reason: state, cause: 'result' });
      await step(T0, 'ok');
      const before = await frontB.availability.forTarget('web-1', T0, T0 + 2 * HOUR);
      expect(before.report.downMs).toBe(0);
      expect((await frontB.availability.forTarget('web-1', T0, T0 + 2 * HOUR)).report.downMs).toBe(0);
      const kept = frontB.monthCache.stats().hits;
      expect(kept).toBeGreaterThan(0);
      // Collector A records an outage: B's kept figures are read again (no state change ever reached B).
      await step(T0 + HOUR, 'crit');
      await step(T0 + HOUR + 10 * MIN, 'ok');
      expect((await frontB.availability.forTarget('web-1', T0, T0 + 2 * HOUR)).report.downMs).toBe(10 * MIN);
      expect(frontB.monthCache.stats().hits).toBe(kept);

      await frontA.maintenance.add(a.db, {
        name: 'patching',
        reason: 'kernel',
        targets: ['web-1'],
        groups: [],
        schedule: { kind: 'once', startMs: T0 + 3 * HOUR, endMs: T0 + 4 * HOUR },
        retroactive: false,
        createdBy: 'admin',
        createdAtMs: T0,
      });
      expect(frontA.inMaintenance('web-1', T0 + 3 * HOUR)).toBe(true);
      expect(frontB.inMaintenance('web-1', T0 + 3 * HOUR)).toBe(false);
      await frontB.refreshMaintenance();
      expect(frontB.inMaintenance('web-1', T0 + 3 * HOUR)).toBe(true);
    } finally {
      await a.close();
      await b.close();
    }
  }, 120_000);
});

describe('scheduler passes (SQLite)', () => {
  it('one pass at a time: a timer during a pass is skipped, a change runs one more; stop waits; start again works', async () => {
    const store = await openStore('sqlite');
    try {
      let clock = T0;
      const now = () => clock;
      const front = await frontDoor(store, now);
      const armed: Array<{ callback: () => void }> = [];
      const timerFunctions: Timers = {
        setTimeout: (callback) => {
          const entry = { callback };
          armed.push(entry);
          return entry;
        },
        clearTimeout: (handle) => {
          const i = armed.indexOf(handle as { callback: () => void });
          if (i >= 0) armed.splice(i, 1);
        },
      };
      let computed = 0;
      const timers = { ...front.timers, compute: (...args: Parameters<typeof front.timers.compute>) => (computed++, front.timers.compute(...args)) };
      let hold: Promise<void> | null = null;
      const notices: IncidentNotice[] = [];
      const s = createSlaScheduler({
        store,
        facts: front.facts,
        timers,
        now,
        notify: async (n) => {
          notices.push(n);
          await hold;
        },
        logger,
        timerFunctions,
        pollMs: 10_000,
      });
      const first = await openIncident(store);
      // Not started: a change evaluates nothing and arms nothing.
      await s.changed();
      expect([computed, armed.length]).toEqual([0, 0]);
      await s.start();
      expect(computed).toBe(1);
      expect(armed).toHaveLength(1);
      expect(s.nextAtMs()).toBe(T0 + 24 * MIN);

      // A pass that blocks in the notice of a second incident's breach.
      clock = T0 + 31 * MIN;
      let release!: () => void;
      hold = new Promise<void>((resolve) => (release = resolve));
      const second = await openIncident(store);
      const changing = s.changed();
      await vi.waitFor(() => expect(notices.length).toBeGreaterThan(0));
      const during = computed;
      // The armed timer fires during the pass: skipped.
      armed.shift()?.callback();
      expect(computed).toBe(during);
      // A change during the pass: one more pass after it.
      const again = s.changed();
      release();
      hold = null;
      await Promise.all([changing, again]);
      expect(computed).toBe(1 + 2 + 2); // start, the blocked pass, the one after
      expect(notices.filter((n) => n.kind === 'sla_breach').map((n) => n.incident.id).sort()).toEqual([first.id, second.id].sort());
      expect(armed).toHaveLength(1);

      // stop waits for a running pass, disarms; changes do nothing until started again.
      hold = new Promise<void>((resolve) => (release = resolve));
      clock = T0 + HOUR;
      const escalating = s.changed();
      await vi.waitFor(() => expect(notices.some((n) => n.kind === 'escalated')).toBe(true));
      let stopped = false;
      const stopping = s.stop().then(() => (stopped = true));
      await new Promise((resolve) => setImmediate(resolve));
      expect(stopped).toBe(false);
      release();
      hold = null;
      await Promise.all([escalating, stopping]);
      expect(armed).toHaveLength(0);
      const count = computed;
      await s.changed();
      expect(computed).toBe(count);
      await s.start();
      expect(computed).toBe(count + 2);
      expect(armed).toHaveLength(1);
      await s.stop();
      expect(notices.filter((n) => n.kind === 'escalated')).toHaveLength(2);
    } finally {
      await store.close();
    }
  });
});
