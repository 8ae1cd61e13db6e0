/**
 * Collector ingest: a real collector (this process; embedded aedes or an external Mosquitto) takes the simulated
 * stream. Done = every agent's dedupe mark reached its last seq; then zero loss is checked three ways (results
 * counted by the ingest metric, observations in the observation log, no duplicates/rejections).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { Registry } from 'prom-client';
import { createLogger } from '../../common/logger.js';
import { collectorConfigSchema } from '../../collector/config.js';
import { createCollector } from '../../collector/collector.js';
import { waitUntil } from '../../test/helpers/wait.js';
import { watchProcess, type ProcWindow } from './proc-stats.js';
import { launchSimAgents } from './sim-launcher.js';
import type { SimAgentsOptions } from './sim-agents.js';

export interface IngestFigures {
  resultsPerSecond: number;
  seconds: number;
  /** Results counted by outpost_messages_in_total{kind="results"}. */
  messagesIn: number;
  /** Observations stored in the observation log (sum of run counts). */
  observations: number;
  duplicates: number;
  rejected: number;
  collector: ProcWindow;
  publishers: ProcWindow;
  /** The collector's peak RSS (bytes) by the time this many results were ingested. */
  rssAt: Map<number, number>;
}

/** Results ingested at which the collector's RSS is noted (besides the end of the run). */
export const RSS_CHECKPOINT = 200_000;

const wallMs = () => performance.timeOrigin + performance.now();

async function counter(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = await registry.getSingleMetric(name)?.get();
  return (metric?.values ?? []).filter((v) => Object.entries(labels).every(([k, val]) => v.labels[k] === val)).reduce((s, v) => s + v.value, 0);
}

/** `externalUrl` unset = the embedded broker. */
export async function measureIngest(sim: Omit<SimAgentsOptions, 'url'>, externalUrl?: string): Promise<IngestFigures> {
  const dataDir = mkdtempSync(join(tmpdir(), 'outpost-bench-ingest-'));
  const config = collectorConfigSchema.parse({
    data_dir: dataDir,
    mqtt: externalUrl ? { url: externalUrl, client_id: `bench-collector-${process.pid}-${sim.prefix}` } : { listen: { port: 0 } },
    api: { listen: { port: 0 } },
  });
  const registry = new Registry();
  const running = await createCollector({ config, logger: createLogger({ level: 'warn' }), registry }).start();
  try {
    const url = externalUrl ?? `mqtt://127.0.0.1:${running.mqttPort}`;
    const agents = await launchSimAgents({ ...sim, url });
    const like = `${sim.prefix}-%`;
    const ingested = async () =>
      (await sql<{ n: number }>`SELECT coalesce(sum(max_seq), 0) AS n FROM seq_marks WHERE stream = 'results' AND agent_id LIKE ${like}`.execute(running.store.db)).rows[0]?.n ?? 0;
    const collectorStats = watchProcess(process.pid);
    const publisherStats = watchProcess(agents.pid);
    const run = agents.run();
    let doneAtMs = 0;
    let lastProgressMs = wallMs();
    const rssAt = new Map<number, number>();
    await waitUntil(async () => {
      const n = Number(await ingested());
      if (n >= RSS_CHECKPOINT && !rssAt.has(RSS_CHECKPOINT)) rssAt.set(RSS_CHECKPOINT, collectorStats.rssMaxSoFar());
      if (wallMs() - lastProgressMs > 10_000) {
        lastProgressMs = wallMs();
        process.stderr.write(`  … ${n} of ${sim.total} ingested\n`);
      }
      if (n !== sim.total) return false;
      doneAtMs = wallMs();
      return true;
    }, Math.max(300_000, sim.total * 2), `${sim.total} results ingested`);
    const report = await run;
    const collector = collectorStats.stop();
    rssAt.set(sim.total, collector.rssMaxBytes);
    const publishers = publisherStats.stop();
    const seconds = (doneAtMs - report.firstPublishMs) / 1000;
    const observations = Number((await sql<{ n: number }>`SELECT coalesce(sum(count), 0) AS n FROM observation_runs WHERE agent_id LIKE ${like}`.execute(running.store.db)).rows[0]?.n ?? 0);
    return {
      resultsPerSecond: sim.total / seconds,
      seconds,
      messagesIn: await counter(registry, 'outpost_messages_in_total', { kind: 'results' }),
      observations,
      duplicates: await counter(registry, 'outpost_messages_duplicate_total'),
      rejected: await counter(registry, 'outpost_messages_rejected_total'),
      collector,
      publishers,
      rssAt,
    };
  } finally {
    await running.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
