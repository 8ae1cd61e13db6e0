/**
 * Start-up reconciliation: a check whose failing state is stored but whose incident never opened (a kill -9
 * between the state commit and the incident, or incidents switched on later) gets its incident when the collector
 * starts; an incident a person resolved while the check stayed red is not reopened by a restart; nothing duplicates.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { waitUntil } from '../../../helpers/wait.js';
import { connectAgent, json, OPERATOR, publishResult, result, startTestCollector, VIEWER, type TestCollector } from '../support.js';

let collector: TestCollector | undefined;
let agent: MqttClient | undefined;

afterAll(async () => {
  agent?.end(true);
  await collector?.running.stop();
});

async function incidents(c: TestCollector): Promise<any> {
  return json(c.api('/api/v1/incidents', VIEWER));
}

describe('incidents reconciled with the stored states at start-up', () => {
  it('opens the missing incident once, and never reopens one a person resolved', async () => {
    // Incidents off: the crit state is stored, no incident exists (what a crash right after the commit leaves).
    collector = await startTestCollector({ incidents: { enabled: false } });
    const dataDir = collector.dataDir;
    agent = await connectAgent(`mqtt://127.0.0.1:${collector.running.mqttPort}`, 'app-1');
    await publishResult(agent, result('app-1', 1, 'api-port', 'crit', Date.now(), { target: 'app-1', check_type: 'tcp' }));
    await waitUntil(() => collector!.changes.some((c) => c.checkId === 'api-port' && c.to === 'crit'), 20_000, 'crit stored');
    agent.end(true);
    await collector.running.stop();

    collector = await startTestCollector({}, dataDir);
    const opened = await incidents(collector);
    expect(opened.total).toBe(1);
    expect(opened.items[0]).toMatchObject({ target: 'app-1', check_id: 'api-port', status: 'open', last_state: 'crit' });
    const number = opened.items[0].number as string;

    // A person resolves it while the check is still red; restarts must neither reopen nor duplicate it.
    const res = await collector.api(`/api/v1/incidents/${number}/resolve`, OPERATOR, { method: 'POST', body: JSON.stringify({ cause: 'known issue', resolution: 'accepted by customer' }) });
    expect(res.status).toBe(200);
    await collector.running.stop();
    collector = await startTestCollector({}, dataDir);
    const after = await incidents(collector);
    expect(after.total).toBe(1);
    expect(after.items[0]).toMatchObject({ number, status: 'resolved' });
  });
});
