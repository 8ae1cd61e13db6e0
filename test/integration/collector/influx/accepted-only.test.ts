/**
 * InfluxDB gets only what the state history accepted: a duplicate seq (redelivery with another observation time) is
 * never written, a result from a clock running ahead is dated at its receive time exactly as in the state history,
 * and report samples follow the same rule. Real InfluxDB 1.6.7, real embedded broker.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { databaseFile } from '../../../../collector/config.js';
import { openSqlStore } from '../../../../collector/store/sql/connect.js';
import { startInfluxDb, type InfluxDbServer } from '../../../helpers/influxdb.js';
import { waitUntil } from '../../../helpers/wait.js';
import { connectAgent, publishResult, result, startTestCollector, testStoreOverride, type TestCollector } from '../support.js';

let influx: InfluxDbServer;
let tc: TestCollector;
let client: MqttClient;
let stopped = false;

beforeAll(async () => {
  influx = await startInfluxDb();
  await influx.query('CREATE DATABASE outpost');
  tc = await startTestCollector({ influx: { enabled: true, mode: 'v1', url: influx.url, database: 'outpost', flush_interval: '20ms' }, reports: { sample_period: '1m' } });
  client = await connectAgent(`mqtt://127.0.0.1:${tc.running.mqttPort}`, 'acc-1');
}, 60_000);
afterAll(async () => {
  client?.end(true);
  if (!stopped) await tc?.running.stop();
  await influx?.destroy();
});

describe('InfluxDB after the state history', () => {
  it('writes accepted results only, with the history\'s clock correction', async () => {
    const t0 = Date.now() - 10 * 60_000;
    const sent = Date.now();
    await publishResult(client, result('acc-1', 1, 'dup', 'ok', t0, { sent_at_ms: sent }));
    await publishResult(client, result('acc-1', 2, 'dup', 'warn', t0 + 60_000, { sent_at_ms: sent }));
    // A redelivered seq 2 carrying another observation time: a duplicate, never written.
    await publishResult(client, result('acc-1', 2, 'dup', 'crit', t0 + 120_000, { sent_at_ms: sent }));
    // A clock one hour ahead: dated at the collector's receive time.
    const ahead = Date.now() + 3_600_000;
    await publishResult(client, result('acc-1', 3, 'dup', 'ok', ahead, { sent_at_ms: ahead }));
    const rows = await waitUntil(async () => {
      const r = await influx.query(`SELECT state_code FROM "tcp" WHERE "check" = 'dup'`, 'outpost');
      const values = r.results[0]?.series?.[0]?.values ?? [];
      return values.length >= 3 ? values : undefined;
    }, 20_000, 'three points');
    expect(rows).toHaveLength(3);
    const times = rows.map((row) => (typeof row[0] === 'number' ? row[0] : Date.parse(String(row[0]))));
    expect(times.slice(0, 2)).toEqual([t0, t0 + 60_000]);
    expect(times).not.toContain(t0 + 120_000);
    expect(times[2]).toBeLessThanOrEqual(Date.now());
    expect(rows.map((row) => row[1])).toEqual([0, 1, 0]);
    const interval = await tc.running.intervals.open(tc.running.store.db, 'acc-1', 'dup');
    expect(interval?.startMs).toBe(times[2]);

    // Report samples (flushed at stop): the accepted results only, the duplicate's crit never lands in a slot.
    await tc.running.stop();
    const pg = await testStoreOverride(tc.dataDir);
    const store = await openSqlStore(pg ? { kind: 'postgres', url: pg.url } : { kind: 'sqlite', file: databaseFile({ data_dir: tc.dataDir }) }, { migrations: false });
    const samples = await store.db.selectFrom('report_samples').select(['observed_ms', 'state']).where('check_id', '=', 'dup').orderBy('observed_ms').execute();
    await store.close();
    expect(samples.map((s) => [s.observed_ms, s.state])).toEqual([[t0, 'ok'], [t0 + 60_000, 'warn'], [times[2], 'ok']]);
    stopped = true;
  });
});
