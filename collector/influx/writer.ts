/**
 * The InfluxDB writer: `write()` only appends to a bounded buffer and returns (ingest never waits on InfluxDB).
 * Batches go out when `batchSize` lines are waiting or `flushIntervalMs` after the first one. A failed batch
 * goes back in front and is retried with exponential backoff; lines are dropped (oldest first, counted) only
 * when the buffer bound is reached. A batch InfluxDB refuses as bad data is counted as rejected, not retried.
 * `stop()` makes a final flush attempt.
 */
import type { Logger } from '../../common/logger.js';
import { createLineBuffer } from './line-buffer.js';
import { InfluxWriteError, type InfluxTransport } from './transport.js';

export interface InfluxWriterDeps {
  transport: InfluxTransport;
  logger: Logger;
  batchSize: number;
  flushIntervalMs: number;
  maxBufferLines: number;
  retryMinMs: number;
  retryMaxMs: number;
}

export interface InfluxWriterStats {
  /** Lines InfluxDB accepted. */
  written: number;
  /** Lines dropped because the buffer was full (InfluxDB unreachable for too long). */
  dropped: number;
  /** Lines InfluxDB refused as bad data (HTTP 400/413/422). */
  rejected: number;
  /** Failed write attempts. */
  failures: number;
  /** Lines waiting (in flight included). */
  buffered: number;
}

export function createInfluxWriter(deps: InfluxWriterDeps) {
  const log = deps.logger;
  const buffer = createLineBuffer(deps.maxBufferLines);
  const stats = { written: 0, dropped: 0, rejected: 0, failures: 0 };
  let inflight: Promise<void> | null = null;
  let inflightLines = 0;
  let flushTimer: NodeJS.Timeout | null = null;
  let retryTimer: NodeJS.Timeout | null = null;
  let backoffMs = 0;
  let stopped = false;

  function countDrops(n: number): void {
    if (n === 0) return;
    if (stats.dropped === 0) log.warn({ max_buffer_lines: deps.maxBufferLines }, 'influx buffer full: dropping the oldest lines');
    stats.dropped += n;
  }

  async function sendOne(): Promise<boolean> {
    const batch = buffer.take(deps.batchSize);
    if (batch.length === 0) return true;
    inflightLines = batch.length;
    try {
      await deps.transport.write(batch);
      stats.written += batch.length;
      if (backoffMs > 0) log.info({ buffered: buffer.size() }, 'influx writes succeed again');
      backoffMs = 0;
      return true;
    } catch (error) {
      stats.failures++;
      if (error instanceof InfluxWriteError && !error.retryable) {
        stats.rejected += batch.length;
        log.error({ err: error, lines: batch.length, sample: batch[0]?.slice(0, 300) }, 'influx refused a batch; not retried');
        return true;
      }
      countDrops(buffer.unshift(batch));
      backoffMs = backoffMs === 0 ? deps.retryMinMs : Math.min(deps.retryMaxMs, backoffMs * 2);
      log.warn({ err: error, retry_in_ms: backoffMs, buffered: buffer.size() }, 'influx write failed; will retry');
      return false;
    } finally {
      inflightLines = 0;
    }
  }

  /** Sends full batches (and a partial one when `partial`) until the buffer is drained or a write fails. */
  function pump(partial: boolean): void {
    if (inflight || retryTimer || stopped) return;
    if (buffer.size() === 0 || (!partial && buffer.size() < deps.batchSize)) return;
    if (flushTimer) {
      clearTimeout(flushTimer);
      flushTimer = null;
    }
    inflight = (async () => {
      let ok = true;
      while (ok && !stopped && (buffer.size() >= deps.batchSize || (partial && buffer.size() > 0))) ok = await sendOne();
      inflight = null;
      if (!ok) armRetry();
      else schedule();
    })();
  }

  /** Sends every buffered line (one attempt per batch until one fails), holding the in-flight slot. */
  async function drainAll(): Promise<boolean> {
    const run = (async () => {
      let ok = true;
      while (ok && buffer.size() > 0) ok = await sendOne();
      return ok;
    })();
    inflight = run.then(() => undefined);
    const ok = await run;
    inflight = null;
    return ok;
  }

  function armRetry(): void {
    if (stopped || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      pump(true);
    }, backoffMs);
    retryTimer.unref();
  }

  function schedule(): void {
    if (stopped || flushTimer || retryTimer || inflight || buffer.size() === 0) return;
    if (buffer.size() >= deps.batchSize) return pump(false);
    flushTimer = setTimeout(() => {
      flushTimer = null;
      pump(true);
    }, deps.flushIntervalMs);
    flushTimer.unref();
  }

  return {
    /** Queues lines; never blocks and never throws. */
    write(lines: readonly string[]): void {
      if (stopped || lines.length === 0) return;
      countDrops(buffer.push(lines));
      if (buffer.size() >= deps.batchSize) pump(false);
      else schedule();
    },
    stats(): InfluxWriterStats {
      return { ...stats, buffered: buffer.size() + inflightLines };
    },
    /** Writes everything now (waits for a write under way; skips the backoff). Resolves true when drained. */
    async flush(): Promise<boolean> {
      if (inflight) await inflight;
      if (retryTimer) {
        clearTimeout(retryTimer);
        retryTimer = null;
      }
      if (flushTimer) {
        clearTimeout(flushTimer);
        flushTimer = null;
      }
      const ok = await drainAll();
      if (!ok) armRetry();
      else schedule();
      return ok;
    },
    /** Final flush (one attempt per batch until one fails), then no more writes. */
    async stop(): Promise<void> {
      if (inflight) await inflight;
      stopped = true;
      for (const t of [flushTimer, retryTimer]) if (t) clearTimeout(t);
      flushTimer = retryTimer = null;
      await drainAll();
      if (buffer.size() > 0) log.error({ lost: buffer.size() }, 'influx unreachable at shutdown: buffered lines lost');
      await deps.transport.close();
    },
  };
}
export type InfluxWriter = ReturnType<typeof createInfluxWriter>;
