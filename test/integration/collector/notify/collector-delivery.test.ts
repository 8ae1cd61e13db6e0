/**
 * Notifications inside a real collector: an incident opened by a result over MQTT is delivered to a signed DingTalk
 * robot and a signed webhook (local receivers verifying the official algorithms), and each delivery outcome lands on
 * the ticket timeline; a dead channel is recorded as failed without holding up the others.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { startImReceiver, type ImReceiver } from '../../../helpers/im-receiver.js';
import { freePort } from '../../../helpers/ports.js';
import { waitUntil } from '../../../helpers/wait.js';
import { connectAgent, json, publishResult, result, startTestCollector, VIEWER, type TestCollector } from '../support.js';

let receiver: ImReceiver;
let collector: TestCollector;
let agent: MqttClient;

beforeAll(async () => {
  receiver = await startImReceiver({ dingtalk: { accessToken: 'tok', secret: 'SECdemo' }, webhook: { secret: 'hook-secret' } });
  const deadPort = await freePort();
  collector = await startTestCollector({
    incidents: { targets: { 'db-1': { group: 'core', criticality: 'critical' } } },
    notifications: {
      retry: { attempts: 2, base_delay: '50ms', max_delay: '100ms' },
      channels: {
        oncall: { type: 'dingtalk', url: receiver.urls.dingtalk, secret: 'SECdemo' },
        audit: { type: 'webhook', url: receiver.urls.webhook, secret: 'hook-secret' },
        dead: { type: 'webhook', url: `http://127.0.0.1:${deadPort}/hook` },
      },
      routes: [{ channels: ['oncall', 'audit', 'dead'] }],
    },
  });
  agent = await connectAgent(`mqtt://127.0.0.1:${collector.running.mqttPort}`, 'db-1');
});

afterAll(async () => {
  agent?.end(true);
  await collector?.running.stop();
  await receiver?.close();
});

describe('notifications from a running collector', () => {
  it('delivers the opened incident to signed channels and records every outcome on the timeline', async () => {
    await publishResult(agent, result('db-1', 1, 'mysql-port', 'crit', Date.now(), { target: 'db-1', check_type: 'tcp' }));
    const incident = await waitUntil(async () => {
      const list = await json(collector.api('/api/v1/incidents', VIEWER));
      return list.total === 1 ? list.items[0] : undefined;
    }, 20_000, 'incident opened');

    await waitUntil(() => receiver.accepted('dingtalk').length === 1 && receiver.accepted('webhook').length === 1, 20_000, 'deliveries');
    const ding = receiver.accepted('dingtalk')[0]!.body as { msgtype: string; markdown: { title: string; text: string } };
    expect(ding.msgtype).toBe('markdown');
    expect(ding.markdown.title).toContain(incident.number);
    expect(ding.markdown.title).toContain('P1');
    const hook = receiver.accepted('webhook')[0]!.body as { kind: string; incident: { number: string; severity: string } };
    expect(hook).toMatchObject({ kind: 'opened', incident: { number: incident.number, severity: 'P1' } });

    const detail = await waitUntil(async () => {
      const d = await json(collector.api(`/api/v1/incidents/${incident.number}`, VIEWER));
      const kinds = d.timeline.map((e: { kind: string }) => e.kind);
      return kinds.filter((k: string) => k.startsWith('notification_')).length === 3 ? d : undefined;
    }, 20_000, 'three delivery outcomes on the timeline');
    const outcomes = detail.timeline.filter((e: { kind: string }) => e.kind.startsWith('notification_'));
    expect(outcomes.filter((e: { kind: string }) => e.kind === 'notification_delivered')).toHaveLength(2);
    expect(outcomes.filter((e: { kind: string }) => e.kind === 'notification_failed')).toHaveLength(1);

    const metrics = await (await collector.api('/metrics')).text();
    expect(metrics).toMatch(/outpost_notification_failures_total\{channel="dead"\} 1/);
  });
});
