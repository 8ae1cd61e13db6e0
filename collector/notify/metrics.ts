/**
 * Prometheus counters for notification deliveries, registered on an injected registry. Wire it as
 * `onDelivery: (r) => { metrics.record(r); incidents.recordDelivery(r); }` — or use only `onFailure`.
 */
import { Counter, type Registry } from 'prom-client';
import type { DeliveryResult } from './dispatcher.js';

export function createNotifyMetrics(registry: Registry) {
  const deliveries = new Counter({
    name: 'outpost_notifications_total',
    help: 'Notification deliveries by channel and final result (ok / failed)',
    labelNames: ['channel', 'result'] as const,
    registers: [registry],
  });
  const attempts = new Counter({
    name: 'outpost_notification_attempts_total',
    help: 'Requests made to notification channels, retries included',
    labelNames: ['channel'] as const,
    registers: [registry],
  });
  return {
    record(result: DeliveryResult): void {
      deliveries.inc({ channel: result.channel, result: result.ok ? 'ok' : 'failed' });
      if (result.attempts > 0) attempts.inc({ channel: result.channel }, result.attempts);
    },
  };
}
