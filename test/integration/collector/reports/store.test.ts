/**
 * The reports' own tables on both drivers (SQLite file, and a PostgreSQL cluster of the test's own): result samples
 * (newest per check and period, batches, prune, counts), fault reports and their notices, asset baselines, and the
 * report schedule runs — including the claim that lets exactly one of two collectors send a scheduled report.
 * Times are real 2026 epoch milliseconds (beyond INTEGER on PostgreSQL: they must come back as the same numbers).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../../common/logger.js';
import { PROTOCOL_VERSION, type InventoryMessage, type ResultMessage } from '../../../../common/protocol.js';
import type { Timers } from '../../../../common/timers.js';
import { reportsConfigSchema, resolveReportsConfig } from '../../../../collector/reports/config.js';
import { createAssetsStore } from '../../../../collector/reports/assets-store.js';
import { createReportScheduler } from '../../../../collector/reports/scheduler.js';
import type { ReportService } from '../../../../collector/reports/service.js';
import { createSampleRecorder } from '../../../../collector/reports/samples.js';
import { createScheduleRunStore, UNFINISHED_RUN, type ScheduleRun } from '../../../../collector/reports/schedule-runs.js';
import { createReportStore, type ResultSample } from '../../../../collector/reports/store.js';
import { openSqlStore, type SqlStore } from '../../../../collector/store/sql/connect.js';
import type { Q } from '../../../../collector/store/sql/sql-helpers.js';
import { ENGINES, storeLocations, type Engine } from '../../../helpers/engines.js';

const T0 = Date.UTC(2026, 11, 4, 2, 0, 0); // 2026-12-04 10:00 Asia/Shanghai
const HOUR = 3_600_000;
const tmp = () => mkdtempSync(join(tmpdir(), 'outpost-report-store-'));

const locations = storeLocations('reports');

/** A fresh store; on PostgreSQL `url` lets a second pool open the same database (a second collector). */
async function openStore(driver: Engine): Promise<{ store: SqlStore; url: string | null }> {
  const location = await locations.location(driver);
  return { store: await openSqlStore(location), url: location.kind === 'postgres' ? location.url : null };
}

const sample = (checkId: string, observedMs: number, state: ResultSample['state'] = 'ok', extra: Partial<ResultSample> = {}): ResultSample => ({
  agentId: 'a1',
  checkId,
  checkType: checkId === 'nightly' ? 'backup' : 'host',
  target: 'web-1',
  observedMs,
  state,
  message: `${checkId} ${state} at ${observedMs}`,
  code: null,
  params: null,
  metrics: { load1: observedMs % 7 },
  series: [],
  details: {},
  ...extra,
});

/** A bare incident row (the incident service owns the table; the reminder queries only read it). */
async function insertIncident(q: Q, n: number, fields: { severity?: string; status?: string; resolvedAtMs?: number | null; parentId?: number | null } = {}): Promise<number> {
  const { rows } = await sql<{ id: number }>`INSERT INTO incidents (number, title, severity, status, source, started_at_ms, opened_at_ms, resolved_at_ms, parent_id, updated_at_ms)
    VALUES (${`INC-20261204-${String(n).padStart(4, '0')}`}, ${'web-1 down'}, ${fields.severity ?? 'P2'}, ${fields.status ?? 'resolved'}, ${'auto'}, ${T0}, ${T0}, ${fields.resolvedAtMs === undefined ? T0 + HOUR : fields.resolvedAtMs}, ${fields.parentId ?? null}, ${T0})
    RETURNING id`.execute(q);
  return rows[0]!.id;
}

const run = (startedAtMs: number, outcome: ScheduleRun['outcome'] = 'ok'): ScheduleRun => ({
  startedAtMs,
  finishedAtMs: startedAtMs + 5_000,
  outcome,
  error: outcome === 'ok' ? null : 'channel robot: HTTP 500',
  files: ['inspection-2026-12-04.pdf'],
  written: true,
  deliveries: [{ channel: 'robot', ok: outcome === 'ok', error: outcome === 'ok' ? null : 'HTTP 500' }],
});

describe.each(ENGINES)('report tables on %s', (driver) => {
  let store: SqlStore;
  let url: string | null;
  const reports = createReportStore();
  beforeEach(async () => {
    ({ store, url } = await openStore(driver));
    return () => store.close();
  }, 60_000);

  it('keeps the newest sample per check and period, across and within batches; reads it back whole', async () => {
    const withSeries = sample('host', T0 + 10 * 60_000, 'warn', {
      code: 'host.disk_high',
      params: { mount: '/data', used_percent: 91.5 },
      series: [{ tags: { mount: '/data' }, metrics: { used_percent: 91.5 } }],
      details: { status: 'ok', verified: true, size: null },
    });
    await reports.recordSamples(store.db, [sample('host', T0), withSeries, sample('host', T0 + 5 * 60_000)], HOUR);
    // Older than what is stored for the slot: ignored. Newer: replaces.
    await reports.recordSamples(store.db, [sample('host', T0 + 60_000, 'crit')], HOUR);
    expect(await reports.history(store.db, 'a1', 'host', T0 - HOUR, T0 + HOUR)).toEqual([withSeries]);
    await reports.recordSamples(store.db, [sample('host', T0 + 20 * 60_000, 'crit'), sample('host', T0 + HOUR), sample('nightly', T0 + HOUR)], HOUR);
    expect((await reports.history(store.db, 'a1', 'host', T0 - HOUR, T0 + 2 * HOUR)).map((s) => [s.observedMs, s.state])).toEqual([
      [T0 + 20 * 60_000, 'crit'],
      [T0 + HOUR, 'ok'],
    ]);
    expect((await reports.latestBefore(store.db, T0 + 2 * HOUR)).map((s) => [s.checkId, s.observedMs])).toEqual([
      ['host', T0 + HOUR],
      ['nightly', T0 + HOUR],
    ]);
    expect((await reports.latestBefore(store.db, T0 + HOUR)).map((s) => [s.checkId, s.observedMs])).toEqual([['host', T0 + 20 * 60_000]]);
    expect(await reports.stateCounts(store.db, T0, T0 + 2 * HOUR)).toEqual([
      { target: 'web-1', check_type: 'backup', state: 'ok', n: 1 },
      { target: 'web-1', check_type: 'host', state: 'crit', n: 1 },
      { target: 'web-1', check_type: 'host', state: 'ok', n: 1 },
    ]);
    expect(await reports.prune(store.db, T0 + HOUR)).toBe(1);
    expect(await reports.stateCounts(store.db, 0, T0 + 2 * HOUR)).toHaveLength(2);
  });

  it('stores a batch larger than one INSERT statement', async () => {
    const many = Array.from({ length: 1_234 }, (_, i) => sample(`c${i}`, T0 + i));
    await reports.recordSamples(store.db, many, HOUR);
    expect(await reports.latestBefore(store.db, T0 + 2 * HOUR)).toHaveLength(1_234);
  });

  it('the sample recorder buffers results and writes each flush as one batch; a failed flush keeps them', async () => {
    const clock = { now: T0 };
    const recorder = createSampleRecorder({ store, samples: reports, periodMs: HOUR, retentionMs: 30 * 24 * HOUR, now: () => clock.now, logger: createLogger({ level: 'silent' }) });
    const result = (checkId: string, atMs: number, state: ResultMessage['state']): ResultMessage => ({
      v: PROTOCOL_VERSION,
      agent_id: 'a1',
      seq: atMs,
      check_id: checkId,
      check_type: 'host',
      target: 'web-1',
      interval_s: 60,
      observed_at_ms: atMs,
      sent_at_ms: atMs,
      duration_ms: 1,
      state,
      message: state,
      metrics: {},
    });
    for (let i = 0; i < 90; i++) recorder.onResult(result('cpu', T0 + i * 60_000, i === 30 ? 'crit' : 'ok'));
    recorder.onResult(result('mem', T0, 'ok'));
    expect(recorder.pending()).toBe(3); // cpu in two hourly slots, mem in one
    await Promise.all([recorder.flush(), recorder.flush()]);
    expect(recorder.pending()).toBe(0);
    expect((await reports.history(store.db, 'a1', 'cpu', 0, T0 + 2 * HOUR)).map((s) => s.observedMs)).toEqual([T0 + 59 * 60_000, T0 + 89 * 60_000]);
    expect(await reports.history(store.db, 'a1', 'mem', 0, T0 + 2 * HOUR)).toHaveLength(1);

    // A store that cannot be written (closed here): the samples stay buffered for the next flush.
    const gone = await openSqlStore({ kind: 'sqlite', file: join(tmp(), 'gone.db') });
    await gone.close();
    const stuck = createSampleRecorder({ store: gone, samples: reports, periodMs: HOUR, retentionMs: HOUR, now: () => clock.now, logger: createLogger({ level: 'silent' }) });
    stuck.onResult(result('cpu', T0, 'ok'));
    await stuck.flush();
    expect(stuck.pending()).toBe(1);
  });

  it('fault reports: generated once, sent once, each notice once; due lists follow severity, parent and sent', async () => {
    const a = await insertIncident(store.db, 1, { severity: 'P1' });
    const b = await insertIncident(store.db, 2, { severity: 'P3' });
    await insertIncident(store.db, 3, { severity: 'P1', parentId: a });
    await insertIncident(store.db, 4, { severity: 'P1', status: 'open', resolvedAtMs: null });
    const late = await insertIncident(store.db, 5, { severity: 'P2', resolvedAtMs: T0 + 10 * HOUR });

    await reports.recordFaultReport(store.db, a, 'INC-20261204-0001', T0 + 2 * HOUR, 'alice');
    await reports.recordFaultReport(store.db, a, 'INC-20261204-0001', T0 + 3 * HOUR, 'bob');
    expect(await reports.faultReportOf(store.db, a)).toEqual({ generatedAtMs: T0 + 2 * HOUR, generatedBy: 'alice' });
    expect(await reports.faultReportOf(store.db, b)).toBeNull();

    expect(await reports.dueReminders(store.db, T0 + 2 * HOUR)).toEqual([a, b]);
    expect(await reports.dueReminders(store.db, T0 + 2 * HOUR, ['P1', 'P2'])).toEqual([a]);
    expect(await reports.dueReminders(store.db, T0 + 2 * HOUR, [])).toEqual([]);
    expect(await reports.dueWarnings(store.db, T0 + 11 * HOUR)).toEqual([a, b, late]);

    expect(await reports.markReminded(store.db, a, T0 + 25 * HOUR)).toBe(true);
    expect(await reports.markReminded(store.db, a, T0 + 26 * HOUR)).toBe(false);
    expect(await reports.markWarned(store.db, b, T0 + 20 * HOUR)).toBe(true);
    expect(await reports.markWarned(store.db, b, T0 + 21 * HOUR)).toBe(false);
    expect(await reports.dueReminders(store.db, T0 + 30 * HOUR)).toEqual([b, late]);
    expect(await reports.dueWarnings(store.db, T0 + 30 * HOUR)).toEqual([a, late]);

    expect(await reports.markSent(store.db, late, T0 + 12 * HOUR, 'carol', 'by email')).toBe(true);
    expect(await reports.markSent(store.db, late, T0 + 13 * HOUR, 'dave', null)).toBe(false);
    expect(await reports.sentOf(store.db, late)).toEqual({ atMs: T0 + 12 * HOUR, by: 'carol', note: 'by email' });
    expect(await reports.sentOf(store.db, a)).toBeNull();
    expect(await reports.dueReminders(store.db, T0 + 30 * HOUR)).toEqual([b]);
  });

  it('asset baselines: none, then the newest with its agents in id order (written in one transaction)', async () => {
    const assets = createAssetsStore();
    expect(await assets.latest(store.db)).toBeNull();
    const inventory = (agentId: string): InventoryMessage => ({
      v: PROTOCOL_VERSION,
      agent_id: agentId,
      sent_at_ms: T0,
      agent_version: '1.2.1',
      hostname: `${agentId}.example`,
      os: { platform: 'linux', distro: 'Debian', release: '12', kernel: '6.1', arch: 'x64' },
      hardware: { manufacturer: 'QEMU', model: 'Standard PC', serial: 'X1' },
      cpu: { model: 'vCPU', cores: 2, physical_cores: 2 },
      memory_bytes: 8_589_934_592,
      disks: [],
      interfaces: [],
    });
    const first = await store.transaction((trx) => assets.markVerified(trx, T0, 'alice', [{ agentId: 'b2', inventory: inventory('b2'), inventoryAtMs: T0 - HOUR }, { agentId: 'a1', inventory: null, inventoryAtMs: null }]));
    const second = await store.transaction((trx) => assets.markVerified(trx, T0 + HOUR, 'bob', [{ agentId: 'a1', inventory: inventory('a1'), inventoryAtMs: T0 }]));
    expect(second).toBeGreaterThan(first);
    expect(await assets.latest(store.db)).toEqual({ id: second, verifiedAtMs: T0 + HOUR, verifiedBy: 'bob', agents: [{ agentId: 'a1', inventory: inventory('a1'), inventoryAtMs: T0 }] });
    // A failed baseline leaves nothing behind.
    await expect(store.transaction(async (trx) => {
      await assets.markVerified(trx, T0 + 2 * HOUR, 'carol', [{ agentId: 'a1', inventory: null, inventoryAtMs: null }]);
      throw new Error('interrupted');
    })).rejects.toThrow('interrupted');
    expect((await assets.latest(store.db))?.id).toBe(second);
  });

  it('schedule runs: the last run per schedule; a due run is claimed once, the next due run again', async () => {
    const runs = createScheduleRunStore();
    const key = 'inspection||*|0 8 * * *|Asia/Shanghai';
    expect(await runs.last(store.db, key)).toBeNull();
    const due1 = T0;
    expect(await runs.claim(store.db, key, due1, due1 + 10)).toBe(true);
    expect(await runs.last(store.db, key)).toMatchObject({ startedAtMs: due1 + 10, outcome: 'failed', error: UNFINISHED_RUN, files: [] });
    expect(await runs.claim(store.db, key, due1, due1 + 20)).toBe(false);
    await runs.record(store.db, key, run(due1 + 10, 'partial'));
    expect(await runs.last(store.db, key)).toEqual(run(due1 + 10, 'partial'));
    // Still the same due run after it finished: not again.
    expect(await runs.claim(store.db, key, due1, due1 + 60_000)).toBe(false);
    const due2 = due1 + 24 * HOUR;
    expect(await runs.claim(store.db, key, due2, due2)).toBe(true);
    await runs.record(store.db, key, run(due2));
    expect(await runs.last(store.db, key)).toEqual(run(due2));
    // Another schedule is another row.
    expect(await runs.claim(store.db, `${key}x`, due1, due1)).toBe(true);
  });

  it('two collectors claiming the same due run at once: exactly one gets it', async () => {
    const runs = createScheduleRunStore();
    const key = 'sla|month|acme|0 8 1 * *|Asia/Shanghai';
    // A second collector: its own pool on the same PostgreSQL database; on SQLite the one connection per file.
    const other = url === null ? store : await openSqlStore({ kind: 'postgres', url });
    try {
      for (const due of [T0, T0 + 31 * 24 * HOUR]) {
        const claims = await Promise.all(
          Array.from({ length: 16 }, (_, i) => (i % 2 === 0 ? store : other).transaction((trx) => runs.claim(trx, key, due, due + i))),
        );
        expect(claims.filter(Boolean)).toHaveLength(1);
      }
    } finally {
      if (other !== store) await other.close();
    }
  });

  it('two collectors with the same schedule: each due run is generated and sent by one of them', async () => {
    const other = url === null ? store : await openSqlStore({ kind: 'postgres', url });
    const clock = { now: Date.parse('2026-12-04T07:00:00+08:00') };
    const generated: string[] = [];
    const sent: string[] = [];
    // The report itself is not the point here (the report tests generate real ones): a file per request.
    const reports = {
      generate: (request: { kind: string; date?: string }, format: string) => {
        generated.push(`${request.kind} ${request.date}`);
        return Promise.resolve({ filename: `${request.kind}-${request.date}.${format}`, contentType: 'text/csv', body: Buffer.from('x'), summary: `${request.kind} ${request.date}` });
      },
    } as unknown as ReportService;
    const schedules = resolveReportsConfig(reportsConfigSchema.parse({ schedules: [{ report: 'inspection', cron: '0 8 * * *', formats: ['csv'], write: false, channels: ['robot'] }] })).schedules;
    const collector = (on: SqlStore) => {
      const driven = drivenTimers(clock);
      const scheduler = createReportScheduler({
        schedules,
        reports,
        contracts: () => [],
        dir: tmp(),
        deliver: (message, channels, name) => {
          sent.push(message.title);
          return Promise.resolve(channels.map((channel) => ({ incidentId: 0, number: name, channel, kind: 'report' as const, ok: true, attempts: 1, atMs: clock.now })));
        },
        now: () => clock.now,
        logger: createLogger({ level: 'silent' }),
        timers: driven.timers,
        runs: { store: on, repo: createScheduleRunStore() },
      });
      scheduler.start();
      return { scheduler, driven };
    };
    const a = collector(store);
    const b = collector(other);
    try {
      for (const day of ['2026-12-04', '2026-12-05', '2026-12-06']) {
        const at = Date.parse(`${day}T08:00:00+08:00`);
        a.driven.advanceTo(at);
        b.driven.advanceTo(at);
        await Promise.all([a.scheduler.settle(), b.scheduler.settle()]);
      }
      expect(generated).toEqual(['inspection 2026-12-04', 'inspection 2026-12-05', 'inspection 2026-12-06']);
      expect(sent).toEqual(['inspection 2026-12-04', 'inspection 2026-12-05', 'inspection 2026-12-06']);
      expect((await a.scheduler.states())[0]?.last_run).toMatchObject({ started_at_ms: Date.parse('2026-12-06T08:00:00+08:00'), outcome: 'ok', files: ['inspection-2026-12-06.csv'] });
    } finally {
      a.scheduler.stop();
      b.scheduler.stop();
      if (other !== store) await other.close();
    }
  });
});

/** Timers on a shared clock: advanceTo() fires every timer due on the way, in order, moving the clock to each. */
function drivenTimers(clock: { now: number }) {
  const pending = new Set<{ at: number; callback: () => void }>();
  const timers: Timers = {
    setTimeout(callback, ms) {
      const timer = { at: clock.now + ms, callback };
      pending.add(timer);
      return timer;
    },
    clearTimeout(handle) {
      pending.delete(handle as { at: number; callback: () => void });
    },
  };
  return {
    timers,
    advanceTo(ms: number): void {
      for (;;) {
        const next = [...pending].filter((t) => t.at <= ms).sort((x, y) => x.at - y.at)[0];
        if (!next) break;
        pending.delete(next);
        clock.now = Math.max(clock.now, next.at);
        next.callback();
      }
      clock.now = ms;
    },
  };
}
