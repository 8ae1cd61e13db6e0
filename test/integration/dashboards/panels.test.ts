/**
 * End to end: results published over MQTT into a real collector with the influx writer (v1 mode) → InfluxDB
 * 1.6.7, with a known outage (web-1 crit for 15 of 60 minutes). Then EVERY InfluxQL target of EVERY dashboard
 * panel runs against InfluxDB with Grafana's macro expansion reproduced ($timeFilter, $__interval,
 * $__interval_ms, template variables as regexes /^(a|b)$/ or .* for All) and must return data; the
 * availability panels must show exactly what GET /api/v1/availability answers for the same minute-aligned window
 * (to 0.001 percentage points).
 */
import type { Dashboard, Panel } from '@grafana/schema';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topics, type ResultMessage } from '../../../common/protocol.js';
import { DASHBOARDS } from '../../../dashboards/src/dashboards.js';
import { startInfluxDb, type InfluxDbServer, type InfluxSeries } from '../../helpers/influxdb.js';
import { waitUntil } from '../../helpers/wait.js';
import { connectAgent, json, result, startTestCollector, status, VIEWER, type TestCollector } from '../collector/support.js';

const MIN = 60_000;
const T0 = Math.floor((Date.now() - 3 * 3_600_000) / 3_600_000) * 3_600_000; // a whole hour, ≥ 2 h ago
const T1 = T0 + 60 * MIN;
const AGENT = 'edge-1';

/** Grafana's regex formatting of a multi-value variable: All → allValue, else /^(a|b)$/ with values escaped. */
const regexValue = (values: string[] | 'all'): string =>
  values === 'all' ? '.*' : `(${values.map((v) => v.replace(/[\\^$*+?.()|[\]{}/-]/g, '\\$&')).join('|')})`;

export function expandMacros(query: string, range: { fromMs: number; toMs: number }, intervalMs: number, vars: Record<string, string[] | 'all'>): string {
  let q = query
    .replaceAll('$timeFilter', `time >= ${range.fromMs}ms and time <= ${range.toMs}ms`)
    .replaceAll('$__interval_ms', String(intervalMs))
    .replaceAll('$__interval', `${Math.round(intervalMs / 1000)}s`);
  for (const [name, values] of Object.entries(vars)) q = q.replaceAll(`$${name}`, regexValue(values));
  expect(q, 'every macro expanded').not.toMatch(/\$(?!tag_)[a-z_]/);
  return q;
}

/** Panels that legitimately have no data in this scenario (kept minimal). */
const NO_DATA_ALLOWED = new Set<string>([]);

describe('dashboards against InfluxDB 1.6.7 after an end-to-end scenario', () => {
  let influx: InfluxDbServer;
  let col: TestCollector;
  let agent: MqttClient;
  let seq = 0;

  const publish = async (m: ResultMessage): Promise<void> => {
    await agent.publishAsync(topics.results(AGENT), JSON.stringify(m), { qos: 1 });
  };
  const run = async (sql: string): Promise<InfluxSeries[]> => (await influx.query(sql, 'outpost')).results.flatMap((r) => r.series ?? []);

  beforeAll(async () => {
    influx = await startInfluxDb();
    await influx.query('CREATE DATABASE outpost');
    col = await startTestCollector({
      incidents: { grace_period: 0 },
      // contract-003 states a compliance goal (95 %): the compliance panels draw it from query B.
      sla: { contracts: [{ name: 'shop', policy: 'contract-003', members: { targets: ['web-1'] } }] },
      influx: {
        enabled: true,
        mode: 'v1',
        url: influx.url,
        database: 'outpost',
        flush_interval: '50ms',
        availability: { tick: '200ms', close_delay: 0, backfill: '6h' },
      },
    });
    agent = await connectAgent(`mqtt://127.0.0.1:${col.running.mqttPort}`, AGENT);
    await agent.publishAsync(
      topics.status(AGENT),
      JSON.stringify(status(AGENT, 'online', [{ check_id: 'web', target: 'web-1' }, { check_id: 'host', check_type: 'host', target: 'host-1' }])),
      { qos: 1, retain: true },
    );
    // web-1: ok, crit from minute 20 to 35 (the known outage), ok again; one result a minute.
    for (let m = 0; m <= 75; m++) {
      const state = m >= 20 && m < 35 ? 'crit' : 'ok';
      await publish(result(AGENT, ++seq, 'web', state, T0 + m * MIN, { target: 'web-1', check_type: 'http', metrics: { response_ms: 10 + m } }));
      await publish(
        result(AGENT, ++seq, 'host', 'ok', T0 + m * MIN + 1000, {
          target: 'host-1',
          check_type: 'host',
          metrics: { cpu_used_percent: 12.5, memory_used_percent: 40, load5_per_core: 0.2 },
          series: [
            { tags: { mount: '/', fs_type: 'ext4', device: '/dev/sda1' }, metrics: { used_percent: 55, used_bytes: 5e9 } },
            { tags: { interface: 'eth0' }, metrics: { rx_bytes_per_s: 1000, tx_bytes_per_s: 2000 } },
          ],
        }),
      );
      await publish(result(AGENT, ++seq, 'ping', 'ok', T0 + m * MIN + 2000, { target: 'host-1', check_type: 'ping', metrics: { rtt_avg_ms: 0.4, loss_percent: 0 } }));
      await publish(
        result(AGENT, ++seq, 'sw', 'ok', T0 + m * MIN + 3000, {
          target: 'switch-1',
          check_type: 'snmp',
          metrics: { interfaces_total: 1 },
          series: [
            {
              tags: { if_name: 'Gi0/1', if_alias: 'uplink', if_index: '1' },
              metrics: { in_bits_per_s: 1e6, out_bits_per_s: 2e6, in_utilisation_percent: 1, out_utilisation_percent: 2, in_errors_per_s: 0, out_errors_per_s: 0, in_discards_per_s: 0, out_discards_per_s: 0 },
            },
          ],
        }),
      );
    }
    // Every result committed, incidents opened and resolved, buckets rewritten and flushed.
    await waitUntil(async () => (await col.running.checks.all(col.running.store.db)).length === 4, 20_000, 'four checks');
    await waitUntil(async () => (await run(`SELECT count("event") FROM "outpost_incident_event" WHERE "kind" = 'resolved'`)).length > 0, 30_000, 'incident resolved in influx');
    const influxSink = col.running.influx!;
    await waitUntil(async () => {
      influxSink.tick();
      await influxSink.flush();
      const s = await run(`SELECT sum("down_s") FROM "outpost_availability" WHERE "target" = 'web-1' AND time >= ${T0}ms AND time < ${T1}ms`);
      return s[0]?.values[0]?.[1] === 15 * 60;
    }, 30_000, 'the outage minutes in influx');
  }, 120_000);

  afterAll(async () => {
    await agent?.endAsync();
    await col?.running.stop();
    await influx?.destroy();
  });

  const panels = Object.entries(DASHBOARDS).flatMap(([name, d]) => ((d as Dashboard).panels as Panel[]).map((p) => [`${name}: ${p.title}`, p] as const));

  it.each(panels)('%s returns data for every target', async (label, panel) => {
    const range = { fromMs: T0 - 60 * MIN, toMs: Date.now() + MIN };
    for (const target of panel.targets ?? []) {
      const q = expandMacros(String(target.query), range, MIN, { contract: 'all', group: 'all', host: 'all' });
      const series = await run(q);
      if (NO_DATA_ALLOWED.has(label)) continue;
      expect(series.length, `${label}: ${q}`).toBeGreaterThan(0);
      expect(series.some((s) => s.values.some((row) => row.slice(1).some((v) => v !== null))), `${label}: ${q}`).toBe(true);
    }
  });

  it('the availability panels show the number GET /api/v1/availability gives for the same window (to 0.001 points)', async () => {
    // Grafana's $timeFilter is inclusive at both ends: the range [T0, T1 − 1 ms] holds exactly the buckets of [T0, T1).
    const range = { fromMs: T0, toMs: T1 - 1 };
    const api = new Map<string, any>();
    for (const host of ['web-1', 'host-1', 'switch-1']) {
      const from = new Date(T0).toISOString();
      const to = new Date(T1).toISOString();
      api.set(host, await json(col.api(`/api/v1/availability?target=${host}&from=${from}&to=${to}`, VIEWER)));
    }
    const engine = (target: string) => ({ availabilityPercent: api.get(target).availability_percent as number, downMs: api.get(target).down_s * 1000 });
    const web = engine('web-1');
    expect(web.availabilityPercent).toBeCloseTo(75, 6); // 15 of 60 minutes down
    expect(web.downMs).toBe(15 * MIN);
    const checked: string[] = [];
    for (const [name, d] of Object.entries(DASHBOARDS)) {
      for (const panel of (d as Dashboard).panels as Panel[]) {
        const target = panel.targets?.[0];
        const q = String(target?.query ?? '');
        if (!q.includes('sum("up_s") / (') || !q.includes('GROUP BY "target"')) continue;
        for (const host of ['web-1', 'host-1', 'switch-1']) {
          const series = await run(expandMacros(q, range, MIN, { contract: 'all', group: 'all', host: [host] }));
          expect(series).toHaveLength(1);
          const shown = series[0]?.values[0]?.[1] as number;
          expect(Math.abs(shown - (engine(host).availabilityPercent as number)), `${name}/${panel.title}/${host}`).toBeLessThan(0.001);
        }
        checked.push(`${name}/${panel.title}`);
      }
    }
    expect(checked).toEqual(['overview/Availability per target', 'sla/Availability (month to date)']);
    // Downtime used (SLA dashboard) is the engine's downtime.
    const downtimePanel = ((DASHBOARDS.sla as Dashboard).panels as Panel[]).find((p) => p.title === 'Downtime used vs allowed');
    const down = await run(expandMacros(String(downtimePanel?.targets?.[0]?.query), range, MIN, { contract: 'all', group: 'all', host: ['web-1'] }));
    expect(down[0]?.values[0]?.[1]).toBeCloseTo(web.downMs / 1000, 6);
  });

  it('the compliance panels show what GET /api/v1/sla/summary says, against the contract goal', async () => {
    const period = new Date(T0 + 8 * 3_600_000).toISOString().slice(0, 7); // the month in Asia/Shanghai
    const summary = await json(col.api(`/api/v1/sla/summary?period=${period}`, VIEWER));
    const shop = summary.contracts.find((c: { name: string }) => c.name === 'shop');
    expect(shop.compliance_target).toBe(95);
    const panels = ((DASHBOARDS.sla as Dashboard).panels as Panel[]).filter((p) => (p.title ?? '').endsWith('compliance by severity'));
    expect(panels.map((p) => p.title)).toEqual(['Response compliance by severity', 'Resolution compliance by severity']);
    const range = { fromMs: T0 - 60 * MIN, toMs: Date.now() + MIN };
    for (const [panel, clock] of [[panels[0], 'response'], [panels[1], 'resolution']] as const) {
      const [bars, goal] = (panel?.targets ?? []).map((t) => String(t.query));
      const shown = await run(expandMacros(String(bars), range, MIN, { contract: ['shop'], group: 'all', host: 'all' }));
      for (const series of shown) {
        const severity = series.tags?.severity as string;
        expect(series.values[0]?.[1], `${clock} ${severity}`).toBe(shop.incidents.by_severity[severity][clock].compliance_percent);
      }
      expect(shown.length).toBeGreaterThan(0);
      const drawn = await run(expandMacros(String(goal), range, MIN, { contract: ['shop'], group: 'all', host: 'all' }));
      expect(drawn[0]?.values[0]?.[1]).toBe(95);
    }
  });

  it('exports the writer counters in /metrics', async () => {
    const metrics = await (await col.api('/metrics')).text();
    const written = Number(/outpost_influx_lines_total\{result="written"\} (\d+)/.exec(metrics)?.[1]);
    expect(written).toBeGreaterThan(0);
    expect(metrics).toContain('outpost_influx_lines_total{result="dropped"} 0');
    expect(metrics).toMatch(/outpost_influx_buffered_lines \d+/);
  });
});
