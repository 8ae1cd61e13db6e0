/**
 * Agent events on the async store, on both drivers: the repository (dedupe by (agent, incarnation, seq), the
 * collector's own numbering — also when two collectors notice the same agent at once on PostgreSQL —, the pending
 * queue, filters, pruning) and the service's transaction hooks: an event is recorded inside the ingest's
 * transaction, its trap rule is applied only after `committed()`, a rollback leaves nothing, and traps left pending
 * by a crash are applied at start-up; with the incident service, linkDown opens, a repeat updates and linkUp
 * resolves (timeline in that order), and on PostgreSQL two collectors applying the same pending trap apply it once.
 * (The same through a whole collector over MQTT: traps.test.ts.)
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { PROTOCOL_VERSION, type EventMessage } from '../../../../common/protocol.js';
import { createLogger } from '../../../../common/logger.js';
import { eventsConfigSchema } from '../../../../collector/agent-events/config.js';
import { incidentsConfigSchema } from '../../../../collector/incidents/config.js';
import { createIncidentService } from '../../../../collector/incidents/service.js';
import { createAgentEventsService } from '../../../../collector/agent-events/service.js';
import { COLLECTOR_INCARNATION, createEventsRepo } from '../../../../collector/agent-events/store.js';
import { openSqlStore, type SqlStore } from '../../../../collector/store/sql/connect.js';
import { storeLocations } from '../../../helpers/engines.js';
import { linkDown, linkUp } from './support.js';

const T0 = Date.UTC(2026, 11, 4, 2, 0, 0);
const DAY = 86_400_000;
const logger = createLogger({ level: 'silent' });

const stores = storeLocations('events');
async function openStore(driver: 'sqlite' | 'postgres'): Promise<{ store: SqlStore; location: Parameters<typeof openSqlStore>[0] }> {
  const location = await stores.location(driver);
  return { store: await openSqlStore(location), location };
}

const event = (seq: number, over: Partial<EventMessage> = {}): EventMessage => ({
  v: PROTOCOL_VERSION,
  agent_id: 'sw-agent',
  seq,
  observed_at_ms: T0 + seq * 1000,
  sent_at_ms: T0 + seq * 1000 + 5,
  kind: 'spool_dropped',
  message: `event ${seq}`,
  data: { dropped: seq },
  ...over,
});

describe.each(['sqlite', 'postgres'] as const)('agent events on %s', (driver) => {
  let store: SqlStore;
  let location: Parameters<typeof openSqlStore>[0];
  beforeEach(async () => {
    ({ store, location } = await openStore(driver));
    return () => store.close();
  }, 60_000);
  const repo = createEventsRepo();

  it('stores each (agent, incarnation, seq) once; lists newest first with every filter; epoch ms come back as numbers', async () => {
    const q = store.db;
    expect(await repo.insert(q, event(1), T0 + 1000, T0 + 1100, false)).toBe(true);
    expect(await repo.insert(q, event(1, { message: 'redelivered' }), T0 + 1000, T0 + 1200, false)).toBe(false);
    expect(await repo.insert(q, event(1, { incarnation: 'k3f9' }), T0 + 1000, T0 + 1300, false)).toBe(true);
    expect(await repo.insert(q, event(2, { kind: 'snmp_trap', target: 'edge-sw1', check_id: 'traps', data: undefined }), T0 + 2000, T0 + 2100, true)).toBe(true);
    expect(await repo.insert(q, event(3, { target: 'edge-sw2' }), T0 + 3000, T0 + 3100, false)).toBe(true);
    expect(await repo.insert(q, event(4, { agent_id: 'other' }), T0 + 4000, T0 + 4100, false)).toBe(true);
    expect(await repo.count(q)).toBe(5);

    const all = await repo.list(q, { fromMs: 0, toMs: T0 + DAY, limit: 100 });
    expect(all.map((e) => [e.agentId, e.seq, e.incarnation])).toEqual([['other', 4, ''], ['sw-agent', 3, ''], ['sw-agent', 2, ''], ['sw-agent', 1, 'k3f9'], ['sw-agent', 1, '']]);
    expect(all[4]).toEqual({
      id: expect.any(Number), agentId: 'sw-agent', incarnation: '', seq: 1, kind: 'spool_dropped', target: null, checkId: null, message: 'event 1',
      data: { dropped: 1 }, observedAtMs: T0 + 1000, sentAtMs: T0 + 1005, receivedAtMs: T0 + 1100, pending: false, action: null, rule: null, incidentId: null, incidentNumber: null,
    });
    expect(all[2]).toMatchObject({ kind: 'snmp_trap', target: 'edge-sw1', checkId: 'traps', data: null, pending: true });
    expect((await repo.list(q, { fromMs: 0, toMs: T0 + DAY, limit: 2 })).map((e) => e.seq)).toEqual([4, 3]);
    expect((await repo.list(q, { target: 'edge-sw1', fromMs: 0, toMs: T0 + DAY, limit: 100 })).map((e) => e.seq)).toEqual([2]);
    expect((await repo.list(q, { agentId: 'other', fromMs: 0, toMs: T0 + DAY, limit: 100 })).map((e) => e.seq)).toEqual([4]);
    expect((await repo.list(q, { kind: 'snmp_trap', fromMs: 0, toMs: T0 + DAY, limit: 100 })).map((e) => e.seq)).toEqual([2]);
    expect((await repo.list(q, { fromMs: T0 + 2000, toMs: T0 + 3000, limit: 100 })).map((e) => e.seq)).toEqual([2]);
  });

  it('numbers the collector\'s own events per agent in their own incarnation', async () => {
    await repo.insertCollector(store.db, 'sw-agent', 'incarnation', 'restarted', { from: 'a', to: 'b' }, T0);
    await repo.insertCollector(store.db, 'sw-agent', 'incarnation', 'restarted again', { from: 'b', to: 'c' }, T0 + 1);
    await repo.insertCollector(store.db, 'db-agent', 'incarnation', 'restarted', { from: null, to: 'x' }, T0 + 2);
    const listed = await repo.list(store.db, { fromMs: 0, toMs: T0 + DAY, limit: 10 });
    expect(listed.map((e) => [e.agentId, e.incarnation, e.seq, e.message])).toEqual([
      ['db-agent', COLLECTOR_INCARNATION, 1, 'restarted'],
      ['sw-agent', COLLECTOR_INCARNATION, 2, 'restarted again'],
      ['sw-agent', COLLECTOR_INCARNATION, 1, 'restarted'],
    ]);
    expect(listed[2]).toMatchObject({ data: { from: 'a', to: 'b' }, observedAtMs: T0, sentAtMs: T0, receivedAtMs: T0, pending: false });
  });

  it('pending traps oldest first; handled ones carry their outcome and the incident number; prune keeps pending ones', async () => {
    const q = store.db;
    for (const seq of [1, 2, 3]) await repo.insert(q, linkDown('sw-agent', seq, 'edge-sw1', seq), T0 - 40 * DAY, T0 - 40 * DAY, true);
    await repo.insert(q, event(4), T0 - 40 * DAY, T0 - 40 * DAY, false);
    await repo.insert(q, event(5), T0, T0, false);
    const pending = await repo.pending(q, 10);
    expect(pending.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect((await repo.pending(q, 2)).map((e) => e.seq)).toEqual([1, 2]);
    expect(await repo.isPending(q, pending[0]!.id)).toBe(true);

    await sql`INSERT INTO incidents (number, title, severity, status, source, started_at_ms, opened_at_ms, updated_at_ms)
              VALUES ('INC-20261204-0001', 'link down', 'P2', 'open', 'auto', ${T0}, ${T0}, ${T0})`.execute(q);
    const incident = await sql<{ id: number }>`SELECT id FROM incidents WHERE number = 'INC-20261204-0001'`.execute(q);
    await repo.markHandled(q, pending[0]!.id, { action: 'open', rule: 'builtin[0]', incidentId: incident.rows[0]!.id });
    await repo.markHandled(q, pending[1]!.id, { action: 'record', rule: 'builtin[2]', incidentId: null });
    expect(await repo.isPending(q, pending[0]!.id)).toBe(false);
    expect((await repo.pending(q, 10)).map((e) => e.seq)).toEqual([3]);
    const handled = (await repo.list(q, { kind: 'snmp_trap', fromMs: 0, toMs: T0 + DAY, limit: 10 })).find((e) => e.seq === 1);
    expect(handled).toMatchObject({ pending: false, action: 'open', rule: 'builtin[0]', incidentId: incident.rows[0]!.id, incidentNumber: 'INC-20261204-0001' });

    // Old and handled: seqs 1, 2 (traps) and 4; the pending trap 3 and the recent 5 stay.
    expect(await repo.prune(q, T0 - 30 * DAY)).toBe(3);
    expect((await repo.list(q, { fromMs: 0, toMs: T0 + DAY, limit: 10 })).map((e) => e.seq)).toEqual([5, 3]);
  });

  it('the service records inside the ingest transaction and applies trap rules only after committed()', async () => {
    const config = eventsConfigSchema.parse({});
    const events = createAgentEventsService({ store, config, logger, now: () => T0 });
    // A batch that rolls back: nothing stored, nothing applied.
    await expect(store.transaction(async (trx) => {
      await events.record(trx, linkDown('sw-agent', 1, 'edge-sw1', 3), T0);
      throw new Error('batch failed');
    })).rejects.toThrow('batch failed');
    events.rolledBack();
    events.committed();
    await events.settled();
    expect(await events.list({ fromMs: 0, toMs: T0 + DAY, limit: 10 })).toEqual([]);

    // A batch that commits: stored pending, applied (record only: no incident service) after committed().
    await store.transaction(async (trx) => {
      await events.record(trx, linkDown('sw-agent', 1, 'edge-sw1', 3), T0 + 5000);
      await events.record(trx, event(2), T0 + 5000);
      await events.notice(trx, 'sw-agent', 'incarnation', 'restarted', { from: 'a', to: 'b' }, T0 + 5000);
    });
    expect((await repo.pending(store.db, 10)).map((e) => e.seq)).toEqual([1]);
    events.committed();
    await events.settled();
    expect(await repo.pending(store.db, 10)).toEqual([]);
    const listed = await events.list({ fromMs: 0, toMs: T0 + DAY, limit: 10 });
    // Newest first: the trap (observed later than received: dated at its receipt) and the notice share T0 + 5000.
    expect(listed.map((e) => [e.kind, e.seq, e.action, e.rule])).toEqual([
      ['incarnation', 1, null, null],
      ['snmp_trap', 1, 'record', 'builtin[0]'],
      ['spool_dropped', 2, null, null],
    ]);
    await events.stop();
  });

  it('traps left pending by a crash are applied at start-up, one pass at a time', async () => {
    const q = store.db;
    for (const seq of [1, 2, 3]) await repo.insert(q, linkDown('sw-agent', seq, 'edge-sw1', seq), T0, T0, true);
    const events = createAgentEventsService({ store, config: eventsConfigSchema.parse({}), logger, now: () => T0 });
    // Commits signalled while start-up applies: joined into the same serial passes.
    const started = events.start();
    events.committed();
    await started;
    await events.settled();
    expect(await repo.pending(q, 10)).toEqual([]);
    expect((await events.list({ fromMs: 0, toMs: T0 + DAY, limit: 10 })).map((e) => e.action)).toEqual(['record', 'record', 'record']);
    await events.stop();
  });

  /** The agent-events service of one collector on `on`, with the incident service on the same store. */
  function collectorOn(on: SqlStore, clock: () => number) {
    const incidents = createIncidentService({ store: on, config: incidentsConfigSchema.parse({}), now: clock, logger, notify: () => undefined });
    const events = createAgentEventsService({ store: on, config: eventsConfigSchema.parse({}), incidents, logger, now: clock });
    return { incidents, events };
  }
  async function ingest(events: ReturnType<typeof collectorOn>['events'], message: EventMessage, atMs: number): Promise<void> {
    await store.transaction((trx) => events.record(trx, message, atMs));
    events.committed();
    await events.settled();
  }

  it('trap rules through the incident service: open, update, resolve, each on the incident\'s timeline in order', async () => {
    let clock = T0;
    const { incidents, events } = collectorOn(store, () => clock);
    await ingest(events, linkDown('sw-agent', 1, 'edge-sw1', 3, 'Gi0/3'), T0);
    clock = T0 + 60_000;
    await ingest(events, linkDown('sw-agent', 2, 'edge-sw1', 3, 'Gi0/3'), clock);
    clock = T0 + 120_000;
    await ingest(events, linkUp('sw-agent', 3, 'edge-sw1', 3, 'Gi0/3'), clock);
    await ingest(events, linkUp('sw-agent', 4, 'edge-sw1', 9), clock);

    const listed = (await events.list({ fromMs: 0, toMs: T0 + DAY, limit: 10 })).sort((a, b) => a.seq - b.seq);
    expect(listed.map((e) => [e.seq, e.action, e.rule])).toEqual([[1, 'open', 'builtin[0]'], [2, 'update', 'builtin[0]'], [3, 'resolve', 'builtin[1]'], [4, 'record', 'builtin[1]']]);
    const number = listed[0]!.incidentNumber;
    expect(number).not.toBeNull();
    expect(listed.slice(0, 3).every((e) => e.incidentNumber === number)).toBe(true);
    const detail = await incidents.get(number!);
    expect(detail).toMatchObject({ status: 'resolved', severity: 'P2', target: 'edge-sw1', cause: 'link up (trap)', updatedAtMs: T0 + 120_000 });
    expect(detail!.timeline.map((t) => t.kind)).toEqual(['opened', 'trap', 'trap', 'trap', 'resolved']);
    expect(detail!.timeline[2]).toMatchObject({ actor: 'system', atMs: T0 + 60_000, data: { seq: 2, trap: 'linkDown', if_index: 3, interface: 'Gi0/3 (ifIndex 3)' } });
    await events.stop();
  });

  if (driver === 'postgres') {
    it('two collectors applying the same pending traps at once apply each once', async () => {
      const other = await openSqlStore(location, { migrations: false });
      try {
        for (const seq of [1, 2, 3]) await repo.insert(store.db, linkDown('sw-agent', seq, `edge-sw${seq}`, 1), T0, T0, true);
        const a = collectorOn(store, () => T0);
        const b = collectorOn(other, () => T0);
        await Promise.all([a.events.applyPending(), b.events.applyPending()]);
        const listed = await a.events.list({ fromMs: 0, toMs: T0 + DAY, limit: 10 });
        expect(listed.map((e) => e.action)).toEqual(['open', 'open', 'open']);
        const { items } = await a.incidents.list({ limit: 10, offset: 0 });
        expect(items).toHaveLength(3);
        for (const incident of items) {
          const detail = await a.incidents.get(incident.number);
          expect(detail!.timeline.map((t) => t.kind)).toEqual(['opened', 'trap']);
        }
      } finally {
        await other.close();
      }
    });

    it('two collectors noticing the same agent at once number its events without a collision', async () => {
      const other = await openSqlStore(location, { migrations: false });
      try {
        const both = [store, other];
        await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            both[i % 2]!.transaction(async (trx) => {
              await repo.insertCollector(trx, 'sw-agent', 'incarnation', `restart ${i}`, { i }, T0 + i);
            }),
          ),
        );
        const seqs = (await repo.list(store.db, { fromMs: 0, toMs: T0 + DAY, limit: 20 })).map((e) => e.seq).sort((a, b) => a - b);
        expect(seqs).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      } finally {
        await other.close();
      }
    });
  }
});
