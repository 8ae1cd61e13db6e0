/**
 * The ingest batch on a real store, both engines: one transaction per batch, dedupe in it, effects after the
 * commit; a batch the database aborted as a deadlock is run again from clean caches; a failed one leaves nothing
 * behind; one batch at a time, whoever submits.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { createLogger } from '../../../../common/logger.js';
import { PROTOCOL_VERSION, type EventMessage, type ResultMessage, type CheckState } from '../../../../common/protocol.js';
import { createProcessor, type IngestItem } from '../../../../collector/ingest/processor.js';
import { createLivenessMonitor } from '../../../../collector/liveness.js';
import { createCollectorMetrics } from '../../../../collector/metrics.js';
import { createStateTracker } from '../../../../collector/states/tracker.js';
import { createAgentsRepo } from '../../../../collector/store/sql/agents-repo.js';
import { createChecksRepo } from '../../../../collector/store/sql/checks-repo.js';
import { openSqlStore, type SqlStore } from '../../../../collector/store/sql/connect.js';
import { createIntervalsRepo } from '../../../../collector/store/sql/intervals-repo.js';
import { createObservationLogRepo } from '../../../../collector/store/sql/observation-log.js';
import { createSeqMarksRepo } from '../../../../collector/store/sql/seq-marks.js';
import type { Q } from '../../../../collector/store/sql/sql-helpers.js';
import { ENGINES, storeLocations, type Engine } from '../../../helpers/engines.js';

const T0 = Date.UTC(2026, 11, 4, 2, 0, 0);

const locations = storeLocations('processor');

const stores: SqlStore[] = [];
afterAll(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

async function openStore(driver: Engine): Promise<SqlStore> {
  const store = await openSqlStore(await locations.location(driver));
  stores.push(store);
  return store;
}

const result = (seq: number, state: CheckState, atMs: number, incarnation = 'k1'): IngestItem => {
  const message: ResultMessage = {
    v: PROTOCOL_VERSION,
    agent_id: 'web-1',
    seq,
    incarnation,
    check_id: 'http',
    check_type: 'http',
    target: 'shop',
    interval_s: 30,
    observed_at_ms: atMs,
    sent_at_ms: atMs,
    duration_ms: 12,
    state,
    message: `HTTP ${state}`,
    metrics: {},
  };
  return { type: 'message', decoded: { kind: 'results', agentId: 'web-1', message }, receivedAtMs: atMs + 5 };
};
const event = (seq: number, atMs: number, incarnation = 'k1'): IngestItem => {
  const message: EventMessage = { v: PROTOCOL_VERSION, agent_id: 'web-1', seq, incarnation, sent_at_ms: atMs, observed_at_ms: atMs, kind: 'log_match', message: `line ${seq}` };
  return { type: 'message', decoded: { kind: 'events', agentId: 'web-1', message }, receivedAtMs: atMs + 5 };
};

/** A deadlock as node-postgres reports it (SQLSTATE 40P01). */
const deadlock = () => Object.assign(new Error('deadlock detected'), { code: '40P01' });

function setup(store: SqlStore, hooks: { onEvent?: (q: Q, m: EventMessage) => Promise<void> | void } = {}) {
  const agents = createAgentsRepo();
  const checks = createChecksRepo();
  const intervals = createIntervalsRepo();
  const log = createObservationLogRepo();
  const seqMarks = createSeqMarksRepo({ now: () => T0 });
  const tracker = createStateTracker({ intervals, log, shared: store.dialect === 'postgres', confirmationsFor: () => 1, reorderWindowMs: 86_400_000, now: () => T0 + 600_000 });
  const journal: string[] = [];
  const notices: Array<{ kind: string; data: unknown }> = [];
  const registry = new Registry();
  const warnings: Array<{ key: string; obj: object; msg: string }> = [];
  const processor = createProcessor({
    store,
    agents,
    checks,
    seqMarks,
    tracker,
    liveness: createLivenessMonitor({ silenceFactor: 3 }),
    metrics: createCollectorMetrics(registry),
    logger: createLogger({ level: 'silent' }),
    skewWarnMs: 60_000,
    warn: (key, obj, msg) => void warnings.push({ key, obj, msg }),
    onEvent: async (q, m) => {
      journal.push(`event ${m.seq}`);
      await hooks.onEvent?.(q, m);
    },
    onAgentNotice: async (_q, _agentId, kind, _message, data) => void notices.push({ kind, data }),
    onCommitted: () => journal.push('committed'),
    onRolledBack: () => journal.push('rolled back'),
  });
  const history = async () => (await intervals.history(store.db, 'web-1', 'http', 0, 1e15)).map((i) => [i.state, i.startMs - T0, i.endMs === null ? null : i.endMs - T0]);
  return { processor, agents, checks, journal, notices, history, registry, warnings };
}

describe.each(ENGINES)('ingest processor on %s', (driver) => {
  it('one transaction per batch: duplicates dropped, seqs in any order applied once, state changes returned', async () => {
    const store = await openStore(driver);
    const t = setup(store);
    const first = await t.processor.processBatch([result(2, 'ok', T0 + 30_000), result(1, 'ok', T0), event(3, T0 + 31_000), result(2, 'ok', T0 + 30_000)]);
    expect(first.accepted.map((a) => a.message.seq)).toEqual([2, 1]);
    expect(first.changes).toMatchObject([{ agentId: 'web-1', checkId: 'http', from: null, to: 'ok', atMs: T0 + 30_000 }]);
    // A redelivery of the whole batch plus one new result: only the new one counts.
    const second = await t.processor.processBatch([result(1, 'ok', T0), result(2, 'ok', T0 + 30_000), event(3, T0 + 31_000), result(4, 'crit', T0 + 60_000)]);
    expect(second.accepted.map((a) => a.message.seq)).toEqual([4]);
    expect(second.changes).toMatchObject([{ from: 'ok', to: 'crit', atMs: T0 + 60_000 }]);
    expect(t.journal).toEqual(['event 3', 'committed', 'committed']);
    expect(await t.history()).toEqual([
      ['ok', 0, 60_000],
      ['crit', 60_000, null],
    ]);
    expect(await t.checks.get(store.db, 'web-1', 'http')).toMatchObject({ lastState: 'crit', lastObservedMs: T0 + 60_000, lastReceivedMs: T0 + 60_005 });
    expect(await t.agents.get(store.db, 'web-1')).toMatchObject({ lastSeenMs: T0 + 60_005, incarnation: 'k1' });
  });

  it('a batch the database aborted as a deadlock runs again from clean caches, and counts once', async () => {
    const store = await openStore(driver);
    let failures = 1;
    const t = setup(store, {
      onEvent: () => {
        if (failures-- > 0) throw deadlock();
      },
    });
    await t.processor.processBatch([result(1, 'ok', T0)]);
    const outcome = await t.processor.processBatch([result(2, 'crit', T0 + 30_000), event(3, T0 + 31_000), result(4, 'crit', T0 + 60_000)]);
    expect(t.journal).toEqual(['committed', 'event 3', 'rolled back', 'event 3', 'committed']);
    // Had a cache kept the aborted try's seqs or machine, these would be duplicates or no change.
    expect(outcome.accepted.map((a) => a.message.seq)).toEqual([2, 4]);
    expect(outcome.changes).toMatchObject([{ from: 'ok', to: 'crit', atMs: T0 + 30_000 }]);
    expect(await t.history()).toEqual([
      ['ok', 0, 30_000],
      ['crit', 30_000, null],
    ]);
    expect(await store.db.selectFrom('seen_seqs').select('seq').orderBy('seq').execute()).toEqual([{ seq: 1 }, { seq: 2 }, { seq: 3 }, { seq: 4 }]);
  });

  it('every batch is timed (outpost_ingest_batch_seconds); a slow one is logged with where its time went', async () => {
    const store = await openStore(driver);
    const t = setup(store, { onEvent: () => new Promise((r) => setTimeout(r, 1100)) });
    await t.processor.processBatch([result(1, 'ok', T0)]);
    expect(t.warnings.filter((w) => w.key === 'slow-batch')).toEqual([]);
    await t.processor.processBatch([result(2, 'ok', T0 + 30_000), event(3, T0 + 31_000)]);
    const slow = t.warnings.filter((w) => w.key === 'slow-batch');
    expect(slow).toHaveLength(1);
    const obj = slow[0]!.obj as { items: number; ms: number; phases_ms: Record<string, number> };
    expect(obj.items).toBe(2);
    expect(obj.ms).toBeGreaterThanOrEqual(1100);
    expect(Object.keys(obj.phases_ms)).toEqual(['lock', 'load', 'dedupe', 'apply', 'write', 'commit']);
    expect(obj.phases_ms.apply).toBeGreaterThanOrEqual(1050); // the event's handler ran in the apply phase
    const exposition = (await t.registry.metrics()).split('\n');
    expect(exposition).toContain('outpost_ingest_batch_seconds_count 2');
    expect(exposition).toContain('outpost_ingest_batch_seconds_bucket{le="1"} 1');
  });

  it('a failed batch leaves nothing behind and is not retried; the same messages apply later as new', async () => {
    const store = await openStore(driver);
    let fail = true;
    const t = setup(store, {
      onEvent: () => {
        if (fail) throw new Error('agent_events: disk full');
      },
    });
    await t.processor.processBatch([result(1, 'ok', T0)]);
    const batch = [result(2, 'crit', T0 + 30_000), event(3, T0 + 31_000)];
    await expect(t.processor.processBatch(batch)).rejects.toThrow('agent_events: disk full');
    expect(t.journal).toEqual(['committed', 'event 3', 'rolled back']);
    expect(await t.history()).toEqual([['ok', 0, null]]);
    expect(await store.db.selectFrom('seen_seqs').select('seq').execute()).toEqual([{ seq: 1 }]);
    fail = false;
    const outcome = await t.processor.processBatch(batch);
    expect(outcome.accepted.map((a) => a.message.seq)).toEqual([2]);
    expect(outcome.changes).toMatchObject([{ from: 'ok', to: 'crit' }]);
  });

  it('one batch at a time: a second batch starts only after the first committed', async () => {
    const store = await openStore(driver);
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let entered: () => void = () => undefined;
    const inFirst = new Promise<void>((resolve) => (entered = resolve));
    const t = setup(store, {
      onEvent: async (_q, m) => {
        if (m.seq !== 1) return;
        entered();
        await held;
      },
    });
    const first = t.processor.processBatch([event(1, T0)]);
    await inFirst;
    const second = t.processor.processBatch([event(2, T0 + 1000)]);
    // The second batch is queued behind the first (which waits inside its transaction) until it is released.
    await new Promise((resolve) => setImmediate(resolve));
    expect(t.journal).toEqual(['event 1']);
    release();
    await Promise.all([first, second]);
    expect(t.journal).toEqual(['event 1', 'committed', 'event 2', 'committed']);
  });

  it('a new incarnation is noticed inside the batch; a rolled-back notice is given again', async () => {
    const store = await openStore(driver);
    let failures = 1;
    const t = setup(store, {
      onEvent: () => {
        if (failures-- > 0) throw deadlock();
      },
    });
    await t.processor.processBatch([result(1, 'ok', T0, 'k1')]);
    await t.processor.processBatch([result(1, 'ok', T0 + 30_000, 'k2'), event(2, T0 + 31_000, 'k2')]);
    expect(t.notices).toEqual([
      { kind: 'agent_new_incarnation', data: { incarnation: 'k2', previous_incarnation: 'k1' } },
      { kind: 'agent_new_incarnation', data: { incarnation: 'k2', previous_incarnation: 'k1' } },
    ]);
    expect(await t.agents.get(store.db, 'web-1')).toMatchObject({ incarnation: 'k2' });
  });
});
