/** Every Prometheus metric of the collector, registered on an injected registry (tests use their own). */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { SEVERITIES } from './events.js';
import { REJECT_REASONS } from './ingest/decode.js';

export function createCollectorMetrics(registry: Registry) {
  const registers = [registry];
  /** Read at every scrape: the agents table is the truth (set by `countAgentsOnlineWith`). */
  let countOnline: () => number | Promise<number> = () => 0;
  const metrics = {
    messagesIn: new Counter({
      name: 'outpost_messages_in_total',
      help: 'MQTT messages received on outpost topics, by kind',
      labelNames: ['kind'] as const,
      registers,
    }),
    messagesRejected: new Counter({
      name: 'outpost_messages_rejected_total',
      help: 'Messages rejected by the collector, by reason',
      labelNames: ['reason'] as const,
      registers,
    }),
    duplicates: new Counter({
      name: 'outpost_messages_duplicate_total',
      help: 'Messages already applied (QoS 1 redelivery, spool replay), by kind',
      labelNames: ['kind'] as const,
      registers,
    }),
    lateResults: new Counter({
      name: 'outpost_results_late_total',
      help: 'Results older than the newest one of their check (history re-derived)',
      registers,
    }),
    tooLate: new Counter({
      name: 'outpost_results_too_late_total',
      help: 'Results older than the reorder window behind their check (dropped; history not rewritten)',
      registers,
    }),
    stateChanges: new Counter({
      name: 'outpost_state_changes_total',
      help: 'Confirmed state changes, by new state and cause',
      labelNames: ['to', 'cause'] as const,
      registers,
    }),
    ingestBatchErrors: new Counter({
      name: 'outpost_ingest_batch_errors_total',
      help: 'Ingest batches whose transaction failed (messages not acknowledged)',
      registers,
    }),
    ingestBatchSeconds: new Histogram({
      name: 'outpost_ingest_batch_seconds',
      help: 'Ingest batches from the start of their transaction to its commit (retries included)',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    agentsOnline: new Gauge({
      name: 'outpost_agents_online',
      help: 'Agents whose last status is online',
      registers,
      // prom-client awaits an async collect: the scrape reads the store. A failed read keeps the last value.
      async collect() {
        try {
          this.set(await countOnline());
        } catch {
          // the store is unreachable (PostgreSQL down): /metrics still answers
        }
      },
    }),
    newIncarnations: new Counter({
      name: 'outpost_agent_incarnations_total',
      help: 'Agents heard with a seq incarnation new to the collector (first start, re-install, wiped state_dir)',
      registers,
    }),
    agentIdConflicts: new Counter({
      name: 'outpost_agent_id_conflicts_total',
      help: 'Messages from an agent incarnation already superseded by a newer one: two running agents share an id',
      labelNames: ['agent_id'] as const,
      registers,
    }),
    notificationFailures: new Counter({
      name: 'outpost_notification_failures_total',
      help: 'Notification deliveries that failed after retries, by channel',
      labelNames: ['channel'] as const,
      registers,
    }),
    incidentsOpen: new Gauge({
      name: 'outpost_incidents_open',
      help: 'Open incidents by severity',
      labelNames: ['severity'] as const,
      registers,
    }),
  };
  // Zero every known label so dashboards see the series before the first event.
  for (const reason of REJECT_REASONS) metrics.messagesRejected.inc({ reason }, 0);
  for (const severity of SEVERITIES) metrics.incidentsOpen.set({ severity }, 0);
  return {
    ...metrics,
    /** Where `outpost_agents_online` is counted from at each scrape. */
    countAgentsOnlineWith(count: () => number | Promise<number>): void {
      countOnline = count;
    },
  };
}
export type CollectorMetrics = ReturnType<typeof createCollectorMetrics>;
