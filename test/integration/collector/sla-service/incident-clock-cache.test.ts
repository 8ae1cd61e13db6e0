/**
 * The incident list's SLA clocks are served from kept inputs (incident-timers.ts: policy, facts, pauses, extensions,
 * fired events per incident, computed at `now` on every read). On a real collector with a test-driven clock, the
 * `sla` of every row of GET /api/v1/incidents equals the clocks computed without anything kept (a second timers
 * object over the same store) after time passing, an acknowledgement, a pause and its resume, an extension, a
 * maintenance window and an SLA reload; and a second read with nothing changed is served from what was kept.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../../common/logger.js';
import { getIncidentByNumber } from '../../../../collector/incidents/repository.js';
import { createIncidentTimers } from '../../../../collector/sla-service/incident-timers.js';
import { ADMIN, OPERATOR, VIEWER } from '../support.js';
import { clockedConfig, startClockedCollector, type ClockedCollector } from './support.js';

const MIN = 60_000;
// Monday 2026-10-05 10:00 Asia/Shanghai.
const T0 = Date.parse('2026-10-05T02:00:00Z');
const config = (response: string) => ({
  sla: {
    policies: { gold: { extends: 'contract-003', severities: { P2: { response, resolution: '4h' } } } },
    contracts: [{ name: 'acme', policy: 'gold', calendar: '24x7', availability_target: 99, members: { targets: ['web-1', 'db-1'] } }],
  },
});

let c: ClockedCollector;
const numbers: string[] = [];

beforeAll(async () => {
  c = await startClockedCollector(config('30m'), T0);
  for (const target of ['web-1', 'db-1', 'web-1']) {
    const created = await api('/api/v1/incidents', { method: 'POST', body: JSON.stringify({ title: `${target} down`, severity: 'P2', target, by: 'li' }) }, OPERATOR);
    numbers.push(created.number);
    c.advance(MIN);
  }
}, 120_000);
afterAll(async () => {
  await c?.stop();
});

async function api(path: string, init: RequestInit = {}, token = VIEWER): Promise<any> {
  const res = await c.api(path, token, init);
  const body = await res.json();
  expect(res.status, `${path}: ${JSON.stringify(body)}`).toBeLessThan(300);
  return body;
}

/** The clocks without anything kept: a timers object without the maintenance version never keeps inputs. */
async function uncached(number: string): Promise<unknown> {
  const front = c.running.sla.frontDoor;
  const timers = createIncidentTimers({ store: c.running.store, setup: front.current, facts: front.facts, maintenance: front.maintenanceView, logger: createLogger({ level: 'silent' }) });
  const record = await getIncidentByNumber(c.running.store.db, number);
  if (!record) throw new Error(`no ${number}`);
  return JSON.parse(JSON.stringify(await timers.json(record, c.clock())));
}

/** The list as the console asks for it, each row's `sla` checked against the uncached clocks. */
async function listMatches(): Promise<Map<string, any>> {
  const list = await api('/api/v1/incidents?status=open,acknowledged&limit=500');
  const rows = new Map<string, any>(list.items.map((i: any) => [i.number, i.sla]));
  expect([...rows.keys()].sort()).toEqual([...numbers].sort());
  for (const number of numbers) expect(rows.get(number), number).toEqual(await uncached(number));
  return rows;
}
const stats = () => c.running.sla.timers.stats();

describe('incident list clocks kept between requests', () => {
  it('a second read with nothing changed is served from what was kept, and equals the uncached clocks', async () => {
    await listMatches();
    const before = stats();
    await listMatches();
    expect(stats().hits).toBe(before.hits + numbers.length);
    expect(stats().misses).toBe(before.misses);
  });

  it('time passing (past the response due) moves elapsed/remaining and breaches without a re-read', async () => {
    const first = (await listMatches()).get(numbers[0]!);
    const before = stats();
    c.advance(40 * MIN);
    const later = (await listMatches()).get(numbers[0]!);
    expect(stats().misses).toBe(before.misses);
    expect(later.response.elapsed_business_s).toBe(first.response.elapsed_business_s + 40 * 60);
    expect(later.response.breached).toBe(true);
  });

  it('an acknowledgement, a pause, a resume and an extension are each seen at once', async () => {
    const [a, b] = numbers as [string, string];
    await api(`/api/v1/incidents/${a}/ack`, { method: 'POST', body: JSON.stringify({ by: 'li' }) }, OPERATOR);
    let rows = await listMatches();
    expect(rows.get(a).response.state).not.toBe('running');

    c.advance(5 * MIN);
    await api(`/api/v1/incidents/${b}/pause`, { method: 'POST', body: JSON.stringify({ reason: 'waiting on customer', by: 'li' }) }, OPERATOR);
    rows = await listMatches();
    expect(rows.get(b)).toMatchObject({ paused: true, pause_reason: 'waiting on customer' });
    c.advance(10 * MIN);
    await listMatches();
    await api(`/api/v1/incidents/${b}/resume`, { method: 'POST', body: JSON.stringify({ by: 'li' }) }, OPERATOR);
    rows = await listMatches();
    expect(rows.get(b).paused).toBe(false);
    expect(rows.get(b).pauses).toHaveLength(1);

    const dueBefore = rows.get(a).resolution_due_at;
    await api(`/api/v1/incidents/${a}/extend`, { method: 'POST', body: JSON.stringify({ for: '2h', approved_by: 'customer rep', reason: 'spare part', by: 'li' }) }, OPERATOR);
    rows = await listMatches();
    expect(Date.parse(rows.get(a).resolution_due_at) - Date.parse(dueBefore)).toBe(120 * MIN);
    expect(rows.get(a).extensions).toHaveLength(1);
  });

  it('a maintenance window added through the API and an SLA reload drop what was kept', async () => {
    await listMatches();
    const before = stats();
    await api('/api/v1/maintenance', { method: 'POST', body: JSON.stringify({ name: 'patching', reason: 'os updates', targets: ['db-1'], start: new Date(c.clock()).toISOString(), end: new Date(c.clock() + 60 * MIN).toISOString() }) }, ADMIN);
    await listMatches();
    expect(stats().misses).toBe(before.misses + numbers.length);

    c.running.reload(await clockedConfig(c.dataDir, config('2h')));
    const after = stats();
    await listMatches();
    expect(stats().misses).toBe(after.misses + numbers.length);
  });
});
