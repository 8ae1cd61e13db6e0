/**
 * SLA in a running collector (embedded broker, SQLite, REST API) on an injected clock: incident timers in the API,
 * pause/resume, warning/breach/escalation fired once each (also across a restart), maintenance suppressing incidents
 * and excluded from availability, retroactive maintenance, availability by target/group/service/period against
 * hand-computed numbers, the SLA summary, and burn-rate alerts opening and resolving an incident.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SLA_POLL_MS } from '../../../../collector/sla-service/scheduler.js';
import { waitUntil } from '../../../helpers/wait.js';
import { ADMIN, OPERATOR, VIEWER, json } from '../support.js';
import { clockedAgent, startClockedCollector, type ClockedCollector } from './support.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
// Monday 2026-10-05 10:00 Asia/Shanghai.
const T0 = Date.parse('2026-10-05T02:00:00Z');

const OVERRIDES = {
  incidents: { targets: { 'web-1': { group: 'shop', criticality: 'high' }, 'web-2': { group: 'back' }, 'web-3': { group: 'back' }, 'db-1': { group: 'data' } } },
  sla: {
    escalations: { quick: { timer: 'resolution', levels: [{ after: '1h', name: 'team-lead', channels: ['lead-hook'] }, { after: '2h', name: 'director' }] } },
    policies: { gold: { extends: 'contract-003', resolution_starts: 'opened', severities: { P2: { response: '30m', resolution: '4h', escalation: 'quick' } } } },
    contracts: [{ name: 'acme', policy: 'gold', calendar: '24x7', availability_target: 99, members: { targets: ['web-1', 'db-1'] } }],
  },
  services: [{ name: 'storefront', rule: 'all', members: { targets: ['web-1'] } }],
};

let c: ClockedCollector;
let agent: Awaited<ReturnType<typeof clockedAgent>>;

const post = (path: string, token: string, body: unknown) => c.api(path, token, { method: 'POST', body: JSON.stringify(body) });
async function incidentFor(target: string, checkId: string): Promise<any> {
  return waitUntil(async () => {
    const list = await json(c.api(`/api/v1/incidents?target=${target}`, VIEWER));
    return list.items.find((i: any) => i.check_id === checkId);
  }, 20_000, `incident for ${target}/${checkId}`);
}
const show = (number: string) => json(c.api(`/api/v1/incidents/${number}`, VIEWER));
const iso = (ms: number) => new Date(ms).toISOString();

beforeAll(async () => {
  c = await startClockedCollector(OVERRIDES, T0);
  agent = await clockedAgent(c, 'a1');
  // web-1 reachability history for the availability tests: ping ok at T0, down 10:10–10:25.
  await agent.publish('web-1', 'ping', 'ping', 'ok');
});
afterAll(async () => {
  agent?.end();
  await c?.stop();
});

describe('SLA in a running collector', () => {
  it('an incident shows its timers: policy, contract, due instants, elapsed/remaining business seconds', async () => {
    await agent.publish('web-1', 'http', 'tcp', 'crit', 'HTTP 500');
    const incident = await incidentFor('web-1', 'http');
    expect(incident).toMatchObject({ severity: 'P2', status: 'open' });
    expect(incident.sla).toMatchObject({
      policy: 'gold',
      contract: 'acme',
      response_due_at: iso(T0 + 30 * MIN),
      resolution_due_at: iso(T0 + 4 * HOUR),
      paused: false,
      response: { state: 'running', elapsed_business_s: 0, remaining_business_s: 1800, target_s: 1800, met: null },
      escalation: { chain: 'quick', levels: [expect.objectContaining({ name: 'team-lead', due_at: iso(T0 + HOUR), fired_at: null }), expect.objectContaining({ name: 'director' })] },
    });
    // The scheduler is armed for the next change: the response warning at 80 % (24 min). It is armed from the
    // incident's notice after the commit the API already shows, so a moment later.
    expect(await waitUntil(() => c.running.sla.scheduler.nextAtMs(), 10_000, 'the SLA scheduler armed')).toBe(T0 + 24 * MIN);
    // On PostgreSQL the scheduler also polls (other collectors' incidents): its timer is then armed sooner.
    const armedAt = Math.min(T0 + 24 * MIN, c.running.store.dialect === 'postgres' ? T0 + SLA_POLL_MS : Infinity);
    expect(c.armed.some((a) => a.atMs === armedAt)).toBe(true);
  });

  it('warning, breach and escalation fire once each on the injected clock; acknowledging stops response, not resolution escalation', async () => {
    const { number } = await incidentFor('web-1', 'http');
    c.advance(24 * MIN);
    expect((await c.running.sla.scheduler.evaluate()).map((n) => [n.kind, n.detail])).toEqual([['sla_warning', 'response']]);
    expect(await c.running.sla.scheduler.evaluate()).toEqual([]);
    c.advance(6 * MIN);
    expect((await c.running.sla.scheduler.evaluate()).map((n) => [n.kind, n.detail])).toEqual([['sla_breach', 'response']]);
    c.advance(MIN);
    const acked = await post(`/api/v1/incidents/${number}/ack`, OPERATOR, {});
    expect(acked.status).toBe(200);
    const afterAck = await show(number);
    expect(afterAck.sla.response).toMatchObject({ state: 'breached', met: false, elapsed_business_s: 1860 });
    c.advance(29 * MIN);
    const escalated = await c.running.sla.scheduler.evaluate();
    expect(escalated.map((n) => [n.kind, n.detail, n.channels])).toEqual([['escalated', 'team-lead', ['lead-hook']]]);
    expect(c.notices.filter((n) => n.incident.number === number).map((n) => n.kind)).toEqual(['opened', 'sla_warning', 'sla_breach', 'acknowledged', 'escalated']);
    const detail = await show(number);
    expect(detail.timeline.map((e: any) => e.kind)).toEqual(['opened', 'sla_warning', 'sla_breach', 'acknowledged', 'escalated']);
    expect(detail.sla.escalation.levels[0].fired_at).toBe(iso(T0 + HOUR));
  });

  it('a restart on the same data directory never repeats what fired', async () => {
    const { number } = await incidentFor('web-1', 'http');
    agent.end();
    const dataDir = c.dataDir;
    const at = c.clock();
    await c.stop();
    c = await startClockedCollector(OVERRIDES, at, dataDir);
    agent = await clockedAgent(c, 'a1');
    expect(await c.running.sla.scheduler.evaluate()).toEqual([]);
    expect(c.notices).toEqual([]);
    expect((await show(number)).sla.escalation.levels[1]).toMatchObject({ due_at: iso(T0 + 2 * HOUR), fired_at: null });
  });

  it('pause/resume: audited on the timeline, paused time does not count, bad requests are named', async () => {
    const { number } = await incidentFor('web-1', 'http');
    const missing = await post(`/api/v1/incidents/${number}/pause`, OPERATOR, {});
    expect(missing.status).toBe(400);
    expect((await json(missing)).details).toEqual([{ field: 'body.reason', message: expect.stringContaining('expected string') }]);
    expect((await post(`/api/v1/incidents/${number}/pause`, VIEWER, { reason: 'x' })).status).toBe(403);
    const paused = await post(`/api/v1/incidents/${number}/pause`, OPERATOR, { reason: 'waiting on customer' });
    expect(paused.status).toBe(200);
    expect((await json(paused)).sla).toMatchObject({ paused: true, pause_reason: 'waiting on customer', resolution_due_at: null, resolution: { state: 'paused' } });
    expect((await post(`/api/v1/incidents/${number}/pause`, OPERATOR, { reason: 'again' })).status).toBe(409);
    c.advance(HOUR);
    const resumed = await post(`/api/v1/incidents/${number}/resume`, OPERATOR, { note: 'customer answered' });
    expect(resumed.status).toBe(200);
    const sla = (await json(resumed)).sla;
    // Opened at T0, paused T0+1h..T0+2h: 4 h of working time end at T0+5h.
    expect(sla).toMatchObject({ paused: false, resolution_due_at: iso(T0 + 5 * HOUR), resolution: { elapsed_business_s: 3600 } });
    expect((await post(`/api/v1/incidents/${number}/resume`, OPERATOR, {})).status).toBe(409);
    const kinds = (await show(number)).timeline.map((e: any) => e.kind);
    expect(kinds.slice(-2)).toEqual(['sla_paused', 'sla_resumed']);
    expect((await post('/api/v1/incidents/INC-20261005-9999/pause', OPERATOR, { reason: 'x' })).status).toBe(404);
  });

  it('maintenance: admin-only CRUD with named errors; suppresses incidents while the state is still recorded', async () => {
    const now = c.clock();
    const body = { name: 'disk swap', reason: 'replace disk', targets: ['web-2'], start: iso(now), end: iso(now + HOUR) };
    expect((await post('/api/v1/maintenance', OPERATOR, body)).status).toBe(403);
    const noReason = await post('/api/v1/maintenance', ADMIN, { ...body, reason: undefined });
    expect(noReason.status).toBe(400);
    expect((await json(noReason)).details.map((d: any) => d.field)).toEqual(['body.reason']);
    const backwards = await json(post('/api/v1/maintenance', ADMIN, { ...body, end: iso(now - MIN) }));
    expect(backwards.details).toEqual([{ field: 'body.end', message: 'end must be after start' }]);
    const both = await json(post('/api/v1/maintenance', ADMIN, { ...body, cron: '0 22 * * 2', duration: '2h' }));
    expect(both.details).toEqual([{ field: 'body.start', message: 'give exactly one of start/end, rrule or cron' }]);
    const created = await post('/api/v1/maintenance', ADMIN, body);
    expect(created.status).toBe(201);
    expect(await json(created)).toMatchObject({ name: 'disk swap', kind: 'once', retroactive: false, created_by: 'a' });

    await agent.publish('web-2', 'disk', 'tcp', 'crit', 'disk failed');
    await agent.publish('web-2', 'disk2', 'tcp', 'crit', 'disk2 failed');
    const history = await json(c.api(`/api/v1/checks/a1/disk/history?from=${now - MIN}&to=${now + MIN}`, VIEWER));
    expect(history.intervals.map((i: any) => i.state)).toEqual(['crit']);
    expect((await json(c.api('/api/v1/incidents?target=web-2', VIEWER))).total).toBe(0);

    // A ticket raised by a person during the window: its clocks start when the window ends (contract-003).
    c.advance(10 * MIN);
    const manual = await json(post('/api/v1/incidents', OPERATOR, { title: 'web-2 slow', severity: 'P2', target: 'web-2' }));
    expect(manual.sla).toMatchObject({ response: { state: 'pending', started_at: iso(now + HOUR) }, response_due_at: iso(now + HOUR + 30 * MIN) });
    c.advance(-10 * MIN);

    c.advance(HOUR);
    await agent.publish('web-2', 'disk', 'tcp', 'ok');
    const availability = await json(c.api(`/api/v1/availability?target=web-2&from=${now}&to=${now + HOUR}`, VIEWER));
    expect(availability).toMatchObject({ down_s: 0, maintenance_s: 3600, outage_count: 0, outages: [] });
    const list = await json(c.api('/api/v1/maintenance', VIEWER));
    expect(list.items.map((m: any) => m.name)).toEqual(['disk swap']);
  });

  it('retroactive maintenance needs retroactive: true, is recorded, and reclassifies the outage', async () => {
    const start = c.clock();
    await agent.publish('web-3', 'ping-web3', 'ping', 'crit', 'host unreachable');
    c.advance(30 * MIN);
    await agent.publish('web-3', 'ping-web3', 'ping', 'ok');
    c.advance(30 * MIN);
    const range = `from=${start}&to=${start + HOUR}`;
    const before = await json(c.api(`/api/v1/availability?target=web-3&${range}`, VIEWER));
    expect(before).toMatchObject({ down_s: 1800, up_s: 1800, outage_count: 1, outages: [expect.objectContaining({ duration_s: 1800, causes: ['host unreachable'] })] });

    const body = { name: 'forgotten change', reason: 'planned switch upgrade', targets: ['web-3'], start: iso(start), end: iso(start + 30 * MIN) };
    const refused = await post('/api/v1/maintenance', ADMIN, body);
    expect(refused.status).toBe(400);
    expect((await json(refused)).details).toEqual([{ field: 'body.retroactive', message: expect.stringContaining('retroactive: true') }]);
    const created = await json(post('/api/v1/maintenance', ADMIN, { ...body, retroactive: true, by: 'li.wei' }));
    expect(created).toMatchObject({ retroactive: true, created_by: 'li.wei', created_at: iso(c.clock()) });
    const after = await json(c.api(`/api/v1/availability?target=web-3&${range}`, VIEWER));
    expect(after).toMatchObject({ down_s: 0, maintenance_s: 1800, availability_percent: 100, outages: [] });

    const del = await c.api(`/api/v1/maintenance/${created.id}`, ADMIN, { method: 'DELETE' });
    expect(await json(del)).toMatchObject({ deleted_by: 'a' });
    expect((await json(c.api(`/api/v1/availability?target=web-3&${range}`, VIEWER))).down_s).toBe(1800);
    const audit = await json(c.api('/api/v1/maintenance?include_deleted=true', VIEWER));
    expect(audit.items.find((m: any) => m.id === created.id)).toMatchObject({ retroactive: true, deleted_by: 'a' });
  });

  it('availability API by target, group, service and period matches hand-computed numbers', async () => {
    // web-1's ping has been ok since T0; take it down for exactly 15 minutes now.
    const down = c.clock();
    await agent.publish('web-1', 'ping', 'ping', 'crit', 'timeout');
    c.advance(15 * MIN);
    await agent.publish('web-1', 'ping', 'ping', 'ok');
    c.advance(5 * MIN);
    const now = c.clock();
    const total = (now - T0) / 1000;
    const expected = { down_s: 900, up_s: total - 900, unknown_s: 0, outage_count: 1, contract: 'acme', target_percent: 99 };
    const byTarget = await json(c.api(`/api/v1/availability?target=web-1&from=${T0}&to=${now}`, VIEWER));
    expect(byTarget).toMatchObject({ ...expected, members: ['a1/ping'], rule: 'all' });
    expect(byTarget.availability_percent).toBeCloseTo((100 * (total - 900)) / total, 9);
    expect(byTarget.outages).toEqual([{ start: iso(down), end: iso(down + 15 * MIN), ongoing: false, duration_s: 900, downtime_s: 900, maintenance_s: 0, causes: ['timeout'] }]);
    const byGroup = await json(c.api(`/api/v1/availability?group=shop&from=${T0}&to=${now}`, VIEWER));
    expect(byGroup).toMatchObject({ down_s: 900, up_s: total - 900, members: ['web-1'] });
    const byService = await json(c.api(`/api/v1/availability?service=storefront&from=${T0}&to=${now}`, VIEWER));
    expect(byService).toMatchObject({ down_s: 900, up_s: total - 900 });
    const byPeriod = await json(c.api('/api/v1/availability?target=web-1&period=2026-10', VIEWER));
    // October in Asia/Shanghai starts 2026-09-30T16:00Z; no data before T0 is unknown, evaluated up to now.
    expect(byPeriod).toMatchObject({ from: '2026-09-30T16:00:00.000Z', to: iso(now), down_s: 900, up_s: total - 900, unknown_s: (T0 - Date.parse('2026-09-30T16:00:00Z')) / 1000 });
    // The quarter holding October (Q4) has the same measured figures, only more unknown time before T0.
    const byQuarter = await json(c.api('/api/v1/availability?target=web-1&period=2026-Q4', VIEWER));
    expect(byQuarter).toMatchObject({ from: '2026-09-30T16:00:00.000Z', to: iso(now), down_s: 900, up_s: total - 900 });
    const byCheck = await json(c.api(`/api/v1/availability?target=web-1&check=http&from=${T0}&to=${now}`, VIEWER));
    expect(byCheck.down_s).toBeGreaterThan(0);

    const bad = await c.api('/api/v1/availability?target=web-1&group=shop', VIEWER);
    expect(bad.status).toBe(400);
    expect((await json(c.api('/api/v1/availability?period=2026-13&target=web-1', VIEWER))).details).toEqual([{ field: 'query.period', message: 'expected YYYY-MM or YYYY-Qn' }]);
    expect((await c.api('/api/v1/availability?service=nope', VIEWER)).status).toBe(404);
  });

  it('the SLA summary per contract: members vs target, incidents by severity with compliance, MTTA', async () => {
    const summary = await json(c.api('/api/v1/sla/summary?period=2026-10', VIEWER));
    const acme = summary.contracts.find((x: any) => x.name === 'acme');
    expect(acme.members.find((m: any) => m.target === 'web-1')).toMatchObject({ downtime_s: 900, target_percent: 99, target_met: false });
    expect(acme.incidents.by_severity.P2).toMatchObject({ total: 1, response: { with_target: 1, met: 0, breached: 1, compliance_percent: 0 } });
    expect(acme.incidents.mtta_s).toBe(1860);
    expect((await c.api('/api/v1/sla/summary', VIEWER)).status).toBe(400);
  });

  it('burn-rate: a target burning the budget opens a P2 incident through the incident service, which resolves when it stops', async () => {
    await agent.publish('db-1', 'ping-db1', 'ping', 'ok');
    c.advance(HOUR);
    await agent.publish('db-1', 'ping-db1', 'ping', 'crit', 'no route');
    c.advance(10 * MIN);
    expect(await c.running.sla.evaluateBurnRate()).toContain('burn-rate:["acme","db-1"]');
    const incident = await incidentFor('db-1', 'burn-rate');
    expect(incident).toMatchObject({ severity: 'P2', check_type: 'burn-rate', source: 'auto', status: 'open', rule: 'burn-rate 1h/5m' });
    expect(incident.title).toBe('db-1：合同 acme 的错误预算消耗过快（≥ 14.4 倍，1h/5m）');
    expect(incident.title_code).toBe('title.burn_rate');
    await c.running.sla.evaluateBurnRate();
    expect((await json(c.api('/api/v1/incidents?target=db-1', VIEWER))).items.filter((i: any) => i.check_id === 'burn-rate')).toHaveLength(1);
    // Someone resolves it while the budget still burns: the next pass (within the grace) reopens the same incident.
    const res = await c.api(`/api/v1/incidents/${incident.number}/resolve`, OPERATOR, { method: 'POST', body: JSON.stringify({ cause: 'looked fine', resolution: 'closed too early' }) });
    expect(res.status).toBe(200);
    c.advance(MIN);
    expect(await c.running.sla.evaluateBurnRate()).toContain('burn-rate:["acme","db-1"]');
    const burning = (await json(c.api('/api/v1/incidents?target=db-1', VIEWER))).items.filter((i: any) => i.check_id === 'burn-rate');
    expect(burning.map((i: any) => [i.number, i.status])).toEqual([[incident.number, 'open']]);

    await agent.publish('db-1', 'ping-db1', 'ping', 'ok');
    c.advance(4 * 24 * HOUR);
    expect(await c.running.sla.evaluateBurnRate()).not.toContain('burn-rate:["acme","db-1"]');
    const resolved = await json(c.api(`/api/v1/incidents/${incident.number}`, VIEWER));
    expect(resolved).toMatchObject({ status: 'resolved', cause: 'recovered' });
  });

  it('/healthz lists SLA warnings (none for this setup: every calendar in use has holiday data or is 24x7)', async () => {
    const health = await json(c.api('/healthz'));
    expect(health.warnings).toEqual([]);
  });
});
