/**
 * How a batch of lines reaches InfluxDB. v2: @influxdata/influxdb-client's write API (its own retries off: the
 * writer owns retry and the buffer). v1: POST /write?db=&rp=&precision=ms for InfluxDB 1.6/1.7.
 */
import { HttpError, InfluxDB, setLogger, type WriteApi } from '@influxdata/influxdb-client';
import type { Logger } from '../../common/logger.js';
import type { InfluxConfig } from './config.js';

/** A failed write; `retryable` false means the data itself was refused (it would fail again). */
export class InfluxWriteError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status: number | null,
  ) {
    super(message);
  }
}

export interface InfluxTransport {
  write(lines: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

/** 400 (bad line protocol) and 413 (too large) would fail again; everything else may pass later. */
const refused = (status: number): boolean => status === 400 || status === 413 || status === 422;

export function createV1Transport(cfg: Pick<InfluxConfig, 'url' | 'database' | 'retention_policy' | 'username' | 'password' | 'timeout'>): InfluxTransport {
  const params = new URLSearchParams({ db: cfg.database ?? '', precision: 'ms' });
  if (cfg.retention_policy) params.set('rp', cfg.retention_policy);
  const endpoint = `${cfg.url.replace(/\/$/, '')}/write?${params}`;
  const headers: Record<string, string> = { 'content-type': 'text/plain; charset=utf-8' };
  if (cfg.username) headers.authorization = `Basic ${Buffer.from(`${cfg.username}:${cfg.password ?? ''}`).toString('base64')}`;
  return {
    async write(lines) {
      let res: Response;
      try {
        res = await fetch(endpoint, { method: 'POST', headers, body: lines.join('\n'), signal: AbortSignal.timeout(cfg.timeout) });
      } catch (error) {
        throw new InfluxWriteError(`influx v1 write failed: ${(error as Error).message}`, true, null);
      }
      if (res.status === 204 || res.status === 200) {
        await res.arrayBuffer();
        return;
      }
      const text = (await res.text().catch(() => '')).slice(0, 500);
      throw new InfluxWriteError(`influx v1 write HTTP ${res.status}: ${text}`, !refused(res.status), res.status);
    },
    async close() {},
  };
}

/**
 * The client library prints its own warnings to the console; with a logger they go through ours instead (one JSON
 * line each, secrets redacted). The library keeps one logger per process.
 */
function routeLibraryLog(logger: Logger): void {
  setLogger({
    error: (message, error) => logger.error({ err: error }, `influxdb-client: ${message}`),
    warn: (message, error) => logger.warn({ err: error }, `influxdb-client: ${message}`),
  });
}

export function createV2Transport(cfg: Pick<InfluxConfig, 'url' | 'token' | 'org' | 'bucket' | 'timeout' | 'gzip_threshold' | 'batch_size'>, logger?: Logger): InfluxTransport {
  if (logger) routeLibraryLog(logger);
  const client = new InfluxDB({ url: cfg.url, token: cfg.token ?? '', timeout: cfg.timeout });
  const api: WriteApi = client.getWriteApi(cfg.org ?? '', cfg.bucket ?? '', 'ms', {
    batchSize: cfg.batch_size + 1, // never flushes by itself: the writer decides
    flushInterval: 0,
    maxRetries: 0,
    maxBufferLines: cfg.batch_size + 1,
    gzipThreshold: cfg.gzip_threshold,
    // Returning a promise makes flush() settle with it: the error reaches the writer instead of a log line.
    writeFailed: (error: Error) => Promise.reject(error),
  });
  return {
    async write(lines) {
      api.writeRecords([...lines]);
      try {
        await api.flush();
      } catch (error) {
        const status = error instanceof HttpError ? error.statusCode : null;
        throw new InfluxWriteError(`influx v2 write failed: ${(error as Error).message}`, status === null || !refused(status), status);
      }
    },
    async close() {
      await api.close().catch(() => undefined);
    },
  };
}

export function createTransport(cfg: InfluxConfig, logger?: Logger): InfluxTransport {
  return cfg.mode === 'v1' ? createV1Transport(cfg) : createV2Transport(cfg, logger);
}
