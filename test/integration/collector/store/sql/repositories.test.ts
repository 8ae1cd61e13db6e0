/**
 * The async repositories (collector/store/sql) on both drivers: each one is run side by side with the synchronous
 * store it ports (collector/store/*.ts on a SQLite file) through the same operations, and must answer the same.
 * Times are real 2026 epoch milliseconds (beyond INTEGER on PostgreSQL: they must come back as the same numbers).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { PROTOCOL_VERSION, type InventoryMessage, type StatusMessage } from '../../../../../common/protocol.js';
import { createAgentsStore } from '../../../../../collector/store/agents-store.js';
import { createChecksStore, type CheckRow } from '../../../../../collector/store/checks-store.js';
import { openDatabase, type Db } from '../../../../../collector/store/db.js';
import { createIntervalsStore, type NewInterval } from '../../../../../collector/store/intervals-store.js';
import { createObservationLog } from '../../../../../collector/store/observation-log.js';
import { createSeqMarks } from '../../../../../collector/store/seq-marks.js';
import { nextIncidentNumber } from '../../../../../collector/incidents/numbering.js';
import { createAgentsRepo } from '../../../../../collector/store/sql/agents-repo.js';
import { createChecksRepo } from '../../../../../collector/store/sql/checks-repo.js';
import { openSqlStore, type SqlStore } from '../../../../../collector/store/sql/connect.js';
import { nextIncidentNumberAsync } from '../../../../../collector/store/sql/incident-numbers.js';
import { createIntervalsRepo } from '../../../../../collector/store/sql/intervals-repo.js';
import { createObservationLogRepo } from '../../../../../collector/store/sql/observation-log.js';
import { createSeqMarksRepo } from '../../../../../collector/store/sql/seq-marks.js';
import { startPostgres, type PostgresServer } from '../../../../helpers/postgres.js';

const T0 = Date.UTC(2026, 11, 4, 2, 0, 0); // 2026-12-04 10:00 Asia/Shanghai
const tmp = () => mkdtempSync(join(tmpdir(), 'outpost-sql-repo-'));

let server: PostgresServer | undefined;
let databases = 0;
beforeAll(async () => {
  server = await startPostgres();
}, 180_000);
afterAll(async () => {
  await server?.stop();
}, 60_000);

async function openStore(driver: 'sqlite' | 'postgres'): Promise<SqlStore> {
  if (driver === 'sqlite') return openSqlStore({ kind: 'sqlite', file: join(tmp(), 'async.db') });
  if (!server) throw new Error('no PostgreSQL test cluster');
  return openSqlStore({ kind: 'postgres', url: await server.createDatabase(`repo_${++databases}`) });
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

describe.each(['sqlite', 'postgres'] as const)('async store repositories on %s', (driver) => {
  let store: SqlStore;
  let db: Db;
  beforeEach(async () => {
    store = await openStore(driver);
    db = openDatabase(join(tmp(), 'sync.db'));
    return async () => {
      db.close();
      await store.close();
    };
  }, 60_000);

  it('agents: status, touch, inventory, skew, incarnation answer as the synchronous store does', async () => {
    const repo = createAgentsRepo();
    const sync = createAgentsStore(db);
    const q = store.db;
    const steps: Array<[() => Promise<void>, () => void]> = [
      [() => repo.setStatus(q, status('online'), T0 + 1000), () => sync.setStatus(status('online'), T0 + 1000)],
      [() => repo.touch(q, 'web-1', T0 + 500), () => sync.touch('web-1', T0 + 500)],
      [() => repo.touch(q, 'web-1', T0 + 2000), () => sync.touch('web-1', T0 + 2000)],
      [() => repo.setInventory(q, inventory, T0 + 1500), () => sync.setInventory(inventory, T0 + 1500)],
      [() => repo.setSkew(q, 'web-1', 12.6), () => sync.setSkew('web-1', 12.6)],
      [() => repo.setIncarnation(q, 'web-1', 'k3f9', T0 + 3000), () => sync.setIncarnation('web-1', 'k3f9', T0 + 3000)],
      [() => repo.touch(q, 'db-1', T0), () => sync.touch('db-1', T0)],
    ];
    for (const [a, s] of steps) {
      await a();
      s();
    }
    expect(await repo.list(q)).toEqual(sync.list());
    expect(await repo.get(q, 'web-1')).toMatchObject({ lastSeenMs: T0 + 2000, skewMs: 13, incarnation: 'k3f9', online: true, agentVersion: '1.2.1' });
    expect(await repo.get(q, 'nope')).toBeNull();
    expect(await repo.incarnation(q, 'web-1')).toBe('k3f9');
    expect(await repo.countOnline(q)).toBe(1);
    await repo.setStatus(q, status('offline', 'lost'), T0 + 4000);
    sync.setStatus(status('offline', 'lost'), T0 + 4000);
    expect(await repo.countOnline(q)).toBe(sync.countOnline());
    expect(await repo.list(q)).toEqual(sync.list());
  });

  it('checks: the in-order hot path, a changed descriptor and an older result answer as the synchronous store does', async () => {
    const repo = createChecksRepo();
    const sync = createChecksStore(db);
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
      row({ lastObservedMs: T0 + 30_000, lastReceivedMs: T0 + 30_010, lastState: 'crit', lastMessage: 'HTTP 503' }),
      row({ lastObservedMs: T0 + 15_000, lastReceivedMs: T0 + 40_000, lastState: 'warn', lastMessage: 'late' }),
      row({ target: 'shop-v2', lastObservedMs: T0 + 60_000, lastReceivedMs: T0 + 60_010 }),
      row({ agentId: 'db-1', checkId: 'disk', checkType: 'host', target: 'db-1', lastMetrics: {} }),
    ];
    for (const r of rows) {
      await repo.record(store.db, r);
      sync.record(r);
    }
    expect(await repo.all(store.db)).toEqual(sync.all());
    expect(await repo.byAgent(store.db, 'web-1')).toEqual(sync.byAgent('web-1'));
    expect(await repo.get(store.db, 'web-1', 'http')).toEqual(sync.get('web-1', 'http'));
    expect(await repo.get(store.db, 'web-1', 'nope')).toBeNull();
  });

  it('intervals: transitions, history, byTarget, all and a rewrite from a late result answer as the synchronous store does', async () => {
    const repo = createIntervalsRepo();
    const sync = createIntervalsStore(db);
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
      sync.transition(next);
    }
    const compare = async () => {
      expect(await repo.openAll(store.db)).toEqual(sync.openAll());
      expect(await repo.openNotOk(store.db)).toEqual(sync.openNotOk());
      expect((await repo.openNotOk(store.db)).map((i) => i.checkId)).toEqual(['disk']);
      expect(await repo.open(store.db, 'web-1', 'http')).toEqual(sync.open('web-1', 'http'));
      expect(await repo.lastBefore(store.db, 'web-1', 'http', T0 + 90_000)).toEqual(sync.lastBefore('web-1', 'http', T0 + 90_000));
      expect(await repo.history(store.db, 'web-1', 'http', T0 + 30_000, T0 + 100_000)).toEqual(sync.history('web-1', 'http', T0 + 30_000, T0 + 100_000));
      expect(await repo.byTarget(store.db, 'shop', T0, T0 + 200_000)).toEqual(sync.byTarget('shop', T0, T0 + 200_000));
      expect(await repo.all(store.db, T0, T0 + 200_000)).toEqual(sync.all(T0, T0 + 200_000));
    };
    await compare();
    expect((await repo.history(store.db, 'web-1', 'http', T0, T0 + 200_000)).map((i) => [i.state, i.endMs])).toEqual([
      ['ok', T0 + 60_000],
      ['crit', T0 + 120_000],
      ['ok', null],
    ]);
    // A late result at +90 s rewrites from there: crit continues until +90 s, then warn-ish ok from +90 s.
    const previous = await repo.lastBefore(store.db, 'web-1', 'http', T0 + 90_000);
    const next = [iv('unknown', T0 + 90_000), iv('ok', T0 + 100_000)];
    next[0] = { ...next[0]!, endMs: T0 + 100_000 };
    await store.transaction((trx) => repo.replaceFrom(trx, 'web-1', 'http', T0 + 90_000, previous, next));
    sync.replaceFrom('web-1', 'http', T0 + 90_000, sync.lastBefore('web-1', 'http', T0 + 90_000), next);
    await compare();
  });

  it('observation log: append, batched extensions, rewrite and prune answer as the synchronous store does', async () => {
    const repo = createObservationLogRepo();
    const sync = createObservationLog(db);
    const run = (state: 'ok' | 'crit', firstMs: number) => ({ state, cause: 'result' as const, firstMs, lastMs: firstMs, count: 1, reason: state });
    let a = await repo.append(store.db, 'web-1', 'http', run('ok', T0));
    let s = sync.append('web-1', 'http', run('ok', T0));
    for (let i = 1; i <= 3; i++) {
      a = repo.extend(a, T0 + i * 1000);
      s = sync.extend(s, T0 + i * 1000);
    }
    await store.transaction((trx) => repo.persist(trx));
    sync.persist();
    expect(await repo.last(store.db, 'web-1', 'http')).toEqual(sync.last('web-1', 'http'));
    expect(await repo.last(store.db, 'web-1', 'http')).toMatchObject({ count: 4, lastMs: T0 + 3000 });
    await repo.append(store.db, 'web-1', 'http', run('crit', T0 + 10_000));
    sync.append('web-1', 'http', run('crit', T0 + 10_000));
    await repo.append(store.db, 'db-1', 'disk', run('ok', T0));
    sync.append('db-1', 'disk', run('ok', T0));
    expect(await repo.loadFrom(store.db, 'web-1', 'http', T0)).toEqual(sync.loadFrom('web-1', 'http', T0));
    const replaced = await repo.replaceFrom(store.db, 'web-1', 'http', T0 + 5000, [run('crit', T0 + 5000), run('ok', T0 + 20_000)]);
    expect(replaced).toEqual(sync.replaceFrom('web-1', 'http', T0 + 5000, [run('crit', T0 + 5000), run('ok', T0 + 20_000)]));
    // Pruning keeps each check's newest run whatever its age.
    expect(await repo.prune(store.db, T0 + 30_000)).toBe(sync.prune(T0 + 30_000));
    expect(await repo.loadFrom(store.db, 'web-1', 'http', 0)).toEqual(sync.loadFrom('web-1', 'http', 0));
    expect(await repo.loadFrom(store.db, 'db-1', 'disk', 0)).toEqual(sync.loadFrom('db-1', 'disk', 0));
  });

  it('seq marks: new / seen / below_floor, incarnations, the highest seq, pruning into floors answer as the synchronous store does', async () => {
    let now = T0;
    const repo = createSeqMarksRepo({ now: () => now, windowMs: 60_000 });
    const sync = createSeqMarks(db, { now: () => now, windowMs: 60_000 });
    const verdicts: Array<[string, string]> = [];
    const offer = async (seq: number, incarnation?: string) => {
      const a = await store.transaction(async (trx) => {
        const v = await repo.accept(trx, 'web-1', 'results', seq, incarnation, now);
        await repo.persist(trx);
        return v;
      });
      const s = db.transaction(() => {
        const v = sync.accept('web-1', 'results', seq, incarnation, now);
        sync.persist();
        return v;
      })();
      verdicts.push([a, s]);
    };
    for (const seq of [1, 2, 5, 3, 5, 2]) await offer(seq);
    await offer(1, 'inc-b');
    expect(await repo.highest(store.db, 'web-1', 'results')).toBe(sync.highest('web-1', 'results'));
    expect(await repo.highest(store.db, 'web-1', 'results', 'inc-b')).toBe(1);
    expect(await repo.knows(store.db, 'web-1', 'inc-b')).toBe(true);
    expect(await repo.knows(store.db, 'web-1', 'inc-c')).toBe(false);
    // Beyond the window: the rows are pruned into the floor; a seq below it is then 'below_floor'.
    now = T0 + 120_000;
    await offer(9);
    now = T0 + 240_000;
    await offer(10);
    await offer(4);
    expect(verdicts.map(([a]) => a)).toEqual(verdicts.map(([, s]) => s));
    expect(verdicts.map(([a]) => a)).toEqual(['new', 'new', 'new', 'new', 'seen', 'seen', 'new', 'new', 'new', 'below_floor']);
    const floors = await store.db.selectFrom('seq_floors').selectAll().orderBy('stream').execute();
    expect(floors).toEqual(db.prepare('SELECT * FROM seq_floors ORDER BY stream').all());
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

  it('incident numbers: per contract day, the same sequence as the synchronous numbering, unique under concurrent transactions', async () => {
    const sync: string[] = [];
    const asyncNumbers: string[] = [];
    for (const at of [T0, T0 + 1000, T0 + 86_400_000]) {
      sync.push(nextIncidentNumber(db, at));
      asyncNumbers.push(await store.transaction((trx) => nextIncidentNumberAsync(trx, at)));
    }
    expect(asyncNumbers).toEqual(sync);
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
      // better-sqlite3 without safeIntegers() rounds silently: the synchronous store has the same limit.
      expect((await store.db.selectFrom('agents').select('last_seen_ms').executeTakeFirstOrThrow()).last_seen_ms).toBe(9007199254740992);
    }
  });
});

describe('incident numbers with two collectors on one PostgreSQL', () => {
  it('two pools racing on one day never hand out the same number', async () => {
    if (!server) throw new Error('no PostgreSQL test cluster');
    const url = await server.createDatabase('numbers_race');
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
    if (!server) throw new Error('no PostgreSQL test cluster');
    const url = await server.createDatabase('dedupe_race');
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
