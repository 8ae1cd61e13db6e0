/**
 * The writer against real servers: v1 mode into InfluxDB 1.6.7 (including an outage in the middle: nothing lost
 * within the buffer bound, drops counted beyond it) and v2 mode (@influxdata/influxdb-client) into
 * VictoriaMetrics' /api/v2/write, read back through /api/v1/export.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../../common/logger.js';
import { createInfluxWriter } from '../../../../collector/influx/writer.js';
import { createV1Transport, createV2Transport } from '../../../../collector/influx/transport.js';
import { formatPoint, float, int } from '../../../../collector/influx/line-protocol.js';
import { startInfluxDb, type InfluxDbServer } from '../../../helpers/influxdb.js';
import { startVictoria, type VictoriaServer } from '../../../helpers/victoria.js';
import { waitUntil } from '../../../helpers/wait.js';

const logger = createLogger({ level: 'silent' });
const T0 = Date.UTC(2025, 0, 1);
const line = (i: number, measurement = 'probe'): string =>
  formatPoint({ measurement, tags: { target: 'web-1', check: 'c' }, fields: { seq: int(i), value: float(i / 2) }, timeMs: T0 + i * 1000 }) as string;
const lines = (from: number, to: number, measurement?: string): string[] => Array.from({ length: to - from }, (_, k) => line(from + k, measurement));

describe('v1 writer → InfluxDB 1.6.7', () => {
  let influx: InfluxDbServer;
  beforeAll(async () => {
    influx = await startInfluxDb();
    await influx.query('CREATE DATABASE outpost');
  }, 60_000);
  afterAll(async () => influx?.destroy());

  const v1 = (maxBufferLines: number) =>
    createInfluxWriter({
      transport: createV1Transport({ url: influx.url, database: 'outpost', timeout: 5000 }),
      logger,
      batchSize: 100,
      flushIntervalMs: 20,
      maxBufferLines,
      retryMinMs: 20,
      retryMaxMs: 200,
    });
  const count = async (measurement: string): Promise<number> => {
    const r = await influx.query(`SELECT count("seq") FROM "${measurement}"`, 'outpost');
    return Number(r.results[0]?.series?.[0]?.values[0]?.[1] ?? 0);
  };

  it('writes batches and partial batches; integer fields stay integers', async () => {
    const writer = v1(10_000);
    writer.write(lines(0, 250, 'basic'));
    await waitUntil(async () => (await count('basic')) === 250, 20_000, '250 points');
    const types = await influx.query('SHOW FIELD KEYS FROM "basic"', 'outpost');
    expect(types.results[0]?.series?.[0]?.values).toEqual([
      ['seq', 'integer'],
      ['value', 'float'],
    ]);
    const sum = await influx.query('SELECT sum("seq") FROM "basic"', 'outpost');
    expect(sum.results[0]?.series?.[0]?.values[0]?.[1]).toBe((249 * 250) / 2);
    await writer.stop();
    expect(writer.stats()).toMatchObject({ written: 250, dropped: 0, rejected: 0, buffered: 0 });
  });

  it('outage in the middle: keeps writing, nothing lost within the bound, then drops counted beyond it', async () => {
    const writer = v1(1000);
    writer.write(lines(0, 300, 'outage'));
    await waitUntil(async () => (await count('outage')) === 300, 20_000, 'first 300');
    await influx.stop();
    writer.write(lines(300, 900, 'outage')); // 600 lines while down: within the 1000-line bound
    await waitUntil(() => writer.stats().failures > 0, 20_000, 'a failed write');
    expect(writer.stats().buffered).toBe(600);
    await influx.start();
    await waitUntil(async () => (await count('outage')) === 900, 30_000, 'all 900 after restart');
    expect(writer.stats()).toMatchObject({ dropped: 0, buffered: 0, written: 900 });

    await influx.stop();
    writer.write(lines(900, 2400, 'outage')); // 1500 while down: 500 over the bound
    await waitUntil(() => writer.stats().dropped === 500, 20_000, '500 drops');
    await influx.start();
    await waitUntil(async () => (await count('outage')) === 1900, 30_000, '1000 more after restart');
    // The oldest were dropped: the newest 1000 arrived.
    const first = await influx.query(`SELECT first("seq") FROM "outage" WHERE time >= ${(T0 + 900_000) * 1e6}`, 'outpost');
    expect(first.results[0]?.series?.[0]?.values[0]?.[1]).toBe(1400);
    await writer.stop();
    expect(writer.stats()).toMatchObject({ dropped: 500, buffered: 0, written: 1900 });
  }, 120_000);

  it('bad data is rejected and counted, not retried; later batches still go through', async () => {
    const writer = v1(10_000);
    writer.write(lines(0, 10, 'mixed'));
    await writer.flush();
    writer.write(['mixed,target=x seq=1i 1', 'mixed,target=x seq="text" 2']); // field type conflict → HTTP 400
    await writer.flush();
    writer.write(lines(10, 20, 'mixed'));
    await writer.flush();
    expect(await count('mixed')).toBeGreaterThanOrEqual(20);
    expect(writer.stats().rejected).toBe(2);
    await writer.stop();
  });

  it('stop() makes a final flush of a partial batch', async () => {
    const writer = createInfluxWriter({
      transport: createV1Transport({ url: influx.url, database: 'outpost', timeout: 5000 }),
      logger,
      batchSize: 1000,
      flushIntervalMs: 60_000, // would never fire in this test
      maxBufferLines: 10_000,
      retryMinMs: 20,
      retryMaxMs: 200,
    });
    writer.write(lines(0, 7, 'final'));
    await writer.stop();
    expect(await count('final')).toBe(7);
  });
});

describe('v2 writer (@influxdata/influxdb-client) → VictoriaMetrics /api/v2/write', () => {
  let vm: VictoriaServer;
  beforeAll(async () => {
    vm = await startVictoria();
  }, 60_000);
  afterAll(async () => vm?.stop());

  it('writes every line; read back through /api/v1/export', async () => {
    const writer = createInfluxWriter({
      transport: createV2Transport({ url: vm.url, token: 't', org: 'o', bucket: 'b', timeout: 5000, gzip_threshold: 1_000_000, batch_size: 100 }),
      logger,
      batchSize: 100,
      flushIntervalMs: 20,
      maxBufferLines: 10_000,
      retryMinMs: 20,
      retryMaxMs: 200,
    });
    writer.write(lines(0, 250, 'vmprobe'));
    await writer.flush();
    expect(writer.stats()).toMatchObject({ written: 250, failures: 0 });
    const series = await waitUntil(async () => {
      const s = await vm.exportSeries('{__name__="vmprobe_seq"}');
      return s[0]?.values.length === 250 ? s : undefined;
    });
    expect(series[0]?.metric).toMatchObject({ target: 'web-1', check: 'c' });
    expect(series[0]?.values.slice(0, 3)).toEqual([0, 1, 2]);
    expect(series[0]?.timestamps[0]).toBe(T0);
    await writer.stop();
  });

  it('a server that is down: the batch is kept and written once it answers', async () => {
    const writer = createInfluxWriter({
      transport: createV2Transport({ url: 'http://127.0.0.1:9', token: 't', org: 'o', bucket: 'b', timeout: 1000, gzip_threshold: 0, batch_size: 10 }),
      logger,
      batchSize: 10,
      flushIntervalMs: 10,
      maxBufferLines: 15,
      retryMinMs: 10,
      retryMaxMs: 50,
    });
    writer.write(lines(0, 20, 'down'));
    await waitUntil(() => writer.stats().failures >= 2, 20_000, 'failures');
    expect(writer.stats()).toMatchObject({ written: 0, dropped: 5, buffered: 15 });
    await writer.stop();
  });
});
