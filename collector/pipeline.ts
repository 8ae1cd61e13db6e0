/**
 * The collector's flow as one visible pipeline (DESIGN.md §3, like Telegraf's Accumulator):
 *
 *   input (agents over MQTT, heartbeats) → ingest (one transaction per batch)
 *     → results accepted      → sinks: InfluxDB, report samples, notice context
 *     → state changes         → sinks: metrics + log, InfluxDB, console stream, SLA month cache, subscribers
 *     → state-change batches  → sink: the incident service (one transaction per batch)
 *     → incident notices      → sinks: InfluxDB, notifications, console stream
 *     → delivery outcomes     → sinks: /metrics, the incident timeline
 *
 * Every event leaves the ingest only after the transaction that accepted it committed. Sinks are registered in
 * order and run in that order; a sink that throws is logged and the others still run (a batch sink that throws is
 * given the batch again one change at a time, so one bad change cannot cost the others their incidents).
 */
import type { Logger } from '../common/logger.js';
import type { ResultMessage } from '../common/protocol.js';
import type { IncidentNotice, StateChange } from './events.js';
import type { DeliveryResult } from './notify/dispatcher.js';

export type InputHandler = (topic: string, payload: Uint8Array) => Promise<void>;

export interface Sink<E extends unknown[]> {
  name: string;
  run: (...event: E) => void;
}

export function createPipeline(logger: Logger) {
  const log = logger.child({ component: 'pipeline' });
  const results: Array<Sink<[ResultMessage, number]>> = [];
  const changes: Array<Sink<[StateChange]>> = [];
  const batches: Array<Sink<[StateChange[]]>> = [];
  const notices: Array<Sink<[IncidentNotice]>> = [];
  const deliveries: Array<Sink<[DeliveryResult]>> = [];
  let input: InputHandler | null = null;

  function each<E extends unknown[]>(sinks: ReadonlyArray<Sink<E>>, what: string, ...event: E): void {
    for (const sink of sinks) {
      try {
        sink.run(...event);
      } catch (error) {
        log.error({ err: error, sink: sink.name }, `${what} sink failed`);
      }
    }
  }

  function batch(sink: Sink<[StateChange[]]>, list: StateChange[]): void {
    try {
      sink.run(list);
    } catch (error) {
      // The batch rolled back: retry one by one so one bad change cannot cost the others their incidents.
      log.error({ err: error, sink: sink.name }, 'state-change batch failed; applying the changes one by one');
      for (const change of list) {
        try {
          sink.run([change]);
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
    onResult(name: string, run: (m: ResultMessage, receivedAtMs: number) => void): void {
      results.push({ name, run });
    },
    onStateChange(name: string, run: (change: StateChange) => void): void {
      changes.push({ name, run });
    },
    onStateChanges(name: string, run: (changes: StateChange[]) => void): void {
      batches.push({ name, run });
    },
    onIncidentNotice(name: string, run: (notice: IncidentNotice) => void): void {
      notices.push({ name, run });
    },
    onDelivery(name: string, run: (delivery: DeliveryResult) => void): void {
      deliveries.push({ name, run });
    },
    /** A result the ingest committed. */
    resultAccepted(m: ResultMessage, receivedAtMs: number): void {
      each(results, 'result', m, receivedAtMs);
    },
    /** Committed state changes of one ingest batch: each to the per-change sinks, then the batch to the batch sinks. */
    stateChanged(list: StateChange[]): void {
      for (const change of list) each(changes, 'state change', change);
      if (list.length > 0) for (const sink of batches) batch(sink, list);
    },
    /** An incident notice (opened, acknowledged, SLA events, ...), after the incident's transaction committed. */
    incidentNotice(notice: IncidentNotice): void {
      each(notices, 'incident notice', notice);
    },
    /** A notification delivery's outcome. */
    delivered(delivery: DeliveryResult): void {
      each(deliveries, 'delivery', delivery);
    },
  };
}
export type Pipeline = ReturnType<typeof createPipeline>;
