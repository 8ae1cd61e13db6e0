/**
 * The ingest pipeline: decode and validate every MQTT message at the edge (rejections are counted per reason
 * and logged with a rate limit, never thrown), then hand valid ones to the micro-batcher. `handle` resolves
 * once the message's effects are committed, which is when the broker may acknowledge it.
 */
import type { Logger } from '../../common/logger.js';
import type { ResultMessage } from '../../common/protocol.js';
import type { StateChange } from '../events.js';
import type { CollectorMetrics } from '../metrics.js';
import { createBatcher } from './batcher.js';
import { decodeMessage } from './decode.js';
import type { BatchOutcome, IngestItem, Processor } from './processor.js';
import type { SilenceVerdict } from '../liveness.js';

export interface IngestDeps {
  processor: Processor;
  metrics: CollectorMetrics;
  logger: Logger;
  warn(key: string, obj: object, msg: string): void;
  now: () => number;
  maxPayloadBytes: number;
  batchMaxItems: number;
  batchMaxDelayMs: number;
  /** Called after each commit with the state changes it made durable (its promise is not awaited by the ingest). */
  announce(changes: StateChange[]): void | Promise<void>;
  /**
   * Sees each result the state history accepted, after the transaction that deduplicated and stored it committed,
   * with the same clock correction (`observed_at_ms` as the history dated it). Must not block.
   */
  onResult?(message: ResultMessage, receivedAtMs: number): void | Promise<void>;
}

/**
 * A batch of at least 20 messages (Mosquitto's stock in-flight window) that then hears nothing for 10 ms goes at once:
 * the broker is waiting for our acknowledgements (./batcher.ts). A live stream of a few hundred results a second or
 * more rarely pauses 10 ms once a batch is that full; a slower one reaches the delay first.
 */
export const QUIET_FLUSH = { ms: 10, minItems: 20 } as const;

export function createIngest(deps: IngestDeps) {
  const batcher = createBatcher<IngestItem, BatchOutcome>({
    maxItems: deps.batchMaxItems,
    maxDelayMs: deps.batchMaxDelayMs,
    quiet: QUIET_FLUSH,
    processBatch: (items) => deps.processor.processBatch(items),
    afterCommit: async ({ changes, accepted }) => {
      // Both start at once, in this order; neither holds up the next batch.
      const pending: Array<void | Promise<void>> = [];
      if (changes.length > 0) pending.push(deps.announce(changes));
      if (deps.onResult) for (const a of accepted) pending.push(deps.onResult(a.message, a.receivedAtMs));
      await Promise.all(pending);
    },
    onError: (error, items) => {
      deps.metrics.ingestBatchErrors.inc();
      deps.logger.error({ err: error, items: items.length }, 'ingest batch failed; messages not acknowledged');
    },
    onAfterCommitError: (error) => deps.logger.error({ err: error }, 'announcing a committed ingest batch failed'),
  });

  return {
    /** Validates and queues one message; resolves after commit (rejected messages resolve at once). */
    handle(topic: string, payload: Uint8Array): Promise<void> {
      const receivedAtMs = deps.now();
      const outcome = decodeMessage(topic, payload, deps.maxPayloadBytes);
      if (!outcome.ok) {
        deps.metrics.messagesRejected.inc({ reason: outcome.reason });
        deps.warn(`reject:${outcome.reason}:${outcome.agentId ?? '-'}`, { reason: outcome.reason, agent_id: outcome.agentId, topic: topic.slice(0, 200), detail: outcome.detail }, 'message rejected');
        return Promise.resolve();
      }
      return batcher.submit({ type: 'message', decoded: outcome.decoded, receivedAtMs });
    },
    /** Queues liveness verdicts through the same single-writer path. */
    silence(verdicts: SilenceVerdict[]): Promise<void> {
      return Promise.all(verdicts.map((verdict) => batcher.submit({ type: 'silence', verdict }))).then(() => undefined);
    },
    /** Commits whatever is queued now (shutdown); resolves when it is committed. */
    flush(): Promise<void> {
      return batcher.flush();
    },
    /** Runs `fn` between ingest batches (pruning tables a batch writes): one at a time with them. */
    exclusive<T>(fn: () => Promise<T>): Promise<T> {
      return deps.processor.exclusive(fn);
    },
  };
}
export type Ingest = ReturnType<typeof createIngest>;
