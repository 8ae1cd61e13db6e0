/**
 * One bounded queue and one worker per channel: messages go out in order, one at a time, each retried with
 * exponential backoff. A slow or dead channel only delays its own queue. `flush()` makes pending backoff waits end
 * at once (shutdown); `abort()` cancels the in-flight request and fails everything still queued.
 */
import type { Logger } from '../../common/logger.js';
import type { Timers } from '../../common/timers.js';
import type { IncidentNotice } from '../events.js';
import { backoffDelayMs } from './backoff.js';
import type { RetryPolicy } from './config.js';
import { DeliveryError, type Channel, type RenderedNotice } from './types.js';

export interface QueuedDelivery {
  /** The incident notice delivered; absent for a message that is not about one incident (a report). */
  notice?: IncidentNotice;
  message: RenderedNotice;
  /** What a report delivery is called in logs and results, e.g. `sla-acme-2026-10`. */
  report?: string;
}

export interface AttemptOutcome {
  item: QueuedDelivery;
  ok: boolean;
  attempts: number;
  error?: string;
  /** Ended by `abort()` (shutdown) rather than by its own attempts: not a final outcome of the message. */
  aborted?: boolean;
}

export interface ChannelQueueOptions {
  channel: Channel;
  retry: RetryPolicy;
  capacity: number;
  logger: Logger;
  timers: Timers;
  /** Called exactly once per accepted item with its final outcome. */
  settle(outcome: AttemptOutcome): void;
}

export interface ChannelQueue {
  /** False when the queue is full (the caller reports the refusal). */
  push(item: QueuedDelivery): boolean;
  /** Waiting + in flight. */
  size(): number;
  /** Resolves when nothing is waiting or in flight. */
  idle(): Promise<void>;
  flush(): void;
  abort(reason: string): void;
}

export function createChannelQueue(opts: ChannelQueueOptions): ChannelQueue {
  const { channel, retry, timers, logger } = opts;
  const waiting: QueuedDelivery[] = [];
  let inFlight = false;
  let flushing = false;
  let abortReason: string | null = null;
  const controller = new AbortController();
  let wakeSleeper: (() => void) | null = null;
  let idleWaiters: Array<() => void> = [];

  function sleep(ms: number): Promise<void> {
    if (flushing || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const handle = timers.setTimeout(() => {
        wakeSleeper = null;
        resolve();
      }, ms);
      wakeSleeper = () => {
        timers.clearTimeout(handle);
        wakeSleeper = null;
        resolve();
      };
    });
  }

  async function deliver(item: QueuedDelivery): Promise<AttemptOutcome> {
    let lastError = '';
    for (let attempt = 1; attempt <= retry.attempts; attempt++) {
      if (abortReason !== null) return { item, ok: false, attempts: attempt - 1, error: lastError || abortReason, aborted: true };
      try {
        await channel.send(item.message, { signal: controller.signal });
        return { item, ok: true, attempts: attempt };
      } catch (error) {
        lastError = error instanceof Error ? error.message : String(error);
        const retryable = error instanceof DeliveryError ? error.retryable : true;
        // Cut short by shutdown (channels report that as not retryable): this process gave up, not the message.
        if (abortReason !== null) return { item, ok: false, attempts: attempt, error: lastError, aborted: true };
        if (!retryable || attempt === retry.attempts) return { item, ok: false, attempts: attempt, error: lastError };
        const delayMs = backoffDelayMs(retry, attempt + 1);
        logger.warn({ attempt, delayMs, error: lastError, incident: item.notice?.incident.number, report: item.report }, 'delivery failed, will retry');
        await sleep(delayMs);
      }
    }
    return { item, ok: false, attempts: retry.attempts, error: lastError };
  }

  function settleSafely(outcome: AttemptOutcome): void {
    try {
      opts.settle(outcome);
    } catch (error) {
      logger.error({ err: error }, 'delivery result handler threw');
    }
  }

  async function drain(): Promise<void> {
    inFlight = true;
    try {
      for (let item = waiting.shift(); item; item = waiting.shift()) {
        settleSafely(await deliver(item));
      }
    } finally {
      inFlight = false;
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  return {
    push(item) {
      if (abortReason !== null || waiting.length >= opts.capacity) return false;
      waiting.push(item);
      if (!inFlight) void drain();
      return true;
    },
    size: () => waiting.length + (inFlight ? 1 : 0),
    idle() {
      if (!inFlight && waiting.length === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
    flush() {
      flushing = true;
      wakeSleeper?.();
    },
    abort(reason) {
      abortReason = reason;
      controller.abort(new Error(reason));
      wakeSleeper?.();
      // Items never started are failed here; the in-flight one settles through deliver().
      for (let item = waiting.shift(); item; item = waiting.shift()) {
        settleSafely({ item, ok: false, attempts: 0, error: reason, aborted: true });
      }
    },
  };
}
