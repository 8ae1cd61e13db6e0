/**
 * The console's live and public parts against a running collector on 127.0.0.1: the SSE stream (state changes,
 * incident notices, agent status), the per-contract status page behind its secret, and the webhook payload's
 * console deep link (`incident.url`) beside the API link (`incident.api_url`).
 */
import { request } from 'node:http';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topics } from '../../../../common/protocol.js';
import { startImReceiver, type ImReceiver } from '../../../helpers/im-receiver.js';
import { waitUntil } from '../../../helpers/wait.js';
import { VIEWER, connectAgent, json, publishResult, result, startTestCollector, status, type TestCollector } from '../support.js';

const SECRET = 'acme-status-0123456789';

/** An SSE client on node:http that collects `event:` / `data:` pairs. */
function openStream(port: number, token: string) {
  const events: Array<{ event: string; data: any }> = [];
  let buffer = '';
  const req = request({ host: '127.0.0.1', port, path: '/api/v1/stream', headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' } }, (res) => {
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      buffer += chunk;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.+)$/m.exec(block)?.[1];
        const data = /^data: (.+)$/m.exec(block)?.[1];
        if (event && data) events.push({ event, data: JSON.parse(data) });
      }
    });
  });
  req.end();
  return { events, close: () => req.destroy() };
}

describe('console live stream, status page and deep links', () => {
  let tc: TestCollector;
  let agent: MqttClient;
  let receiver: ImReceiver;

  beforeAll(async () => {
    receiver = await startImReceiver({ webhook: { secret: 'hook-secret' } });
    tc = await startTestCollector({
      api: { listen: { port: 0 }, tokens: [{ name: 'v', token: VIEWER, role: 'viewer' }], public_url: 'https://ops.example.test/outpost/', status_pages: [{ contract: 'acme', secret: SECRET }] },
      sla: { contracts: [{ name: 'acme', availability_target: 99.9, members: { targets: ['web-1'] } }] },
      notifications: { channels: { audit: { type: 'webhook', url: receiver.urls.webhook, secret: 'hook-secret' } }, routes: [{ channels: ['audit'] }] },
    });
    agent = await connectAgent(`mqtt://127.0.0.1:${tc.running.mqttPort}`, 'web-1');
  });
  afterAll(async () => {
    agent?.end(true);
    await tc?.running.stop();
    await receiver?.close();
  });

  it('streams state changes, incident notices and agent status to a viewer', async () => {
    const stream = openStream(tc.running.apiPort, VIEWER);
    try {
      await waitUntil(() => stream.events.some((e) => e.event === 'ready'), 10_000, 'ready event');
      await agent.publishAsync(topics.status('web-1'), JSON.stringify(status('web-1', 'online', [{ check_id: 'https', target: 'web-1' }])), { qos: 1, retain: true });
      await publishResult(agent, result('web-1', 1, 'https', 'ok', Date.now() - 1000, { target: 'web-1' }));
      await publishResult(agent, result('web-1', 2, 'https', 'crit', Date.now(), { target: 'web-1' }));
      const crit = await waitUntil(() => stream.events.find((e) => e.event === 'state' && e.data.to === 'crit'), 10_000, 'state event');
      expect(crit.data).toMatchObject({ agent_id: 'web-1', target: 'web-1', check_id: 'https', from: 'ok', to: 'crit' });
      const opened = await waitUntil(() => stream.events.find((e) => e.event === 'incident' && e.data.kind === 'opened'), 10_000, 'incident event');
      expect(opened.data).toMatchObject({ target: 'web-1', status: 'open', number: expect.stringMatching(/^INC-\d{8}-\d{4}$/) });
      await agent.publishAsync(topics.status('web-1'), JSON.stringify(status('web-1', 'offline', [], 'shutdown')), { qos: 1, retain: true });
      const offline = await waitUntil(() => stream.events.find((e) => e.event === 'agent' && e.data.online === false), 10_000, 'agent event');
      expect(offline.data).toMatchObject({ agent_id: 'web-1', online: false, status_reason: 'shutdown' });
    } finally {
      stream.close();
    }
  });

  it('the stream needs a login like every other read', async () => {
    const res = await fetch(`http://127.0.0.1:${tc.running.apiPort}/api/v1/stream`);
    expect(res.status).toBe(401);
  });

  it('the webhook payload links the console (incident.url) and the API (incident.api_url)', async () => {
    const delivered = await waitUntil(() => receiver.accepted('webhook').find((r) => (r.body as any)?.incident?.number), 20_000, 'webhook delivery');
    const incident = (delivered.body as any).incident;
    expect(incident.url).toBe(`https://ops.example.test/outpost/#/incidents/${incident.number}`);
    expect(incident.api_url).toBe(`https://ops.example.test/outpost/api/v1/incidents/${incident.number}`);
  });

  it('the status page answers its secret without a login and shows only the contract\'s targets and incidents', async () => {
    const base = `http://127.0.0.1:${tc.running.apiPort}`;
    const unknown = await fetch(`${base}/api/v1/status/not-the-secret-0000`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: 'no such status page', details: [] });
    const page = await json(fetch(`${base}/api/v1/status/${SECRET}`));
    expect(page).toMatchObject({ contract: 'acme', availability_target: 99.9, period: expect.stringMatching(/^\d{4}-\d{2}$/) });
    expect(page.targets).toEqual([expect.objectContaining({ target: 'web-1', state: 'unknown' })]);
    // The crit check's incident and the agent-lost one, both on web-1 (the contract's only target).
    expect(page.incidents).toHaveLength(2);
    for (const incident of page.incidents) expect(incident).toMatchObject({ target: 'web-1', status: 'open', response: { met: null, breached: false } });
    expect(JSON.stringify(page)).not.toContain('timeline');
  });
});
