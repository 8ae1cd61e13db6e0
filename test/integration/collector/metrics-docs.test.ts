/**
 * /metrics tells the truth: every metric docs/metrics.md lists is exposed with its documented type, every gauge
 * exposed is documented, and each gauge equals what the REST API says at that moment (agents online, open
 * incidents per severity) — after agents come and go and incidents open and resolve.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topics } from '../../../common/protocol.js';
import { REPO_ROOT } from '../../helpers/built.js';
import { waitUntil } from '../../helpers/wait.js';
import { connectAgent, json, publishResult, result, startTestCollector, status, VIEWER, type TestCollector } from './support.js';

interface Documented {
  name: string;
  type: string;
  influxOnly: boolean;
}

function documented(): Documented[] {
  const text = readFileSync(join(REPO_ROOT, 'docs/metrics.md'), 'utf8');
  return [...text.matchAll(/^\| `(outpost_[a-z_]+)` \| (gauge|counter|histogram) \|[^\n]*$/gm)].map((m) => ({ name: m[1] ?? '', type: m[2] ?? '', influxOnly: (m[0] ?? '').includes('only with `influx.enabled`') }));
}

/** name → type and samples (labels as `k="v",…` text) from the Prometheus text format. */
function parse(text: string): Map<string, { type: string; samples: Map<string, number> }> {
  const out = new Map<string, { type: string; samples: Map<string, number> }>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) out.set(type[1] ?? '', { type: type[2] ?? '', samples: new Map() });
    const sample = /^([a-z_]+)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (sample) out.get(sample[1] ?? '')?.samples.set(sample[2] ?? '', Number(sample[3]));
  }
  return out;
}

describe('/metrics against docs/metrics.md and the API', () => {
  let tc: TestCollector;
  const clients: MqttClient[] = [];
  const scrape = async () => parse(await (await tc.api('/metrics')).text());

  beforeAll(async () => {
    tc = await startTestCollector();
    for (const id of ['m-a1', 'm-a2', 'm-a3']) {
      const c = await connectAgent(`mqtt://127.0.0.1:${tc.running.mqttPort}`, id);
      clients.push(c);
      await c.publishAsync(topics.status(id), JSON.stringify(status(id, 'online', [{ check_id: 'web' }])), { qos: 1, retain: true });
      await publishResult(c, result(id, 1, 'web', id === 'm-a1' ? 'crit' : 'ok', Date.now()));
    }
    // One agent says goodbye: online gauge 2, its agent incident (P4) and m-a1's crit (P2) open.
    await clients[2]?.publishAsync(topics.status('m-a3'), JSON.stringify(status('m-a3', 'offline', [{ check_id: 'web' }], 'shutdown')), { qos: 1, retain: true });
  });
  afterAll(async () => {
    for (const c of clients) c.end(true);
    await tc.running.stop();
  });

  it('documents what is exposed, with the exposed type; every exposed gauge is documented', async () => {
    const docs = documented();
    expect(docs.length).toBeGreaterThan(10);
    const exposed = await scrape();
    for (const d of docs.filter((x) => !x.influxOnly)) expect({ name: d.name, type: exposed.get(d.name)?.type }).toEqual({ name: d.name, type: d.type });
    const gauges = [...exposed].filter(([, m]) => m.type === 'gauge').map(([name]) => name);
    expect(gauges.filter((g) => !docs.some((d) => d.name === g))).toEqual([]);
  });

  it('each gauge equals the API', async () => {
    await waitUntil(async () => (await json(tc.api('/api/v1/incidents?status=open,acknowledged', VIEWER))).total === 2, 10_000, 'two incidents open');
    const exposed = await scrape();
    const agents = (await json(tc.api('/api/v1/agents?inventory=false', VIEWER))).agents as Array<{ online: boolean }>;
    expect(exposed.get('outpost_agents_online')?.samples.get('')).toBe(agents.filter((a) => a.online).length);
    expect(exposed.get('outpost_agents_online')?.samples.get('')).toBe(2);
    for (const severity of ['P1', 'P2', 'P3', 'P4']) {
      const total = (await json(tc.api(`/api/v1/incidents?status=open,acknowledged&severity=${severity}`, VIEWER))).total as number;
      expect({ severity, gauge: exposed.get('outpost_incidents_open')?.samples.get(`severity="${severity}"`) }).toEqual({ severity, gauge: total });
    }
  });
});
