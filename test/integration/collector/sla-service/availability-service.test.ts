/**
 * The availability service on a real store, SQLite and PostgreSQL: state intervals written like the tracker writes them, maintenance
 * from config and from the API table, results compared with hand-computed ground truth.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createSlaSetup, slaConfigSchema } from '../../../../collector/sla/index.js';
import { createAvailabilityService, AvailabilityError } from '../../../../collector/sla-service/availability-service.js';
import { createMaintenanceStore } from '../../../../collector/sla-service/maintenance-store.js';
import { createMaintenanceView } from '../../../../collector/sla-service/maintenance-view.js';
import { openSqlStore, type SqlStore } from '../../../../collector/store/sql/connect.js';
import { createIntervalsRepo } from '../../../../collector/store/sql/intervals-repo.js';
import type { CheckState } from '../../../../common/protocol.js';
import { ENGINES, storeLocations, type Engine } from '../../../helpers/engines.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
// 2026-10-01T00:00 Asia/Shanghai.
const OCT = Date.parse('2026-09-30T16:00:00Z');
const NOV = Date.parse('2026-10-31T16:00:00Z');

const locations = storeLocations('availability');
const opened: SqlStore[] = [];
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
});

async function openStore(driver: Engine): Promise<SqlStore> {
  const store = await openSqlStore(await locations.location(driver));
  opened.push(store);
  return store;
}

async function history(store: SqlStore, agentId: string, target: string, checkId: string, checkType: string, steps: Array<[number, CheckState, string?]>): Promise<void> {
  const intervals = createIntervalsRepo();
  for (const [atMs, state, reason] of steps) {
    await intervals.transition(store.db, { agentId, checkId, checkType, target, state, startMs: atMs, endMs: null, reason: reason ?? `${checkId} ${state}`, cause: 'result' });
  }
}

function setup(extra: Record<string, unknown> = {}) {
  return createSlaSetup(
    slaConfigSchema.parse({
      contracts: [
        { name: 'acme', policy: 'contract-003', calendar: '24x7', availability_target: 98, members: { targets: ['web-1'], groups: ['db'] } },
        { name: 'shop-contract', calendar: '24x7', availability_target: 99.9, members: { targets: ['shop'] } },
      ],
      ...extra,
    }),
  );
}

async function fixture(driver: 'sqlite' | 'postgres', extra: Record<string, unknown> = {}) {
  const db = await openStore(driver);
  // web-1: ping down 1 h on Oct 2 (reachability decides), http down 3 h on Oct 3 (ignored for the target).
  await history(db, 'a1', 'web-1', 'ping', 'ping', [
    [OCT, 'ok'],
    [OCT + 24 * HOUR, 'crit', 'host unreachable'],
    [OCT + 25 * HOUR, 'ok'],
  ]);
  await history(db, 'a1', 'web-1', 'http', 'http', [
    [OCT, 'ok'],
    [OCT + 48 * HOUR, 'crit', 'HTTP 500'],
    [OCT + 51 * HOUR, 'ok'],
  ]);
  // db-1 and db-2 (group db): down 2 h at different times; db-2 also down 30 min overlapping db-1.
  await history(db, 'a2', 'db-1', 'pg', 'tcp', [
    [OCT, 'ok'],
    [OCT + 100 * HOUR, 'crit', 'connection refused'],
    [OCT + 102 * HOUR, 'ok'],
  ]);
  await history(db, 'a3', 'db-2', 'pg', 'tcp', [
    [OCT, 'ok'],
    [OCT + 101 * HOUR + 30 * MIN, 'crit', 'timeout'],
    [OCT + 102 * HOUR + 30 * MIN, 'ok'],
  ]);
  const maintenance = createMaintenanceStore();
  await maintenance.load(db.db);
  const slaSetup = setup(extra);
  const targets = { 'web-1': { group: 'front' }, 'db-1': { group: 'db' }, 'db-2': { group: 'db' } };
  const service = createAvailabilityService({
    store: db,
    setup: () => slaSetup,
    now: () => NOV + HOUR,
    targets,
    services: [{ name: 'shop', rule: { at_least: 1 }, members: { targets: ['db-1', 'db-2'], checks: [] } }],
    maintenance: createMaintenanceView({ setup: () => slaSetup, store: maintenance, targets }),
  });
  return { db, service, maintenance };
}

const MONTH = 31 * 24 * HOUR;

describe.each(ENGINES)('availability service on %s', (driver) => {
  it('target: reachability checks decide; 1 h down in a 31-day month at 98 %', async () => {
    const { service } = await fixture(driver);
    const r = await service.forTarget('web-1', OCT, NOV);
    expect(r).toMatchObject({ contract: 'acme', policy: 'contract-003', calendar: '24x7', members: ['a1/ping'] });
    expect(r.report).toMatchObject({ scheduledMs: MONTH, downMs: HOUR, upMs: MONTH - HOUR, unknownMs: 0, outageCount: 1, targetPercent: 98, targetMet: true });
    expect(r.report.allowedDowntimeMs).toBeCloseTo(0.02 * MONTH, 3);
    expect(r.report.availabilityPercent).toBeCloseTo((100 * (MONTH - HOUR)) / MONTH, 9);
    expect(r.outages).toEqual([{ startMs: OCT + 24 * HOUR, endMs: OCT + 25 * HOUR, ongoing: false, durationMs: HOUR, downtimeMs: HOUR, maintenanceMs: 0, causes: ['host unreachable'], findings: [{ code: null, params: null, message: 'host unreachable' }] }]);
    expect(r.report.mttrMs).toBe(HOUR);
  });

  it('check: its own intervals', async () => {
    const { service } = await fixture(driver);
    const r = await service.forCheck(undefined, 'web-1', 'http', OCT, NOV);
    expect(r.report).toMatchObject({ downMs: 3 * HOUR, outageCount: 1 });
    expect(r.outages[0]?.causes).toEqual(['HTTP 500']);
    await expect(service.forCheck(undefined, 'web-1', 'nope', OCT, NOV)).rejects.toThrow(AvailabilityError);
  });

  it('group: rule all over its targets — the union of their down time (2 h + 1 h − 30 min overlap)', async () => {
    const { service } = await fixture(driver);
    const r = await service.forGroup('db', OCT, NOV);
    expect(r).toMatchObject({ contract: 'acme', rule: 'all', members: ['db-1', 'db-2'] });
    expect(r.report.downMs).toBe(2 * HOUR + 30 * MIN);
    expect(r.report.outageCount).toBe(1);
    expect(r.outages[0]?.causes.sort()).toEqual(['connection refused', 'timeout']);
  });

  it('service: at_least 1 of db-1/db-2 — down only while both are (30 min)', async () => {
    const { service } = await fixture(driver);
    const r = await service.forService('shop', OCT, NOV);
    expect(r).toMatchObject({ contract: 'shop-contract', rule: 'at_least 1', members: ['db-1', 'db-2'] });
    expect(r.report.downMs).toBe(30 * MIN);
    expect(r.report.targetMet).toBe(true);
    await expect(service.forService('nope', OCT, NOV)).rejects.toThrow('unknown service "nope"');
  });

  it('period: a month in the contract time zone', async () => {
    const { service } = await fixture(driver);
    const r = await service.forPeriod('target', 'web-1', '2026-10');
    expect(r.report.fromMs).toBe(OCT);
    expect(r.report.toMs).toBe(NOV);
    expect(r.timeZone).toBe('Asia/Shanghai');
    await expect(service.forPeriod('target', 'web-1', '2026-13')).rejects.toThrow('period must be YYYY-MM or YYYY-Qn');
    expect((await service.forPeriod('check', 'web-1/http', '2026-10')).report.downMs).toBe(3 * HOUR);
  });

  it('maintenance (config) is excluded: the outage inside it no longer counts', async () => {
    const { service } = await fixture(driver, { maintenance: [{ name: 'patch', targets: ['web-1'], start: new Date(OCT + 23 * HOUR).toISOString(), end: new Date(OCT + 26 * HOUR).toISOString() }] });
    const r = await service.forTarget('web-1', OCT, NOV);
    expect(r.report).toMatchObject({ downMs: 0, maintenanceMs: 3 * HOUR, outageCount: 0 });
    expect(r.outages).toEqual([]);
  });

  it('a retroactive window stored through the API reclassifies half an outage', async () => {
    const { db, service, maintenance } = await fixture(driver);
    await maintenance.add(db.db, {
      name: 'late',
      reason: 'vendor work',
      targets: ['web-1'],
      groups: [],
      schedule: { kind: 'once', startMs: OCT + 24 * HOUR + 30 * MIN, endMs: OCT + 27 * HOUR },
      retroactive: true,
      createdBy: 'a',
      createdAtMs: NOV,
    });
    const r = await service.forTarget('web-1', OCT, NOV);
    expect(r.report.downMs).toBe(30 * MIN);
    expect(r.outages[0]).toMatchObject({ downtimeMs: 30 * MIN, maintenanceMs: 30 * MIN, durationMs: HOUR });
  });

  it('unknown names are errors; time without data is unknown', async () => {
    const { service } = await fixture(driver);
    await expect(service.forTarget('ghost', OCT, NOV)).rejects.toThrow('unknown target "ghost"');
    await expect(service.forGroup('ghost', OCT, NOV)).rejects.toThrow('unknown group "ghost"');
    const before = await service.forTarget('web-1', OCT - 24 * HOUR, OCT + 24 * HOUR);
    expect(before.report.unknownMs).toBe(24 * HOUR);
    expect(before.report.coverage).toBeCloseTo(0.5, 9);
  });
});
