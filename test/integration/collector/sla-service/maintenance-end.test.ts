/**
 * A check that fails during a maintenance window opens no incident then; when the window ends and the check is
 * still bad, the incident opens at the watcher's next pass (not only at a later state change), once, with its SLA
 * clocks starting then. A check that recovered inside the window opens nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, VIEWER, json } from '../support.js';
import { clockedAgent, startClockedCollector, type ClockedCollector } from './support.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = Date.parse('2026-10-05T02:00:00Z'); // Monday 10:00 Asia/Shanghai
const iso = (ms: number) => new Date(ms).toISOString();

let c: ClockedCollector;
let agent: Awaited<ReturnType<typeof clockedAgent>>;

beforeAll(async () => {
  c = await startClockedCollector({ incidents: { targets: { 'db-9': { group: 'data' } } } }, T0);
  agent = await clockedAgent(c, 'm1');
});
afterAll(async () => {
  agent?.end();
  await c?.stop();
});

describe('maintenance end', () => {
  it('opens the incident of a check still bad when the window ends, once; a recovered one opens nothing', async () => {
    const res = await c.api('/api/v1/maintenance', ADMIN, {
      method: 'POST',
      body: JSON.stringify({ name: 'storage swap', reason: 'replace controller', groups: ['data'], start: iso(T0), end: iso(T0 + HOUR) }),
    });
    expect(res.status).toBe(201);
    c.advance(5 * MIN);
    await agent.publish('db-9', 'mysql', 'tcp', 'crit', 'connection refused');
    await agent.publish('db-9', 'replica', 'tcp', 'crit', 'lagging');
    c.advance(10 * MIN);
    await agent.publish('db-9', 'replica', 'tcp', 'ok');
    const incidents = async () => (await json(c.api('/api/v1/incidents?target=db-9', VIEWER))).items as any[];
    expect(await c.running.reconcileAfterMaintenance()).toBe(0);
    expect(await incidents()).toEqual([]);

    c.advance(HOUR - 15 * MIN + 1000); // one second past the window's end
    expect(await c.running.reconcileAfterMaintenance()).toBe(1);
    const [opened, ...rest] = await incidents();
    expect(rest).toEqual([]);
    expect(opened).toMatchObject({ check_id: 'mysql', status: 'open', last_state: 'crit' });
    // Opened at the watcher's pass (a second after the window's end), its clocks start at the window's end.
    expect(opened.sla.response).toMatchObject({ started_at: iso(T0 + HOUR) });

    c.advance(MIN);
    expect(await c.running.reconcileAfterMaintenance()).toBe(0);
    expect(await incidents()).toHaveLength(1);
  });
});
