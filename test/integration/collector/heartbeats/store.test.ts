/**
 * Heartbeats on the async store, on both drivers: the repository (upsert keeping the creation instant, a step and
 * its finished run, recent runs newest first, the virtual agent's seq — unique also when two collectors draw at once
 * on PostgreSQL) and the service on it: configured heartbeats are stored at start-up and survive a restart; a ping
 * resolves only after its state is committed and its result published; deadlines follow the injected clock and
 * their results carry increasing seqs; API creations of one name at once yield one heartbeat and one conflict.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../../common/logger.js';
import type { ResultMessage } from '../../../../common/protocol.js';
import { heartbeatsConfigSchema } from '../../../../collector/heartbeats/config.js';
import { newRecord } from '../../../../collector/heartbeats/machine.js';
import { createHeartbeatService, HEARTBEAT_AGENT_ID, HeartbeatError, tokenDigest } from '../../../../collector/heartbeats/service.js';
import { createHeartbeatRepo, type StoredHeartbeat } from '../../../../collector/heartbeats/store.js';
import { openSqlStore, type SqlStore } from '../../../../collector/store/sql/connect.js';
import type { StoreLocation } from '../../../../collector/store/sql/url.js';
import { storeLocations } from '../../../helpers/engines.js';

const T0 = Date.UTC(2026, 11, 4, 2, 0, 0);
const MIN = 60_000;
const logger = createLogger({ level: 'silent' });

const { location } = storeLocations('heartbeats');

const backup = (over: Partial<StoredHeartbeat> = {}): StoredHeartbeat => {
  const rule = { kind: 'period', periodMs: 60 * MIN, graceMs: 10 * MIN } as const;
  return { name: 'db-backup', tokenSha256: tokenDigest('db-backup-token-0123456789'), source: 'config', target: 'db-1', rule, severity: 'P1', record: newRecord(rule, T0), ...over };
};

const CONFIGURED = heartbeatsConfigSchema.parse([
  { name: 'db-backup', token: 'db-backup-token-0123456789', target: 'db-1', period: '1h', grace: '10m', severity: 'P1' },
  { name: 'report-job', token: 'report-token-0123456789', target: 'app-1', schedule: '0 3 * * *', timezone: 'Asia/Shanghai', grace: '30m' },
]);

describe.each(['sqlite', 'postgres'] as const)('heartbeats on %s', (driver) => {
  let store: SqlStore;
  let where: StoreLocation;
  beforeEach(async () => {
    where = await location(driver);
    store = await openSqlStore(where);
    return () => store.close();
  }, 60_000);
  const repo = createHeartbeatRepo();

  it('saves, replaces and removes definitions with their state; runs newest first; seqs increase', async () => {
    const cron = backup({ name: 'a-report', tokenSha256: tokenDigest('report-token-0123456789'), source: 'api', severity: null, rule: { kind: 'cron', schedule: '0 3 * * *', timezone: 'Asia/Shanghai', graceMs: 30 * MIN } });
    await repo.save(store.db, backup());
    await repo.save(store.db, cron);
    expect(await repo.all(store.db)).toEqual([cron, backup()]);

    const pinged = backup({ target: 'db-2', record: { ...backup().record, status: 'ok', lastPingMs: T0 + 5 * MIN, lastPingKind: 'success', lastSuccessMs: T0 + 5 * MIN, lastDurationMs: 90_000, deadlineMs: T0 + 75 * MIN } });
    await store.transaction(async (trx) => {
      await repo.saveStep(trx, pinged, { startedAtMs: T0 + 3 * MIN, finishedAtMs: T0 + 5 * MIN, durationMs: 120_000, outcome: 'success', exitCode: null });
      await repo.saveStep(trx, pinged, { startedAtMs: null, finishedAtMs: T0 + 6 * MIN, durationMs: null, outcome: 'fail', exitCode: 3 });
    });
    // A step that rolls back leaves neither the state nor the run.
    await expect(store.transaction(async (trx) => {
      await repo.saveStep(trx, backup({ target: 'lost' }), { startedAtMs: null, finishedAtMs: T0 + 7 * MIN, durationMs: null, outcome: 'fail', exitCode: 1 });
      throw new Error('rolled back');
    })).rejects.toThrow('rolled back');
    expect((await repo.all(store.db)).find((h) => h.name === 'db-backup')).toEqual(pinged);
    expect(await repo.recentRuns(store.db, 'db-backup', 10)).toEqual([
      { startedAtMs: null, finishedAtMs: T0 + 6 * MIN, durationMs: null, outcome: 'fail', exitCode: 3 },
      { startedAtMs: T0 + 3 * MIN, finishedAtMs: T0 + 5 * MIN, durationMs: 120_000, outcome: 'success', exitCode: null },
    ]);
    expect(await repo.recentRuns(store.db, 'db-backup', 1)).toHaveLength(1);

    expect(await repo.remove(store.db, 'a-report')).toBe(true);
    expect(await repo.remove(store.db, 'a-report')).toBe(false);
    expect((await repo.all(store.db)).map((h) => h.name)).toEqual(['db-backup']);

    expect([await repo.nextSeq(store.db), await repo.nextSeq(store.db), await repo.nextSeq(store.db)]).toEqual([1, 2, 3]);
  });

  it('the service stores the configured heartbeats, answers a ping after commit, and keeps state across a restart', async () => {
    let clock = T0;
    const published: ResultMessage[] = [];
    const publish = async (_topic: string, payload: Uint8Array): Promise<void> => {
      published.push(JSON.parse(Buffer.from(payload).toString('utf8')) as ResultMessage);
    };
    const deps = { store, logger, now: () => clock, configured: CONFIGURED, publish, timeZone: 'Asia/Shanghai' };
    const service = await createHeartbeatService(deps);
    expect((await repo.all(store.db)).map((h) => [h.name, h.record.status])).toEqual([['db-backup', 'new'], ['report-job', 'new']]);
    expect(service.knows('db-backup-token-0123456789')).toBe(true);

    clock = T0 + 5 * MIN;
    const answered = await service.ping('db-backup-token-0123456789', 'success', null);
    expect(answered?.record).toMatchObject({ status: 'ok', lastPingMs: T0 + 5 * MIN });
    // Committed when the ping resolves: the store already says so, and the result was handed to the ingest.
    expect((await repo.all(store.db)).find((h) => h.name === 'db-backup')?.record).toMatchObject({ status: 'ok', lastSuccessMs: T0 + 5 * MIN });
    expect(published.map((m) => [m.agent_id, m.check_id, m.seq, m.state])).toEqual([[HEARTBEAT_AGENT_ID, 'db-backup', 1, 'ok']]);
    expect(await service.ping('not-a-token-0123456789', 'success', null)).toBeNull();

    // Deadlines on the injected clock: db-backup is late at 01:15 after its success; report-job never came.
    clock = Date.parse('2026-12-04T19:31:00Z');
    await service.checkDeadlines();
    expect(published.slice(1).map((m) => [m.check_id, m.seq, m.state])).toEqual([['db-backup', 2, 'crit'], ['report-job', 3, 'crit']]);
    expect(service.get('report-job')?.record.status).toBe('never');

    // A restart with one configured heartbeat dropped: the other keeps its state; the dropped one is gone.
    const restarted = await createHeartbeatService({ ...deps, configured: CONFIGURED.slice(0, 1) });
    expect(restarted.list().map((h) => [h.name, h.record.status, h.record.lastSuccessMs])).toEqual([['db-backup', 'late', T0 + 5 * MIN]]);
    expect((await repo.all(store.db)).map((h) => h.name)).toEqual(['db-backup']);
    expect(await restarted.recentRuns('db-backup')).toEqual([{ startedAtMs: null, finishedAtMs: T0 + 5 * MIN, durationMs: null, outcome: 'success', exitCode: null }]);
  });

  it('API heartbeats: one of two simultaneous creations of a name wins; config ones are read-only; removal is stored', async () => {
    const service = await createHeartbeatService({ store, logger, now: () => T0, configured: CONFIGURED, publish: async () => undefined });
    const def = { name: 'nas-sync', target: 'nas-1', period: 86_400_000, grace: 3_600_000 };
    const outcomes = await Promise.allSettled([service.create(def), service.create(def)]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    const created = outcomes.find((o) => o.status === 'fulfilled');
    const token = created?.status === 'fulfilled' ? created.value.token : '';
    expect(service.knows(token)).toBe(true);
    expect((await repo.all(store.db)).find((h) => h.name === 'nas-sync')).toMatchObject({ source: 'api', tokenSha256: tokenDigest(token) });
    await expect(service.remove('db-backup')).rejects.toMatchObject({ code: 'read_only' });
    await expect(service.remove('nope')).rejects.toBeInstanceOf(HeartbeatError);
    await service.remove('nas-sync');
    expect(service.knows(token)).toBe(false);
    expect((await repo.all(store.db)).map((h) => h.name)).toEqual(['db-backup', 'report-job']);
  });

  if (driver === 'postgres') {
    it('two collectors on one PostgreSQL step each heartbeat once and learn each other\'s heartbeats', async () => {
      const other = await openSqlStore(where, { migrations: false });
      try {
        let clock = T0;
        const published: Array<[string, ResultMessage]> = [];
        const service = (on: SqlStore, who: string) =>
          createHeartbeatService({
            store: on,
            logger,
            now: () => clock,
            configured: CONFIGURED.slice(0, 1),
            publish: async (_topic, payload) => void published.push([who, JSON.parse(Buffer.from(payload).toString('utf8')) as ResultMessage]),
          });
        const a = await service(store, 'a');
        const b = await service(other, 'b');

        // A success pinged at a; b's memory still has the first deadline (01:10) but the stored state decides.
        clock = T0 + 5 * MIN;
        await a.ping('db-backup-token-0123456789', 'success', null);
        clock = T0 + 71 * MIN;
        await b.checkDeadlines();
        expect(published.map(([who, m]) => [who, m.state])).toEqual([['a', 'ok']]);
        expect(b.get('db-backup')?.record.lastSuccessMs).toBe(T0 + 5 * MIN);

        // Both find the deadline (01:15) passed at once: one CRIT result, not two.
        clock = T0 + 80 * MIN;
        await Promise.all([a.checkDeadlines(), b.checkDeadlines()]);
        expect(published.map(([, m]) => [m.state, m.seq])).toEqual([['ok', 1], ['crit', 2]]);

        // Created over a's API: known at b after its next scan; b cannot create the same name.
        const { token } = await a.create({ name: 'nas-sync', target: 'nas-1', period: 86_400_000, grace: 3_600_000 });
        await b.checkDeadlines();
        expect(b.knows(token)).toBe(true);
        await expect(b.create({ name: 'nas-sync', target: 'other', period: 60_000, grace: 60_000 })).rejects.toMatchObject({ code: 'conflict' });
        expect((await repo.get(store.db, 'nas-sync'))?.target).toBe('nas-1');
      } finally {
        await other.close();
      }
    });

    it('two collectors drawing the virtual agent\'s seq at once never get the same one', async () => {
      const other = await openSqlStore(where, { migrations: false });
      try {
        const seqs = await Promise.all(Array.from({ length: 20 }, (_, i) => repo.nextSeq((i % 2 === 0 ? store : other).db)));
        expect([...seqs].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      } finally {
        await other.close();
      }
    });
  }
});
