/**
 * The month-to-date cache behind /api/v1/sla/summary (the console's overview, status pages, SLA report): on a real
 * collector with a test-driven clock, the cached summary equals a summary computed without the cache (an availability
 * service that reads the history every time) after a state change (results over MQTT), a recurring maintenance window
 * added and removed through the API, time passing (hours, no state change: still served from the cache) and a month
 * rollover; and a read with nothing changed is served from the cache. /api/v1/targets colours a target covered by a recurring
 * window right now as in maintenance (the SLA service's predicate, not only one-off windows).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAvailabilityService } from '../../../../collector/sla-service/availability-service.js';
import { createSlaSummary } from '../../../../collector/sla-service/summary.js';
import { MONTH_CACHE_MAX_AGE_MS } from '../../../../collector/sla-service/month-cache.js';
import { ADMIN, OPERATOR, VIEWER } from '../support.js';
import { clockedAgent, startClockedCollector, type ClockedCollector } from './support.js';

const MIN = 60_000;
// Friday 2026-11-20 10:30 Asia/Shanghai: ten days before November ends.
const T0 = Date.parse('2026-11-20T02:30:00Z');

let c: ClockedCollector;
let agent: Awaited<ReturnType<typeof clockedAgent>>;

beforeAll(async () => {
  c = await startClockedCollector({ sla: { contracts: [{ name: 'acme', availability_target: 99, members: { targets: ['web-1', 'db-1'] } }] } }, T0 - 60 * MIN);
  agent = await clockedAgent(c, 'cache-agent');
  await agent.publish('web-1', 'web-ping', 'ping', 'ok');
  await agent.publish('db-1', 'db-ping', 'ping', 'ok');
  c.advance(60 * MIN);
}, 120_000);
afterAll(async () => {
  await agent?.end();
  await c?.stop();
});

/** The same summary without the cache: every figure computed from the history now (the collector's own config). */
function uncached(period: string) {
  const sla = c.running.sla;
  const availability = createAvailabilityService({ store: c.running.store, setup: () => sla.setup, now: c.clock, maintenance: sla.frontDoor.maintenanceView });
  return createSlaSummary({ store: c.running.store, setup: () => sla.setup, availability, timers: sla.timers, now: c.clock }).forPeriod(period);
}
const cached = (period: string) => c.running.sla.summary.forPeriod(period);
const stats = () => c.running.sla.monthCache.stats();

async function api(path: string, init: RequestInit = {}, token = VIEWER): Promise<any> {
  const res = await c.api(path, token, init);
  const body = await res.json();
  expect(res.status, `${path}: ${JSON.stringify(body)}`).toBeLessThan(300);
  return body;
}

describe('month-to-date cache', () => {
  it('a second read with nothing changed is a hit and equals the uncached figures', async () => {
    const first = await cached('2026-11');
    const before = stats();
    expect(await cached('2026-11')).toEqual(first);
    expect(stats().hits).toBe(before.hits + 2);
    expect(stats().misses).toBe(before.misses);
    expect(first).toEqual(await uncached('2026-11'));
    expect(first.contracts[0]?.availability).toMatchObject({ availability_percent: 100, measured_targets: 2, downtime_s: 0 });
  });

  it('a state change (a result over MQTT) drops that target: cached == uncached, web-1 down 2 min', async () => {
    await cached('2026-11');
    await agent.publish('web-1', 'web-ping', 'ping', 'crit', 'timeout');
    c.advance(2 * MIN); // within the maximum age: db-1 stays cached
    const before = stats();
    const now = await cached('2026-11');
    expect(now).toEqual(await uncached('2026-11'));
    expect(stats().misses).toBe(before.misses + 1); // web-1 recomputed, db-1 from the cache
    const web = now.contracts[0]?.members.find((m) => m.target === 'web-1');
    expect(web?.downtime_s).toBe(120);
    expect(now.contracts[0]?.availability.downtime_s).toBe(120);
  });

  it('a recurring window added through the API (covering now) and removed: cached == uncached each time', async () => {
    const base = await cached('2026-11');
    // Every day 10:00–12:00 Asia/Shanghai: it covers now (10:30) without being a one-off window.
    const window = await api('/api/v1/maintenance', { method: 'POST', body: JSON.stringify({ name: 'daily patching', reason: 'os updates', targets: ['web-1'], cron: '0 10 * * *', duration: '2h', timezone: 'Asia/Shanghai' }) }, ADMIN);
    const added = await cached('2026-11');
    expect(added).toEqual(await uncached('2026-11'));
    expect(added.contracts[0]?.members.find((m) => m.target === 'web-1')?.downtime_s).toBe(0);
    expect(added).not.toEqual(base);

    // The tile of web-1 is "maintenance" (recurring window), db-1's is not.
    const { targets } = await api('/api/v1/targets');
    expect(targets.map((t: { target: string; maintenance: boolean }) => [t.target, t.maintenance])).toEqual([
      ['db-1', false],
      ['web-1', true],
    ]);

    await api(`/api/v1/maintenance/${window.id}`, { method: 'DELETE' }, ADMIN);
    const removed = await cached('2026-11');
    expect(removed).toEqual(await uncached('2026-11'));
    expect(removed.contracts[0]?.members.find((m) => m.target === 'web-1')?.downtime_s).toBe(120);
    expect((await api('/api/v1/targets')).targets.every((t: { maintenance: boolean }) => !t.maintenance)).toBe(true);
  });

  it('time passing in a running month without a state change: figures accrue from the cached history', async () => {
    await cached('2026-11');
    c.advance(MONTH_CACHE_MAX_AGE_MS / 2);
    const before = stats();
    const later = await cached('2026-11');
    expect(stats().misses).toBe(before.misses);
    expect(later).toEqual(await uncached('2026-11'));
    expect(later.contracts[0]?.members.find((m) => m.target === 'web-1')?.downtime_s).toBe(120 + MONTH_CACHE_MAX_AGE_MS / 2000);
    // Past the maximum age the history is read again (a bound on writes without a state change, e.g. retention).
    c.advance(MONTH_CACHE_MAX_AGE_MS);
    const missesBefore = stats().misses;
    expect(await cached('2026-11')).toEqual(await uncached('2026-11'));
    expect(stats().misses).toBe(missesBefore + 2);
  });

  it('incident part: an incident opened and acknowledged, a running clock passing its due instant: cached == uncached', async () => {
    const before = (await cached('2026-11')).contracts[0]?.incidents;
    const { number } = await api('/api/v1/incidents', { method: 'POST', body: JSON.stringify({ title: 'hotline: db slow', severity: 'P2', target: 'db-1' }) }, OPERATOR);
    const opened = await cached('2026-11');
    expect(opened).toEqual(await uncached('2026-11'));
    expect(opened.contracts[0]?.incidents.total).toBe((before?.total ?? 0) + 1);
    await api(`/api/v1/incidents/${number}/ack`, { method: 'POST', body: '{}' }, OPERATOR);
    expect(await cached('2026-11')).toEqual(await uncached('2026-11'));
    const breachedBefore = (await cached('2026-11')).contracts[0]?.incidents.resolution.breached ?? 0;
    // Past every running resolution clock's due instant (levels-i-iv: 12 h at most for a P1 .. 5 days for IV).
    c.advance(6 * 24 * 60 * MIN);
    const later = await cached('2026-11');
    expect(later).toEqual(await uncached('2026-11'));
    expect(later.contracts[0]?.incidents.resolution.breached).toBeGreaterThan(breachedBefore);
  });

  it('month rollover: November ends (its last minutes counted) and December starts from its own history', async () => {
    const november = await cached('2026-11');
    c.advance(Date.parse('2026-11-30T16:00:00Z') - c.clock() + 5 * MIN); // 2026-12-01 00:05 Asia/Shanghai
    const closed = await cached('2026-11');
    expect(closed).toEqual(await uncached('2026-11'));
    expect(closed).not.toEqual(november);
    expect(closed.contracts[0]?.members.find((m) => m.target === 'web-1')?.downtime_s).toBe((Date.parse('2026-11-30T16:00:00Z') - T0) / 1000);
    const december = await cached('2026-12');
    expect(december).toEqual(await uncached('2026-12'));
    expect(december.contracts[0]?.members.find((m) => m.target === 'web-1')?.downtime_s).toBe(300);
  });
});
