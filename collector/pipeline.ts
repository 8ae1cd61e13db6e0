/**
 * The collector's flow as one visible pipeline (DESIGN.md §3, like Telegraf's Accumulator):
 *
 *   input (agents over MQTT, heartbeats) → ingest (one transaction per batch)
 *     → results accepted      → sinks: InfluxDB, report samples, notice context
 *     → state changes         → sinks: metrics + log, InfluxDB, console stream, SLA month cache, subscribers
 *     → state-change batches  → sink: the incident service (one transaction per batch)
 *     → incident notices      → sinks: InfluxDB, notifications, console stream
 *     → delivery outcomes     → sinks: /metrics, the incident timeline
 *     → a notice's outcome    → its sender, when it asked (the SLA scheduler's outbox)
 *
 * Every event leaves the ingest only after the transaction that accepted it committed. Sinks are registered in
 * order and run in that order — an asynchronous sink (a store write) is awaited before the next one, and events of one
 * kind are handled one at a time, in order; a sink that throws is logged and the others still run (a batch sink that throws is
 * given the batch again one change at a time, so one bad change cannot cost the others their incidents).
 */
import type { Logger } from '../common/logger.js';
import type { ResultMessage } from '../common/protocol.js';
import type { IncidentNotice, NoticeSettled, StateChange } from './events.js';
import type { DeliveryResult } from './notify/dispatcher.js';

export type InputHandler = (topic: string, payload: Uint8Array) => Promise<void>;

/** A sink may be asynchronous (a store write): the pipeline then waits for it before the next sink and event. */
type SinkResult = void | Promise<void>;

export interface Sink<E extends unknown[]> {
  name: string;
  run: (...event: E) => SinkResult;
}

/**
 * Handed to each notice sink with the notice. The sink that pages people (the notification dispatcher) takes the
 * notice's `settled` and calls it with the final outcome; when no sink took it, the pipeline calls it once every sink
 * ran (nothing pages: the notice is done).
 */
export interface NoticePaging {
  /** The notice's `settled` for the first sink that asks (undefined when the sender did not ask, and for later sinks). */
  take(): NoticeSettled | undefined;
}

/**
 * Events of one kind are handled one at a time, in the order they came: the next batch of state changes waits for
 * the incident transaction of the previous one (synchronous SQLite used to give this for free).
 */
function createSerialQueue() {
  let tail: Promise<void> = Promise.resolve();
  let queued = 0;
  return {
    push(work: () => Promise<void>): Promise<void> {
      queued++;
      const next = tail.then(work).finally(() => void queued--);
      tail = next;
      return next;
    },
    get queued(): number {
      return queued;
    },
    idle(): Promise<void> {
      return tail;
    },
  };
}

export function createPipeline(logger: Logger) {
  const log = logger.child({ component: 'pipeline' });
  const results: Array<Sink<[ResultMessage, number]>> = [];
  const changes: Array<Sink<[StateChange]>> = [];
  const batches: Array<Sink<[StateChange[]]>> = [];
  const notices: Array<Sink<[IncidentNotice, NoticePaging]>> = [];
  const deliveries: Array<Sink<[DeliveryResult]>> = [];
  const changeQueue = createSerialQueue();
  const noticeQueue = createSerialQueue();
  const deliveryQueue = createSerialQueue();
  let input: InputHandler | null = null;

  async function each<E extends unknown[]>(sinks: ReadonlyArray<Sink<E>>, what: string, ...event: E): Promise<void> {
    for (const sink of sinks) {
      try {
        await sink.run(...event);
      } catch (error) {
        log.error({ err: error, sink: sink.name }, `${what} sink failed`);
      }
    }
  }

  async function batch(sink: Sink<[StateChange[]]>, list: StateChange[]): Promise<void> {
    try {
      await sink.run(list);
    } catch (error) {
      // The batch rolled back: retry one by one so one bad change cannot cost the others their incidents.
      log.error({ err: error, sink: sink.name }, 'state-change batch failed; applying the changes one by one');
      for (const change of list) {
        try {
          await sink.run([change]);
        } catch (single) {
          log.error({ err: single, sink: sink.name, agent_id: change.agentId, check_id: change.checkId }, 'state change not applied');
        }
      }
    }
  }

  return {
    /** The ingest is the input's one handler; sources (heartbeats) publish through `publish`. */
    setInput(handler: InputHandler): void {
      if (input) throw new Error('pipeline input already set');
      input = handler;
    },
    /** A message from a source inside the collector (heartbeat results), handled like one from the broker. */
    publish(topic: string, payload: Uint8Array): Promise<void> {
      if (!input) return Promise.reject(new Error('pipeline input used before the ingest was started'));
      return input(topic, payload);
    },
    onResult(name: string, run: (m: ResultMessage, receivedAtMs: number) => SinkResult): void {
      results.push({ name, run });
    },
    onStateChange(name: string, run: (change: StateChange) => SinkResult): void {
      changes.push({ name, run });
    },
    onStateChanges(name: string, run: (changes: StateChange[]) => SinkResult): void {
      batches.push({ name, run });
    },
    onIncidentNotice(name: string, run: (notice: IncidentNotice, paging: NoticePaging) => SinkResult): void {
      notices.push({ name, run });
    },
    onDelivery(name: string, run: (delivery: DeliveryResult) => SinkResult): void {
      deliveries.push({ name, run });
    },
    /**
     * A result the ingest committed. Result sinks are in-memory buffers (InfluxDB lines, report samples): they run
     * at once, in order, at ingest speed; an asynchronous one is not waited for (its failure is logged).
     */
    resultAccepted(m: ResultMessage, receivedAtMs: number): void {
      for (const sink of results) {
        try {
          const pending = sink.run(m, receivedAtMs);
          if (pending) pending.catch((error: unknown) => log.error({ err: error, sink: sink.name }, 'result sink failed'));
        } catch (error) {
          log.error({ err: error, sink: sink.name }, 'result sink failed');
        }
      }
    },
    /**
     * Committed state changes of one ingest batch: each to the per-change sinks, then the batch to the batch sinks,
     * after every earlier batch. Resolves when this batch has been through every sink (never rejects).
     */
    stateChanged(list: StateChange[]): Promise<void> {
      if (list.length === 0) return Promise.resolve();
      return changeQueue.push(async () => {
        for (const change of list) await each(changes, 'state change', change);
        for (const sink of batches) await batch(sink, list);
      });
    },
    /**
     * An incident notice (opened, acknowledged, SLA events, ...), after the incident's transaction committed. Resolves
     * once it went through every sink; `settled` (once) when its pages reached their outcome, which may be much later.
     */
    incidentNotice(notice: IncidentNotice, settled?: NoticeSettled): Promise<void> {
      return noticeQueue.push(async () => {
        let taken = false;
        const paging: NoticePaging = {
          take: () => {
            if (taken) return undefined; // one sink answers for the pages
            taken = true;
            return settled;
          },
        };
        await each(notices, 'incident notice', notice, paging);
        if (taken || !settled) return;
        try {
          settled({ final: true, channels: [] });
        } catch (error) {
          log.error({ err: error }, 'notice outcome handler threw');
        }
      });
    },
    /** A notification delivery's outcome. */
    delivered(delivery: DeliveryResult): Promise<void> {
      return deliveryQueue.push(() => each(deliveries, 'delivery', delivery));
    },
    /** State-change batches not yet through every sink (the ingest may hold back while this is high). */
    get pendingBatches(): number {
      return changeQueue.queued;
    },
    /** Resolves when every event handed in so far went through its sinks (graceful stop, tests). */
    async drain(): Promise<void> {
      await Promise.all([changeQueue.idle(), noticeQueue.idle(), deliveryQueue.idle()]);
      // A sink may have emitted further notices or deliveries while the first wave drained.
      if (changeQueue.queued + noticeQueue.queued + deliveryQueue.queued > 0) await this.drain();
    },
  };
}
export type Pipeline = ReturnType<typeof createPipeline>;
