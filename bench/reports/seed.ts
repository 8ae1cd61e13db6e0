/**
 * Seeds a real collector (temp data dir, driven clock) with a month of data for the reports benchmark: N targets
 * (one agent each) whose ping flips crit/ok `changes` times through the real ingest, and `incidents` manual incidents
 * through the real incident service (acknowledged and resolved on the driven clock, SLA hooks on).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { createCollector, type RunningCollector } from '../../collector/collector.js';
import { collectorConfigSchema, type CollectorConfig } from '../../collector/config.js';
import { SEVERITIES } from '../../collector/events.js';
import { incidentsConfigSchema } from '../../collector/incidents/config.js';
import { createIncidentService } from '../../collector/incidents/service.js';
import { createLogger } from '../../common/logger.js';
import { PROTOCOL_VERSION, topics, type ResultMessage } from '../../common/protocol.js';

const MIN = 60_000;

export interface Seeded {
  running: RunningCollector;
  config: CollectorConfig;
  clock: { now: number };
  dir: string;
  stop(): Promise<void>;
}

export async function seedMonth(opts: { targets: number; changes: number; incidents: number; fromMs: number; toMs: number }): Promise<Seeded> {
  // /dev/shm when there is one: fsync (synchronous=FULL) costs the seeding, not the report.
  const dir = mkdtempSync(join(process.platform === 'linux' ? '/dev/shm' : tmpdir(), 'outpost-bench-reports-'));
  const clock = { now: opts.fromMs };
  const targets = Array.from({ length: opts.targets }, (_, i) => `host-${String(i).padStart(4, '0')}`);
  const config = collectorConfigSchema.parse({
    data_dir: dir,
    mqtt: { listen: { port: 0 } },
    api: { listen: { port: 0 } },
    states: { silence_factor: 100 },
    incidents: { enabled: false },
    sla: { contracts: [{ name: 'big', policy: 'contract-003', calendar: '24x7', availability_target: 99.9, members: { targets } }] },
  });
  const logger = createLogger({ level: 'silent' });
  const running = await createCollector({ config, logger, now: () => clock.now, registry: new Registry() }).start();
  const span = opts.toMs - opts.fromMs;
  const seq = new Map<string, number>();
  // Step k flips every target (crit on odd steps), each target a little shifted so the intervals differ.
  for (let step = 0; step <= opts.changes; step++) {
    const base = opts.fromMs + Math.floor((step * span) / (opts.changes + 1));
    const pending: Array<Promise<void>> = [];
    targets.forEach((target, i) => {
      const at = base + (i % 60) * 1000;
      clock.now = at;
      const agent = `agent-${i}`;
      const n = (seq.get(agent) ?? 0) + 1;
      seq.set(agent, n);
      const state = step % 2 === 1 ? 'crit' : 'ok';
      const message: ResultMessage = {
        v: PROTOCOL_VERSION,
        agent_id: agent,
        seq: n,
        check_id: 'ping',
        check_type: 'ping',
        target,
        interval_s: 3_000_000,
        observed_at_ms: at,
        sent_at_ms: at,
        duration_ms: 1,
        state,
        message: state === 'ok' ? 'reply in 1 ms' : '100% packet loss',
        metrics: { loss_percent: state === 'ok' ? 0 : 100 },
      };
      pending.push(running.ingest.handle(topics.results(agent), Buffer.from(JSON.stringify(message))));
    });
    running.ingest.flush();
    await Promise.all(pending);
  }
  const incidents = createIncidentService({ store: running.store, config: incidentsConfigSchema.parse({ enabled: true, auto_resolve: false }), now: () => clock.now, logger, notify: () => undefined, sla: running.sla.incidentHooks });
  for (let k = 0; k < opts.incidents; k++) {
    const opened = opts.fromMs + Math.floor((k * (span - 12 * 60 * MIN)) / opts.incidents);
    clock.now = opened;
    const severity = SEVERITIES[k % SEVERITIES.length] ?? 'P3';
    const { number } = await incidents.createManual({ title: `bench incident ${k}`, severity, target: targets[k % targets.length] as string, reporter: 'bench' }, 'bench');
    clock.now = opened + ((k % 7) + 1) * 10 * MIN;
    await incidents.acknowledge(number, 'bench');
    clock.now = opened + ((k % 11) + 1) * 60 * MIN;
    await incidents.resolve(number, 'bench', 'bench cause', 'bench fix');
  }
  clock.now = opts.toMs + 60 * MIN;
  return { running, config, clock, dir, stop: () => running.stop() };
}
