/**
 * The state of the report schedules (issue 12, the SLA page): GET /api/v1/reports/schedules (viewer) lists each
 * configured schedule — kind, contract, cron, time zone, next run, and its last run (time, outcome, first error,
 * files, written, each channel it went to) — kept across a restart (table report_schedule_runs, migration 014).
 * Time driven by an injected clock and timers on the seeded October; a local DingTalk robot receives the summary.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../../collector/api/app.js';
import { collectorConfigSchema } from '../../../../collector/config.js';
import { startReports } from '../../../../collector/reports/runtime.js';
import { outcomeOf } from '../../../../collector/reports/schedule-runs.js';
import { createLogger } from '../../../../common/logger.js';
import type { Timers } from '../../../../common/timers.js';
import { startImReceiver, type ImReceiver } from '../../../helpers/im-receiver.js';
import { config, seedScenario, TOKEN, type Scenario } from './scenario.js';

let s: Scenario;
let robot: ImReceiver;
const shanghai = (local: string) => Date.parse(`${local}+08:00`);

function drivenTimers(clock: { now: number }) {
  const pending = new Set<{ at: number; callback: () => void }>();
  const timers: Timers = {
    setTimeout(callback, ms) {
      const timer = { at: clock.now + ms, callback };
      pending.add(timer);
      return timer;
    },
    clearTimeout: (handle) => void pending.delete(handle as { at: number; callback: () => void }),
  };
  return {
    timers,
    advanceTo(ms: number): void {
      for (;;) {
        const next = [...pending].filter((t) => t.at <= ms).sort((a, b) => a.at - b.at)[0];
        if (!next) break;
        pending.delete(next);
        clock.now = Math.max(clock.now, next.at);
        next.callback();
      }
      clock.now = ms;
    },
  };
}

beforeAll(async () => {
  s = await seedScenario();
  robot = await startImReceiver({ dingtalk: { accessToken: 'robot-token' }, now: () => s.clock.now });
});
afterAll(async () => {
  await s?.stop();
  await robot?.close();
});

describe('outcomeOf', () => {
  it('failed without a file or with nowhere it arrived; partial with a problem; ok otherwise', async () => {
    expect(outcomeOf({ files: [], written: false, deliveries: [], problems: 1 })).toBe('failed');
    expect(outcomeOf({ files: ['a.pdf'], written: false, deliveries: [{ channel: 'x', ok: false, error: 'e' }], problems: 1 })).toBe('failed');
    expect(outcomeOf({ files: ['a.pdf'], written: true, deliveries: [{ channel: 'x', ok: false, error: 'e' }], problems: 1 })).toBe('partial');
    expect(outcomeOf({ files: ['a.pdf'], written: false, deliveries: [{ channel: 'x', ok: true, error: null }], problems: 0 })).toBe('ok');
  });
});

describe('GET /api/v1/reports/schedules', () => {
  it('next run in the collector time zone, last run with outcome, error and channels; kept across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outpost-schedules-'));
    const cfg = collectorConfigSchema.parse({
      data_dir: s.dir,
      ...config,
      notifications: { channels: { robot: { type: 'dingtalk', url: robot.urls.dingtalk } } },
      reports: {
        dir,
        schedules: [
          { report: 'inspection', cron: '0 8 * * *', formats: ['csv'], channels: ['robot', 'nowhere'] },
          // October 1st: the September report has no data (failed); on November 1st October's is fine.
          { report: 'sla', cron: '0 8 1 * *', contract: 'acme', formats: ['json'], write: true },
        ],
      },
    });
    const start = () => startReports({ store: s.store, config: cfg, sla: s.sla, now: () => s.clock.now, logger: createLogger({ level: 'silent' }), notify: () => undefined, timerFunctions: driven.timers });
    s.clock.now = shanghai('2026-10-01T07:00:00');
    const driven = drivenTimers(s.clock);
    let runtime = start();
    try {
      const before = await runtime.scheduler.states();
      expect(before.map((x) => [x.report, x.contract, x.period, x.cron, x.time_zone, x.next_run_at_ms, x.last_run])).toEqual([
        ['inspection', null, null, '0 8 * * *', 'Asia/Shanghai', shanghai('2026-10-01T08:00:00'), null],
        ['sla', 'acme', 'month', '0 8 1 * *', 'Asia/Shanghai', shanghai('2026-10-01T08:00:00'), null],
      ]);

      driven.advanceTo(shanghai('2026-10-01T09:00:00'));
      await runtime.scheduler.settle();
      const [inspection, sla] = await runtime.scheduler.states();
      expect(inspection!.last_run).toEqual({
        started_at_ms: shanghai('2026-10-01T08:00:00'),
        finished_at_ms: expect.any(Number),
        outcome: 'partial',
        error: 'channel nowhere: unknown channel "nowhere"',
        files: ['inspection-2026-10-01.csv'],
        written: true,
        deliveries: [
          { channel: 'robot', ok: true, error: null },
          { channel: 'nowhere', ok: false, error: 'unknown channel "nowhere"' },
        ],
      });
      expect(inspection!.next_run_at_ms).toBe(shanghai('2026-10-02T08:00:00'));
      expect(sla!.last_run).toMatchObject({ outcome: 'failed', files: [], written: false, deliveries: [] });
      expect(sla!.last_run!.error).toMatch(/^acme json: no data for contract "acme" in 2026-09/);

      // A restart: the runs are still there.
      await runtime.stop();
      runtime = start();
      expect((await runtime.scheduler.states()).map((x) => x.last_run?.outcome)).toEqual(['partial', 'failed']);

      // November 1st: October's report is generated; the failure is replaced by the new run.
      driven.advanceTo(shanghai('2026-11-01T09:00:00'));
      await runtime.scheduler.settle();
      expect((await runtime.scheduler.states())[1]!.last_run).toMatchObject({ started_at_ms: shanghai('2026-11-01T08:00:00'), outcome: 'ok', error: null, files: ['sla-acme-2026-10.json'], written: true });

      const app = createApp({
        store: s.store,
        agents: s.running.agents,
        checks: s.running.checks,
        intervals: s.running.intervals,
        tokens: [{ name: 'v', token: TOKEN, role: 'viewer' }],
        registry: new Registry(),
        health: { broker: () => true, warnings: () => [] },
        logger: createLogger({ level: 'silent' }),
        now: () => s.clock.now,
        timeZone: 'Asia/Shanghai',
        reports: runtime.service,
        reportSchedules: () => runtime.scheduler.states(),
      });
      const server = app.listen(0, '127.0.0.1');
      await new Promise((resolve) => server.once('listening', resolve));
      try {
        const port = (server.address() as { port: number }).port;
        const get = (path: string, token?: string) => fetch(`http://127.0.0.1:${port}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
        const res = await get('/api/v1/reports/schedules', TOKEN);
        expect(res.status).toBe(200);
        const body = (await res.json()) as { items: Array<Record<string, unknown>>; time_zone: string };
        expect(body.time_zone).toBe('Asia/Shanghai');
        expect(body.items).toEqual(JSON.parse(JSON.stringify(await runtime.scheduler.states())));
        expect(body.items[0]).toMatchObject({ report: 'inspection', formats: ['csv'], channels: ['robot', 'nowhere'], write: true, next_run_at_ms: shanghai('2026-11-02T08:00:00') });
        expect((await get('/api/v1/reports/schedules')).status).toBe(401);
        const bad = await get('/api/v1/reports/schedules?kind=sla', TOKEN);
        expect(bad.status).toBe(400);
        expect(await bad.json()).toEqual({ error: 'invalid query', details: [{ field: 'query.kind', message: 'unknown parameter' }] });
      } finally {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
    } finally {
      await runtime.stop();
      s.clock.now = shanghai('2026-11-22T09:00:00');
    }
  });
});
