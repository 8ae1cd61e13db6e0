/**
 * Collector config section `influx:` — where time series go. `mode: v2` uses @influxdata/influxdb-client's
 * v2 write API (InfluxDB 2.x, 3.x, 1.8+, VictoriaMetrics); `mode: v1` posts to `/write?db=&rp=` for
 * InfluxDB 1.6/1.7 (Debian's). Disabled by default: the embedded setup needs nothing else.
 */
import { z } from 'zod';
import { durationSchema } from '../../common/duration.js';

export const influxConfigSchema = z
  .strictObject({
    enabled: z.boolean().default(false),
    mode: z.enum(['v2', 'v1']).default('v2'),
    /** Base URL, e.g. `http://127.0.0.1:8086`. */
    url: z.url().default('http://127.0.0.1:8086'),
    /** v2: API token, organisation and bucket. */
    token: z.string().min(1).optional(),
    org: z.string().min(1).optional(),
    bucket: z.string().min(1).optional(),
    /** v1: database, retention policy (empty = the default one) and optional credentials. */
    database: z.string().min(1).optional(),
    retention_policy: z.string().min(1).optional(),
    username: z.string().min(1).optional(),
    password: z.string().optional(),
    /** Lines per HTTP write. */
    batch_size: z.number().int().min(1).max(100_000).default(5000),
    /** A partial batch is written after this delay. */
    flush_interval: durationSchema({ min: '10ms', max: '1m' }).default(1000),
    /** Lines kept while InfluxDB is unreachable; beyond it the oldest are dropped and counted. */
    max_buffer_lines: z.number().int().min(100).max(10_000_000).default(200_000),
    /** Backoff between failed writes: doubles from retry_min up to retry_max. */
    retry_min: durationSchema({ min: '10ms', max: '1m' }).default(1000),
    retry_max: durationSchema({ min: '10ms', max: '10m' }).default(30_000),
    /** One HTTP write may take this long. */
    timeout: durationSchema({ min: '100ms', max: '5m' }).default(10_000),
    /** v2 only: bodies larger than this are gzipped (gzip halves throughput on loopback; raise it there). */
    gzip_threshold: z.number().int().min(0).default(1_000_000),
    availability: z
      .strictObject({
        /** How often closed minutes are computed and written. */
        tick: durationSchema({ min: '100ms', max: '1m' }).default(10_000),
        /** A minute is closed this long after it ends (room for the ingest batch to commit). */
        close_delay: durationSchema({ max: '10m' }).default(5000),
        /** On start, minutes this far back are (re)written: covers a collector restart. */
        backfill: durationSchema({ max: '31d' }).default(3_600_000),
        /** Late data older than this is not rewritten into InfluxDB (the API still counts it). */
        max_rewrite: durationSchema({ min: '1m', max: '31d' }).default(86_400_000),
      })
      .prefault({}),
  })
  .superRefine((influx, ctx) => {
    if (influx.retry_max < influx.retry_min) ctx.addIssue({ code: 'custom', path: ['retry_max'], message: 'must be at least retry_min' });
    // fetch refuses URLs with credentials; saying so here beats a write error on every flush.
    const url = new URL(influx.url);
    if (url.username || url.password) {
      ctx.addIssue({ code: 'custom', path: ['url'], message: 'must not contain credentials: use influx.username and influx.password (v1) or influx.token (v2)' });
    }
    if (!influx.enabled) return;
    const need = (key: 'token' | 'org' | 'bucket' | 'database', why: string): void => {
      if (influx[key] === undefined) ctx.addIssue({ code: 'custom', path: [key], message: `required with ${why}` });
    };
    if (influx.mode === 'v2') {
      need('token', 'mode v2');
      need('org', 'mode v2');
      need('bucket', 'mode v2');
    } else {
      need('database', 'mode v1');
    }
  });

export type InfluxConfig = z.output<typeof influxConfigSchema>;
