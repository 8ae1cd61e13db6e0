/** The InfluxDB writer's counters in /metrics, read from its stats at scrape time. */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { InfluxService } from './service.js';

export function registerInfluxMetrics(registry: Registry, influx: InfluxService): void {
  new Counter({
    name: 'outpost_influx_lines_total',
    help: 'Line-protocol lines by outcome: written, dropped (buffer bound reached), rejected (InfluxDB refused them as bad data)',
    labelNames: ['result'],
    registers: [registry],
    collect() {
      const s = influx.stats();
      this.reset();
      this.inc({ result: 'written' }, s.written);
      this.inc({ result: 'dropped' }, s.dropped);
      this.inc({ result: 'rejected' }, s.rejected);
    },
  });
  new Counter({
    name: 'outpost_influx_write_failures_total',
    help: 'Failed write requests (retried with backoff)',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(influx.stats().failures);
    },
  });
  new Gauge({
    name: 'outpost_influx_buffered_lines',
    help: 'Lines waiting for InfluxDB',
    registers: [registry],
    collect() {
      this.set(influx.stats().buffered);
    },
  });
}
