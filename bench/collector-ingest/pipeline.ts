/**
 * The ingest pipeline without MQTT (for profiling the collector's own cost per result):
 *   node --cpu-prof dist/bench/collector-ingest/pipeline.js [total] [per-batch]
 * Feeds `total` encoded results to a real collector's `ingest.handle` in groups of `per-batch` (one socket read's
 * worth), awaiting each group's commit, and prints CPU microseconds per result.
 */
import { sql } from 'kysely';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { createLogger } from '../../common/logger.js';
import { PROTOCOL_VERSION, topics, type ResultMessage } from '../../common/protocol.js';
import { collectorConfigSchema } from '../../collector/config.js';
import { createCollector } from '../../collector/collector.js';

const total = Number(process.argv[2] ?? 200_000);
const perBatch = Number(process.argv[3] ?? 150);
const AGENTS = 50;
const CHECKS = 10;

const dataDir = mkdtempSync(join(tmpdir(), 'outpost-bench-pipeline-'));
const config = collectorConfigSchema.parse({ data_dir: dataDir, mqtt: { listen: { port: 0 } }, api: { listen: { port: 0 } } });
const running = await createCollector({ config, logger: createLogger({ level: 'warn' }), registry: new Registry() }).start();

const encode = (agent: number, seq: number): [string, Buffer] => {
  const agentId = `pipe-${agent}`;
  const now = Date.now();
  const m: ResultMessage = {
    v: PROTOCOL_VERSION, agent_id: agentId, seq, check_id: `check-${seq % CHECKS}`, check_type: 'tcp', target: `${agentId}.example`,
    interval_s: 10, observed_at_ms: now, sent_at_ms: now, duration_ms: 1.25, state: 'ok', message: 'connected in 1.2 ms', metrics: { connect_ms: 1 + (seq % 100) / 100, up: 1 },
  };
  return [topics.results(agentId), Buffer.from(JSON.stringify(m))];
};

const seqs = new Array<number>(AGENTS).fill(0);
const cpuStart = process.cpuUsage();
const started = performance.now();
for (let sent = 0; sent < total; ) {
  const group: Array<Promise<void>> = [];
  for (let i = 0; i < perBatch && sent < total; i++, sent++) {
    const agent = sent % AGENTS;
    const [topic, payload] = encode(agent, ++seqs[agent]!);
    group.push(running.ingest.handle(topic, payload));
  }
  await Promise.all(group);
}
const cpu = process.cpuUsage(cpuStart);
const wall = (performance.now() - started) / 1000;
const n = (await sql<{ n: number }>`SELECT sum(count) AS n FROM observation_runs`.execute(running.store.db)).rows[0]?.n;
process.stdout.write(`${total} results (${n} stored) in ${wall.toFixed(2)} s: ${((cpu.user + cpu.system) / total).toFixed(1)} µs CPU per result (encoding included), ${(total / wall).toFixed(0)} results/s\n`);
await running.stop();
rmSync(dataDir, { recursive: true, force: true });
process.exit(0);
