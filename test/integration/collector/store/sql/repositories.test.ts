/**
 * The async repositories (collector/store/sql) on both drivers, each through the operations the collector uses, with
 * the answers the synchronous modules they replaced gave (those were compared answer for answer until they went).
 * Times are real 2026 epoch milliseconds (beyond INTEGER on PostgreSQL: they must come back as the same numbers).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { PROTOCOL_VERSION, type InventoryMessage, type StatusMessage } from '../../../../../common/protocol.js';
import { createAgentsRepo, type AgentRow } from '../../../../../collector/store/sql/agents-repo.js';
import { createChecksRepo, type CheckRow } from '../../../../../collector/store/sql/checks-repo.js';
import { openSqlStore, type SqlStore } from '../../../../../collector/store/sql/connect.js';
import { nextIncidentNumberAsync } from '../../../../../collector/store/sql/incident-numbers.js';
import { createIntervalsRepo, type NewInterval } from '../../../../../collector/store/sql/intervals-repo.js';
import { createObservationLogRepo } from '../../../../../collector/store/sql/observation-log.js';
import { createSeqMarksRepo } from '../../../../../collector/store/sql/seq-marks.js';
import { ENGINES, storeLocations, type Engine } from '../../../../helpers/engines.js';

const T0 = Date.UTC(2026, 11, 4, 2, 0, 0); // 2026-12-04 10:00 Asia/Shanghai
const locations = storeLocations('repo');

async function openStore(driver: Engine): Promise<SqlStore> {
  return openSqlStore(await locations.location(driver));
}

const status = (state: 'online' | 'offline', reason?: string): StatusMessage => ({
  v: PROTOCOL_VERSION,
  agent_id: 'web-1',
  state,
  ...(reason ? { reason } : {}),
  sent_at_ms: T0,
  agent_version: '1.2.0',
  hostname: 'web-1.example',
  checks: [{ check_id: 'cpu', check_type: 'host', target: 'web-1', interval_s: 60 }],
});
const inventory: InventoryMessage = {
  v: PROTOCOL_VERSION,
  agent_id: 'web-1',
  sent_at_ms: T0,
  agent_version: '1.2.1',
  hostname: 'web-1.example',
  os: { platform: 'linux', distro: 'Debian', release: '12', kernel: '6.1', arch: 'x64' },
  hardware: { manufacturer: 'QEMU', model: 'Standard PC', serial: 'X1' },
  cpu: { model: 'vCPU', cores: 2, physical_cores: 2 },
  memory_bytes: 8_589_934_592,
  disks: [],
  interfaces: [],
};

describe.each(ENGINES)('async store repositories on %s', (driver) => {
  let store: SqlStore;
  beforeEach(async () => {
    store = await openStore(driver);
    return async () => {
      await store.close();
    };
  }, 60_000);

  it('agents: status, touch, inventory, skew, incarnation', async () => {
    const repo = createAgentsRepo();
    const q = store.db;
    await repo.setStatus(q, status('online'), T0 + 1000);
    await repo.touch(q, 'web-1', T0 + 500); // older: last_seen_ms never goes back
    await repo.touch(q, 'web-1', T0 + 2000);
    await repo.setInventory(q, inventory, T0 + 1500);
    // The ingest's batch write: last seen (never back) and the skew of the agents it measured; others keep theirs.
    await repo.touchMany(q, new Map([['web-1', T0 + 1800]]), new Map([['web-1', 12.6]]));
    await repo.touchMany(q, new Map([['web-1', T0 + 1900]]));
    await repo.setIncarnation(q, 'web-1', 'k3f9', T0 + 3000);
    await repo.touch(q, 'db-1', T0);
    const web: AgentRow = {
      agentId: 'web-1',
      hostname: 'web-1.example',
      agentVersion: '1.2.1',
      online: true,
      statusReason: null,
      statusAtMs: T0 + 1000,
      lastSeenMs: T0 + 2000,
      skewMs: 13,
      checks: [{ check_id: 'cpu', check_type: 'host', target: 'web-1', interval_s: 60 }],
      inventory,
      inventoryAtMs: T0 + 1500,
      incarnation: 'k3f9',
      incarnationAtMs: T0 + 3000,
    };
    const dbAgent: AgentRow = { agentId: 'db-1', hostname: null, agentVersion: null, online: false, statusReason: null, statusAtMs: null, lastSeenMs: T0, skewMs: null, checks: [], inventory: null, inventoryAtMs: null, incarnation: null, incarnationAtMs: null };
    expect(await repo.list(q)).toEqual([dbAgent, web]);
    expect(await repo.get(q, 'web-1')).toEqual(web);
    expect(await repo.get(q, 'nope')).toBeNull();
    expect((await repo.incarnations(q, ['web-1'])).get('web-1')).toBe('k3f9');
    expect((await repo.incarnations(q, ['db-1'])).get('db-1')).toBeNull();
    // Many at once (a batch's prefetch): a known agent without one is null, an unknown one absent.
    expect(await repo.incarnations(q, ['web-1', 'db-1', 'nope'])).toEqual(new Map([['web-1', 'k3f9'], ['db-1', null]]));
    expect(await repo.incarnations(q, [])).toEqual(new Map());
    expect(await repo.countOnline(q)).toBe(1);
    await repo.setStatus(q, status('offline', 'lost'), T0 + 4000);
    expect(await repo.countOnline(q)).toBe(0);
    expect(await repo.list(q)).toEqual([dbAgent, { ...web, agentVersion: '1.2.0', online: false, statusReason: 'lost', statusAtMs: T0 + 4000, lastSeenMs: T0 + 4000 }]);
  });

  it('checks: the in-order hot path, a changed descriptor and an older result', async () => {
    const repo = createChecksRepo();
    const row = (over: Partial<CheckRow>): CheckRow => ({
      agentId: 'web-1',
      checkId: 'http',
      checkType: 'http',
      target: 'shop',
      intervalS: 30.5,
      lastObservedMs: T0,
      lastReceivedMs: T0 + 10,
      lastState: 'ok',
      lastMessage: 'HTTP 200',
      lastMetrics: { duration_ms: 12.25 },
      ...over,
    });
    const rows = [
      row({}),
      row({ lastObservedMs: T0 + 30_000, lastReceivedMs: T0 + 30_010, lastState: 'crit', lastMessage: 'HTTP 503', lastCode: 'http.status', lastParams: { status: 503 } }),
      // An older result: received later, but the latest result stays the one observed last.
      row({ lastObservedMs: T0 + 15_000, lastReceivedMs: T0 + 40_000, lastState: 'warn', lastMessage: 'late' }),
      row({ target: 'shop-v2', lastObservedMs: T0 + 60_000, lastReceivedMs: T0 + 60_010 }),
      row({ agentId: 'db-1', checkId: 'disk', checkType: 'host', target: 'db-1', lastMetrics: {} }),
    ];
    for (const r of rows) await repo.record(store.db, r);
    const http: CheckRow = { ...row({ target: 'shop-v2', lastObservedMs: T0 + 60_000, lastReceivedMs: T0 + 60_010 }), lastCode: null, lastParams: null };
    const disk: CheckRow = { ...row({ agentId: 'db-1', checkId: 'disk', checkType: 'host', target: 'db-1', lastMetrics: {} }), lastCode: null, lastParams: null };
    expect(await repo.all(store.db)).toEqual([disk, http]);
    expect(await repo.byAgent(store.db, 'web-1')).toEqual([http]);
    expect(await repo.get(store.db, 'web-1', 'http')).toEqual(http);
    expect(await repo.get(store.db, 'web-1', 'nope')).toBeNull();
    // After the crit (with its finding) the older "late" result changed the receive time only.
    const other = createChecksRepo();
    await other.record(store.db, rows[1]!);
    await other.record(store.db, { ...rows[2]!, agentId: 'x', checkId: 'y' });
    await other.record(store.db, { ...rows[1]!, agentId: 'x', checkId: 'y' });
    await other.record(store.db, { ...rows[2]!, agentId: 'x', checkId: 'y', lastReceivedMs: T0 + 50_000 });
    expect(await other.get(store.db, 'x', 'y')).toEqual({ ...rows[1]!, agentId: 'x', checkId: 'y', lastReceivedMs: T0 + 50_000 });
  });

  it('checks and agents: the per-batch writes (many rows a statement) end as row-by-row writes do', async () => {
    const checks = createChecksRepo();
    const row = (agentId: string, checkId: string, over: Partial<CheckRow> = {}): CheckRow => ({
      agentId,
      checkId,
      checkType: 'tcp',
      target: `${agentId}.example`,
      intervalS: 60,
      lastObservedMs: T0,
      lastReceivedMs: T0 + 5,
      lastState: 'ok',
      lastMessage: 'open',
      lastMetrics: { connect_ms: 1.5 },
      ...over,
    });
    // Three batches over 600 checks (more than one statement's worth): new, in order with a finding, and older.
    const batches = [
      Array.from({ length: 600 }, (_, i) => row(`a${i % 60}`, `c${Math.floor(i / 60)}`)),
      Array.from({ length: 600 }, (_, i) => row(`a${i % 60}`, `c${Math.floor(i / 60)}`, { lastObservedMs: T0 + 60_000, lastReceivedMs: T0 + 60_005, lastState: 'crit', lastMessage: 'refused', lastCode: 'tcp.refused', lastParams: { port: 443 } })),
      Array.from({ length: 300 }, (_, i) => row(`a${i % 60}`, `c${Math.floor(i / 60)}`, { target: 'moved', lastObservedMs: T0 + 30_000, lastReceivedMs: T0 + 90_000, lastState: 'warn' })),
    ];
    const other = await openStore(driver);
    try {
      for (const list of batches) {
        await store.transaction((trx) => checks.recordMany(trx, list));
        for (const r of list) await checks.record(other.db, r);
      }
      const all = await checks.all(store.db);
      expect(all).toHaveLength(600);
      expect(all).toEqual(await checks.all(other.db));
      expect(await checks.get(store.db, 'a0', 'c0')).toEqual({ ...batches[1]![0]!, target: 'moved', lastReceivedMs: T0 + 90_000 });
      const agents = createAgentsRepo();
      await agents.touchMany(store.db, new Map(Array.from({ length: 1200 }, (_, i) => [`agent-${i}`, T0 + i] as const)));
      await agents.touchMany(store.db, new Map([['agent-7', T0 + 5000], ['agent-8', T0]]));
      expect(await agents.get(store.db, 'agent-7')).toMatchObject({ lastSeenMs: T0 + 5000 });
      expect(await agents.get(store.db, 'agent-8')).toMatchObject({ lastSeenMs: T0 + 8 });
      expect(await agents.list(store.db)).toHaveLength(1200);
    } finally {
      await other.close();
    }
  });

  it('intervals: transitions, history, byTarget, all and a rewrite from a late result', async () => {
    const repo = createIntervalsRepo();
    const iv = (state: 'ok' | 'crit' | 'unknown', startMs: number, checkId = 'http', target = 'shop'): NewInterval => ({
      agentId: 'web-1',
      checkId,
      checkType: 'http',
      target,
      state,
      startMs,
      endMs: null,
      reason: `${state} at ${startMs - T0}`,
      cause: 'result',
    });
    for (const next of [iv('ok', T0), iv('crit', T0 + 60_000), iv('ok', T0 + 120_000), iv('unknown', T0, 'ping', 'web-1'), iv('ok', T0 + 5000, 'ping', 'web-1'), iv('crit', T0 + 7000, 'disk', 'db-1')]) {
      await repo.transition(store.db, next);
    }
    const brief = (list: Array<{ checkId: string; state: string; startMs: number; endMs: number | null }>) => list.map((i) => [i.checkId, i.state, i.startMs - T0, i.endMs === null ? null : i.endMs - T0]);
    // openAll has no order (the caller keys it by check).
    const openSorted = async () => brief(await repo.openAll(store.db)).sort((x, y) => String(x[0]).localeCompare(String(y[0])));
    expect(await openSorted()).toEqual([
      ['disk', 'crit', 7000, null],
      ['http', 'ok', 120_000, null],
      ['ping', 'ok', 5000, null],
    ]);
    expect(await repo.openNotOk(store.db)).toEqual([{ ...iv('crit', T0 + 7000, 'disk', 'db-1'), id: 6, finding: null }]);
    expect(await repo.open(store.db, 'web-1', 'http')).toEqual({ ...iv('ok', T0 + 120_000), id: 3, finding: null });
    expect(await repo.open(store.db, 'web-1', 'nope')).toBeNull();
    expect(await repo.lastBefore(store.db, 'web-1', 'http', T0 + 90_000)).toEqual({ ...iv('crit', T0 + 60_000), id: 2, endMs: T0 + 120_000, finding: null });
    expect(brief(await repo.history(store.db, 'web-1', 'http', T0 + 30_000, T0 + 100_000))).toEqual([
      ['http', 'ok', 0, 60_000],
      ['http', 'crit', 60_000, 120_000],
    ]);
    expect(brief(await repo.byTarget(store.db, 'shop', T0, T0 + 200_000))).toEqual([
      ['http', 'ok', 0, 60_000],
      ['http', 'crit', 60_000, 120_000],
      ['http', 'ok', 120_000, null],
    ]);
    expect(brief(await repo.all(store.db, T0, T0 + 200_000))).toEqual([
      ['disk', 'crit', 7000, null],
      ['http', 'ok', 0, 60_000],
      ['http', 'crit', 60_000, 120_000],
      ['http', 'ok', 120_000, null],
      ['ping', 'unknown', 0, 5000],
      ['ping', 'ok', 5000, null],
    ]);
    // A late result at +90 s rewrites from there: crit until +90 s, unknown until +100 s, then ok.
    const previous = await repo.lastBefore(store.db, 'web-1', 'http', T0 + 90_000);
    const next = [{ ...iv('unknown', T0 + 90_000), endMs: T0 + 100_000 }, iv('ok', T0 + 100_000)];
    await store.transaction((trx) => repo.replaceFrom(trx, 'web-1', 'http', T0 + 90_000, previous, next));
    expect(brief(await repo.history(store.db, 'web-1', 'http', T0, T0 + 200_000))).toEqual([
      ['http', 'ok', 0, 60_000],
      ['http', 'crit', 60_000, 90_000],
      ['http', 'unknown', 90_000, 100_000],
      ['http', 'ok', 100_000, null],
    ]);
    expect(await openSorted()).toEqual([
      ['disk', 'crit', 7000, null],
      ['http', 'ok', 100_000, null],
      ['ping', 'ok', 5000, null],
    ]);
  });

  it('observation log: append, batched extensions, rewrite and prune', async () => {
    const repo = createObservationLogRepo();
    const run = (state: 'ok' | 'crit', firstMs: number) => ({ state, cause: 'result' as const, firstMs, lastMs: firstMs, count: 1, reason: state });
    let a = await repo.append(store.db, 'web-1', 'http', run('ok', T0));
    for (let i = 1; i <= 3; i++) a = repo.extend(a, T0 + i * 1000);
    // Extensions stay in memory until persist (inside the batch transaction).
    expect((await store.db.selectFrom('observation_runs').select('count').executeTakeFirstOrThrow()).count).toBe(1);
    await store.transaction((trx) => repo.persist(trx));
    expect(await repo.last(store.db, 'web-1', 'http')).toEqual({ id: 1, state: 'ok', cause: 'result', firstMs: T0, lastMs: T0 + 3000, count: 4, reason: 'ok', finding: null });
    await repo.append(store.db, 'web-1', 'http', run('crit', T0 + 10_000));
    await repo.append(store.db, 'db-1', 'disk', run('ok', T0));
    const brief = (list: Array<{ id: number; state: string; firstMs: number; lastMs: number; count: number }>) => list.map((r) => [r.id, r.state, r.firstMs - T0, r.lastMs - T0, r.count]);
    expect(brief(await repo.loadFrom(store.db, 'web-1', 'http', T0))).toEqual([
      [1, 'ok', 0, 3000, 4],
      [2, 'crit', 10_000, 10_000, 1],
    ]);
    // A pending extension is written before a read, a rewrite or a prune sees the table.
    repo.extend({ ...run('ok', T0), id: 3 }, T0 + 500);
    const replaced = await repo.replaceFrom(store.db, 'web-1', 'http', T0 + 5000, [run('crit', T0 + 5000), run('ok', T0 + 20_000)]);
    expect(brief(replaced)).toEqual([
      [4, 'crit', 5000, 5000, 1],
      [5, 'ok', 20_000, 20_000, 1],
    ]);
    expect(brief(await repo.loadFrom(store.db, 'db-1', 'disk', 0))).toEqual([[3, 'ok', 0, 500, 2]]);
    // Pruning keeps each check's newest run whatever its age.
    expect(await repo.prune(store.db, T0 + 30_000)).toBe(2);
    expect(brief(await repo.loadFrom(store.db, 'web-1', 'http', 0))).toEqual([[5, 'ok', 20_000, 20_000, 1]]);
    expect(brief(await repo.loadFrom(store.db, 'db-1', 'disk', 0))).toEqual([[3, 'ok', 0, 500, 2]]);
    // The newest run of many checks at once (the highest id per check), pending extensions written first.
    repo.extend((await repo.last(store.db, 'web-1', 'http'))!, T0 + 25_000);
    const newest = await repo.newest(store.db, [{ agentId: 'web-1', checkId: 'http' }, { agentId: 'db-1', checkId: 'disk' }, { agentId: 'nope', checkId: 'x' }]);
    expect([...newest.keys()].sort()).toEqual(['db-1\u0000disk', 'web-1\u0000http']);
    expect(newest.get('web-1\u0000http')).toEqual(await repo.last(store.db, 'web-1', 'http'));
    expect(newest.get('web-1\u0000http')).toMatchObject({ id: 5, lastMs: T0 + 25_000, count: 2 });
    expect(newest.get('db-1\u0000disk')).toEqual(await repo.last(store.db, 'db-1', 'disk'));
    // Many pending extensions (one run per check in a batch) are written together.
    const more = [];
    for (let i = 0; i < 1500; i++) more.push(await repo.append(store.db, `bulk-${i}`, 'c', run('ok', T0)));
    for (const r of more) repo.extend(repo.extend(r, T0 + 1000), T0 + 2000 + r.id);
    await store.transaction((trx) => repo.persist(trx));
    expect(await repo.last(store.db, 'bulk-0', 'c')).toMatchObject({ lastMs: T0 + 2000 + more[0]!.id, count: 3 });
    expect(await repo.last(store.db, 'bulk-1499', 'c')).toMatchObject({ lastMs: T0 + 2000 + more[1499]!.id, count: 3 });
  });

  it('seq marks: new / seen / below_floor, incarnations, the highest seq, pruning into floors', async () => {
    let now = T0;
    const repo = createSeqMarksRepo({ now: () => now, windowMs: 60_000 });
    const verdicts: string[] = [];
    const offer = async (seq: number, incarnation?: string) => {
      verdicts.push(
        await store.transaction(async (trx) => {
          const v = await repo.accept(trx, 'web-1', 'results', seq, incarnation, now);
          await repo.persist(trx);
          return v;
        }),
      );
    };
    for (const seq of [1, 2, 5, 3, 5, 2]) await offer(seq);
    await offer(1, 'inc-b');
    expect(await repo.highest(store.db, 'web-1', 'results')).toBe(5);
    expect(await repo.highest(store.db, 'web-1', 'results', 'inc-b')).toBe(1);
    expect(await repo.knows(store.db, 'web-1', 'inc-b')).toBe(true);
    expect(await repo.knows(store.db, 'web-1', 'inc-c')).toBe(false);
    // Beyond the window: the rows are pruned into the floor; a seq below it is then 'below_floor'.
    now = T0 + 120_000;
    await offer(9);
    now = T0 + 240_000;
    await offer(10);
    await offer(4);
    expect(verdicts).toEqual(['new', 'new', 'new', 'new', 'seen', 'seen', 'new', 'new', 'new', 'below_floor']);
    const floors = await store.db.selectFrom('seq_floors').selectAll().orderBy('stream').execute();
    expect(floors).toEqual([
      { agent_id: 'web-1', stream: 'results', floor_seq: 9 },
      { agent_id: 'web-1', stream: 'results@inc-b', floor_seq: 1 },
    ]);
    expect(await repo.highest(store.db, 'web-1', 'results')).toBe(10);
  });

  it('a transaction that throws leaves nothing behind; one that resolves commits everything', async () => {
    const repo = createIntervalsRepo();
    const interval: NewInterval = { agentId: 'web-1', checkId: 'http', checkType: 'http', target: 'shop', state: 'crit', startMs: T0, endMs: null, reason: 'HTTP 503', cause: 'result' };
    await expect(
      store.transaction(async (trx) => {
        await repo.transition(trx, interval);
        expect(await repo.openAll(trx)).toHaveLength(1);
        throw new Error('disk full');
      }),
    ).rejects.toThrow('disk full');
    expect(await repo.openAll(store.db)).toEqual([]);
    await store.transaction((trx) => repo.transition(trx, interval));
    expect(await repo.openAll(store.db)).toMatchObject([{ state: 'crit', startMs: T0, endMs: null }]);
  });

  it('incident numbers: per contract day, unique under concurrent transactions', async () => {
    const asyncNumbers: string[] = [];
    for (const at of [T0, T0 + 1000, T0 + 86_400_000]) {
      asyncNumbers.push(await store.transaction((trx) => nextIncidentNumberAsync(trx, at)));
    }
    expect(asyncNumbers).toEqual(['INC-20261204-0001', 'INC-20261204-0002', 'INC-20261205-0001']);
    const concurrent = await Promise.all(Array.from({ length: 20 }, () => store.transaction((trx) => nextIncidentNumberAsync(trx, T0))));
    expect(new Set(concurrent).size).toBe(20);
    expect([...concurrent].sort()).toEqual(Array.from({ length: 20 }, (_, i) => `INC-20261204-${String(i + 3).padStart(4, '0')}`));
    // A rolled-back transaction gives its number back.
    await expect(
      store.transaction(async (trx) => {
        await nextIncidentNumberAsync(trx, T0);
        throw new Error('insert failed');
      }),
    ).rejects.toThrow('insert failed');
    expect(await store.transaction((trx) => nextIncidentNumberAsync(trx, T0))).toBe('INC-20261204-0023');
  });

  it('epoch milliseconds and COUNT(*) come back as numbers; an int8 beyond 2^53 is an error, never a rounded number', async () => {
    await createAgentsRepo().touch(store.db, 'web-1', 8_640_000_000_000_000);
    const row = await store.db.selectFrom('agents').select(['last_seen_ms']).executeTakeFirstOrThrow();
    expect(row.last_seen_ms).toBe(8_640_000_000_000_000);
    const { rows } = await sql<{ n: number }>`SELECT COUNT(*) AS n FROM agents`.execute(store.db);
    expect(rows).toEqual([{ n: 1 }]);
    await sql`UPDATE agents SET last_seen_ms = 9007199254740993`.execute(store.db);
    if (driver === 'postgres') {
      await expect(store.db.selectFrom('agents').select('last_seen_ms').execute()).rejects.toThrow('int8 value 9007199254740993 is beyond Number.MAX_SAFE_INTEGER');
    } else {
      // better-sqlite3 without safeIntegers() rounds silently (as the synchronous store did).
      expect((await store.db.selectFrom('agents').select('last_seen_ms').executeTakeFirstOrThrow()).last_seen_ms).toBe(9007199254740992);
    }
  });
});

describe('incident numbers with two collectors on one PostgreSQL', () => {
  it('two pools racing on one day never hand out the same number', async () => {
    const url = await locations.database();
    const [a, b] = await Promise.all([openSqlStore({ kind: 'postgres', url }, { poolSize: 5 }), openSqlStore({ kind: 'postgres', url }, { migrations: false, poolSize: 5 })]);
    try {
      const take = (s: SqlStore) =>
        s.transaction(async (trx) => {
          const number = await nextIncidentNumberAsync(trx, T0);
          // Work after the allocation while holding it, as an incident insert would.
          await sql`SELECT COUNT(*) FROM incident_number_sequences`.execute(trx);
          return number;
        });
      const numbers = await Promise.all(Array.from({ length: 60 }, (_, i) => take(i % 2 === 0 ? a : b)));
      expect(new Set(numbers).size).toBe(60);
      expect([...numbers].sort()).toEqual(Array.from({ length: 60 }, (_, i) => `INC-20261204-${String(i + 1).padStart(4, '0')}`));
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  }, 60_000);
});

describe('dedupe with two collectors on one PostgreSQL ($share redelivers one seq to both)', () => {
  it('each seq is accepted by exactly one of two pools offering the same seqs at once', async () => {
    const url = await locations.database();
    const [a, b] = await Promise.all([openSqlStore({ kind: 'postgres', url }, { poolSize: 5 }), openSqlStore({ kind: 'postgres', url }, { migrations: false, poolSize: 5 })]);
    const marksA = createSeqMarksRepo({ now: () => T0 });
    const marksB = createSeqMarksRepo({ now: () => T0 });
    try {
      const offer = (s: SqlStore, marks: ReturnType<typeof createSeqMarksRepo>, seq: number) =>
        s.transaction(async (trx) => {
          const verdict = await marks.accept(trx, 'web-1', 'results', seq, 'k3f9', T0);
          await marks.persist(trx);
          return verdict;
        });
      const seqs = Array.from({ length: 40 }, (_, i) => i + 1);
      const verdicts = await Promise.all(seqs.flatMap((seq) => [offer(a, marksA, seq).then((v) => [seq, v] as const), offer(b, marksB, seq).then((v) => [seq, v] as const)]));
      const accepted = verdicts.filter(([, v]) => v === 'new').map(([seq]) => seq).sort((x, y) => x - y);
      expect(accepted).toEqual(seqs);
      expect(verdicts.filter(([, v]) => v === 'seen')).toHaveLength(40);
      const { rows } = await sql<{ n: number; max_seq: number }>`SELECT COUNT(*) AS n, (SELECT max_seq FROM seq_marks) AS max_seq FROM seen_seqs`.execute(a.db);
      expect(rows).toEqual([{ n: 40, max_seq: 40 }]);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  }, 60_000);
});
