/**
 * What a reload of `sla` does to running clocks (docs/sla.md "Reloading contracts"), on a real collector with an
 * injected clock: an open incident keeps the policy terms it was opened under; a new incident is timed under the
 * reloaded terms; a maintenance window added by the reload suppresses incidents at once; a contract added by the
 * reload owns its targets' availability at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../../../helpers/wait.js';
import { VIEWER, json } from '../support.js';
import { clockedAgent, clockedConfig, startClockedCollector, type ClockedCollector } from './support.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
// Monday 2026-10-05 10:00 Asia/Shanghai.
const T0 = Date.parse('2026-10-05T02:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

const gold = (response: string) => ({ extends: 'contract-003', resolution_starts: 'opened', severities: { P2: { response, resolution: '4h' } } });
const BEFORE = {
  sla: {
    policies: { gold: gold('30m') },
    contracts: [{ name: 'acme', policy: 'gold', calendar: '24x7', availability_target: 99, members: { targets: ['web-1', 'web-3'] } }],
  },
};
const AFTER = {
  sla: {
    policies: { gold: gold('2h') },
    contracts: [...BEFORE.sla.contracts, { name: 'beta', policy: 'gold', calendar: '24x7', availability_target: 97, members: { targets: ['web-2'] } }],
    maintenance: [{ name: 'web-2 move', targets: ['web-2'], start: iso(T0 - HOUR), end: iso(T0 + 5 * HOUR) }],
  },
};

let c: ClockedCollector;
let agent: Awaited<ReturnType<typeof clockedAgent>>;
beforeAll(async () => {
  c = await startClockedCollector(BEFORE, T0);
  agent = await clockedAgent(c, 'a1');
});
afterAll(async () => {
  agent?.end();
  await c?.stop();
});

async function incidentFor(target: string): Promise<any> {
  return waitUntil(async () => (await json(c.api(`/api/v1/incidents?target=${target}`, VIEWER))).items[0], 20_000, `incident for ${target}`);
}

describe('reloading sla with incidents open', () => {
  it('open incidents keep their terms; new ones, maintenance and availability follow the reloaded contracts at once', async () => {
    await agent.publish('web-2', 'http-2', 'tcp', 'ok', 'HTTP 200');
    await agent.publish('web-1', 'http', 'tcp', 'crit', 'HTTP 500');
    const first = await incidentFor('web-1');
    expect(first.sla).toMatchObject({ policy: 'gold', contract: 'acme', response_due_at: iso(T0 + 30 * MIN) });
    expect(await json(c.api('/api/v1/availability?target=web-2', VIEWER))).toMatchObject({ contract: null, target_percent: 99.9 });

    const plan = c.running.reload(await clockedConfig(c.dataDir, AFTER));
    expect(plan).toMatchObject({ changed: ['sla'], restart: [] });

    // The open incident: the terms of its opening (30 min), not the reloaded 2 h.
    const kept = await json(c.api(`/api/v1/incidents/${first.number}`, VIEWER));
    expect(kept.sla).toMatchObject({ policy: 'gold', contract: 'acme', response_due_at: iso(T0 + 30 * MIN), response: { target_s: 1800 } });
    expect(c.running.sla.scheduler.nextAtMs()).toBe(T0 + 24 * MIN);

    // A new incident: the reloaded terms.
    c.advance(MIN);
    await agent.publish('web-3', 'http-3', 'tcp', 'crit', 'HTTP 502');
    const second = await incidentFor('web-3');
    expect(second.sla).toMatchObject({ policy: 'gold', contract: 'acme', response_due_at: iso(T0 + MIN + 2 * HOUR), response: { target_s: 7200 } });

    // The window added by the reload suppresses web-2's incident; the state is still recorded.
    await agent.publish('web-2', 'http-2', 'tcp', 'crit', 'HTTP 503');
    expect((await json(c.api('/api/v1/incidents?target=web-2', VIEWER))).total).toBe(0);
    expect(c.running.sla.inMaintenance('web-2', c.clock())).toBe(true);

    // The contract added by the reload owns web-2's availability.
    expect(await json(c.api('/api/v1/availability?target=web-2', VIEWER))).toMatchObject({ contract: 'beta', target_percent: 97 });
  });
});
