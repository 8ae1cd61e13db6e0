/**
 * Flapping within the reopen grace (`incidents.grace_period`) reopens the same incident for every source, in a
 * real collector (embedded broker, SQLite, REST API): SNMP traps (ten linkDown/linkUp pairs in one burst), check
 * results and heartbeat pings. A reopened incident's title follows its new cause; the timeline keeps the old one.
 */
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../../../helpers/wait.js';
import { linkDown, linkUp, publishEvent } from '../agent-events/support.js';
import { connectAgent, json, publishResult, result, startTestCollector, VIEWER, type TestCollector } from '../support.js';

const HB_TOKEN = 'flappy-job-token-0123456789';
let collector: TestCollector;
let agent: MqttClient;
let seq = 0;

async function incidentsOf(target: string): Promise<any[]> {
  return (await json(collector.api(`/api/v1/incidents?target=${encodeURIComponent(target)}&limit=100`, VIEWER))).items;
}
async function timeline(number: string): Promise<Array<{ kind: string; note: string | null; data: Record<string, unknown> | null }>> {
  return (await json(collector.api(`/api/v1/incidents/${number}`, VIEWER))).timeline;
}

beforeAll(async () => {
  collector = await startTestCollector({ heartbeats: [{ name: 'flappy-job', token: HB_TOKEN, target: 'job-1', period: '1h', grace: '10m' }] });
  agent = await connectAgent(`mqtt://127.0.0.1:${collector.running.mqttPort}`, 'flap-agent');
});
afterAll(async () => {
  agent?.end(true);
  await collector?.running.stop();
});

describe('flapping reopens one incident', () => {
  it('ten linkDown/linkUp pairs in one second: one incident, reopened nine times', async () => {
    for (let i = 0; i < 10; i++) {
      await publishEvent(agent, linkDown('flap-agent', ++seq, 'edge-sw9', 3, 'Gi0/3'));
      await publishEvent(agent, linkUp('flap-agent', ++seq, 'edge-sw9', 3, 'Gi0/3'));
    }
    const [only, ...more] = await waitUntil(async () => {
      const list = await incidentsOf('edge-sw9');
      if (list.length !== 1 || list[0].status !== 'resolved') return null;
      const entries = await timeline(list[0].number);
      return entries.filter((e) => e.kind === 'resolved').length === 10 ? list : null;
    }, 20_000, 'all twenty traps applied');
    expect(more).toEqual([]);
    // The API renders the title in the collector's language (zh-CN by default) from its code.
    expect(only).toMatchObject({ title: 'edge-sw9：接口 Gi0/3 (ifIndex 3) 断开', title_code: 'title.link_down', severity: 'P2', status: 'resolved' });
    const kinds = (await timeline(only.number)).map((e) => e.kind).filter((k) => k !== 'trap');
    expect(kinds).toEqual(['opened', ...Array.from({ length: 9 }, () => ['resolved', 'reopened']).flat(), 'resolved']);
  });

  it('check results crit/ok ten times in a burst: one incident', async () => {
    const t = Date.now();
    for (let i = 0; i < 10; i++) {
      await publishResult(agent, result('flap-agent', ++seq, 'web', 'crit', t + 2 * i, { target: 'web-9' }));
      await publishResult(agent, result('flap-agent', ++seq, 'web', 'ok', t + 2 * i + 1, { target: 'web-9' }));
    }
    const list = await waitUntil(async () => {
      const items = await incidentsOf('web-9');
      if (items.length !== 1 || items[0].status !== 'resolved') return null;
      return (await timeline(items[0].number)).filter((e) => e.kind === 'resolved').length === 10 ? items : null;
    }, 20_000, 'the ten flaps applied');
    expect(list).toHaveLength(1);
  });

  it('a reopened incident\'s title follows its new cause; the timeline keeps the old title', async () => {
    const t = Date.now();
    const disk = (value: number, level: string) => ({ code: 'host.disk_high', params: { mount: '/', value, threshold: level === 'crit' ? 95 : 80, level } });
    await publishResult(agent, result('flap-agent', ++seq, 'disk', 'crit', t, { target: 'db-9', message: 'disk 97% used', ...disk(97, 'crit') }));
    await publishResult(agent, result('flap-agent', ++seq, 'disk', 'ok', t + 1, { target: 'db-9', message: 'disk 60% used' }));
    await publishResult(agent, result('flap-agent', ++seq, 'disk', 'warn', t + 2, { target: 'db-9', message: 'disk 85% used', ...disk(85, 'warn') }));
    const [incident] = await waitUntil(async () => {
      const items = await incidentsOf('db-9');
      return items.length === 1 && items[0].status === 'open' && items[0].last_state === 'warn' ? items : null;
    }, 20_000, 'the incident reopened');
    // Titles and notes are codes: zh-CN by default, English on request; the timeline keeps the old title's code.
    expect(incident.title).toBe('db-9 · disk — 磁盘 / 使用率 85%（告警阈值 80%）');
    const [en] = (await json(collector.api('/api/v1/incidents?target=db-9&lang=en', VIEWER))).items;
    expect(en.title).toBe('db-9 · disk — disk / 85% used (warning threshold 80%)');
    const reopened = (await timeline(incident.number)).find((e) => e.kind === 'reopened');
    expect(reopened).toMatchObject({
      note: '磁盘 / 使用率 85%（告警阈值 80%）',
      note_code: 'note.finding',
      data: { state: 'warn', previous_title: 'db-9 · disk — disk / 97% used (critical threshold 95%)', previous_title_code: 'title.check', previous_title_params: { state: 'crit', finding: { code: 'host.disk_high' } } },
    });
  });

  it('a heartbeat failing, recovering and failing again: one incident', async () => {
    const ping = (path: string) => fetch(`http://127.0.0.1:${collector.running.apiPort}/api/v1/heartbeat/${path}`, { method: 'POST' });
    for (let i = 0; i < 3; i++) {
      expect((await ping(`${HB_TOKEN}/fail`)).status).toBe(200);
      await waitUntil(async () => (await incidentsOf('job-1')).some((x) => x.status === 'open'), 20_000, 'heartbeat incident open');
      expect((await ping(HB_TOKEN)).status).toBe(200);
      await waitUntil(async () => (await incidentsOf('job-1')).every((x) => x.status === 'resolved'), 20_000, 'heartbeat incident resolved');
    }
    const list = await incidentsOf('job-1');
    expect(list).toHaveLength(1);
    expect((await timeline(list[0].number)).filter((e) => e.kind === 'reopened')).toHaveLength(2);
  });
});
