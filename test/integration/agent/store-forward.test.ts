/**
 * Store-and-forward against a real Mosquitto (persistent, so the recording subscriber's session survives the
 * broker restart): broker stopped → agent keeps checking → agent restarted while the broker is down → broker
 * started → every result arrives exactly once by seq, in order. And the spool bound: drops are counted and
 * reported as a `spool_dropped` event once connected.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventMessageSchema, resultMessageSchema } from '../../../common/protocol.js';
import { createLogger } from '../../../common/logger.js';
import { createAgent, type Agent } from '../../../agent/agent.js';
import { parseAgentConfigText, type AgentConfig } from '../../../agent/config.js';
import { startMosquitto, type MosquittoServer } from '../../helpers/mosquitto.js';
import { waitUntil } from '../../helpers/wait.js';
import { buildOnce, record, spawnOutpost, tcpTarget, writeAgentConfig, type AgentChild, type Recorder } from './support.js';
import { fixedInventory } from '../../helpers/inventory.js';

const logger = createLogger({ level: 'silent' });
/** Seqs in the spool not yet acked, oldest first. */
function spooledSeqs(stateDir: string): number[] {
  const dir = join(stateDir, 'spool');
  let acked = 0;
  try {
    acked = (JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as { acked_seq: number }).acked_seq;
  } catch {
    // not written yet
  }
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean))
    .map((line) => (JSON.parse(line) as { seq: number }).seq)
    .filter((seq) => seq > acked);
}
const spooledLines = (stateDir: string): number => spooledSeqs(stateDir).length;

describe('store-and-forward (Mosquitto)', () => {
  let broker: MosquittoServer;
  let target: Awaited<ReturnType<typeof tcpTarget>>;
  let recorder: Recorder;
  const agents: Agent[] = [];
  const children: AgentChild[] = [];

  beforeAll(async () => {
    await buildOnce();
    const persistDir = mkdtempSync(join(tmpdir(), 'outpost-mosq-data-'));
    chmodSync(persistDir, 0o777); // mosquitto drops to its own user
    broker = await startMosquitto({ extraConfig: `persistence true\npersistence_location ${persistDir}/\nautosave_interval 1\n` });
    target = await tcpTarget();
    // a persistent session: messages published while this subscriber is away (broker restart) are queued for it
    recorder = await record(broker.url, { clientId: 'sf-recorder', clean: false });
  });
  afterAll(async () => {
    for (const c of children) if (c.child.exitCode === null) c.child.kill('SIGKILL');
    for (const agent of agents) await agent.stop();
    await recorder?.close();
    await target?.close();
    await broker?.stop();
  });

  function config(stateDir: string, id: string, extra = ''): AgentConfig {
    const parsed = parseAgentConfigText(
      `agent: { id: ${id}, state_dir: ${stateDir} }
mqtt: { url: "${broker.url}", reconnect_min: 100ms, reconnect_max: 500ms }
${extra}
checks:
  - { type: tcp, name: probe, host: 127.0.0.1, port: ${target.port}, interval: 1s, timeout: 500ms }
`,
      {},
      'test-host',
    );
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    return parsed.config;
  }

  function start(cfg: AgentConfig, produced: number[]): Agent {
    const agent = createAgent({ config: cfg, logger, collectInventory: fixedInventory, onResultQueued: (seq) => produced.push(seq) });
    agents.push(agent);
    return agent;
  }

  it('broker down, agent restarted meanwhile, broker back: every result exactly once, in order', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'outpost-sf-'));
    const cfg = config(stateDir, 'sf-agent');
    const produced: number[] = [];
    const received = () =>
      recorder
        .of('results')
        .filter((m) => m.topic === 'outpost/v1/sf-agent/results')
        .map((m) => resultMessageSchema.parse(m.payload));

    const first = start(cfg, produced);
    await first.start();
    await waitUntil(() => received().length >= 2, 30_000, 'live results');

    await broker.stop();
    const producedBeforeOutage = produced.length;
    await waitUntil(() => produced.length >= producedBeforeOutage + 3 && spooledLines(stateDir) >= 3, 30_000, 'results spooled while the broker is down');
    await first.stop();
    agents.splice(agents.indexOf(first), 1);
    const afterFirst = produced.length;

    const second = start(cfg, produced); // same state dir: a restart while disconnected
    await second.start();
    await waitUntil(() => produced.length >= afterFirst + 3, 30_000, 'the restarted agent keeps checking');
    expect(spooledLines(stateDir)).toBeGreaterThanOrEqual(6);

    const brokerBackAt = Date.now();
    await broker.start();
    await waitUntil(() => {
      const seqs = new Set(received().map((r) => r.seq));
      return produced.length > afterFirst + 3 && produced.every((s) => seqs.has(s));
    }, 30_000, 'every produced result at the subscriber');
    await second.stop();
    agents.splice(agents.indexOf(second), 1);
    await waitUntil(() => new Set(received().map((r) => r.seq)).size === produced.length, 30_000, 'the last results');

    const seqs = received().map((r) => r.seq);
    const firstSeen = seqs.filter((s, i) => seqs.indexOf(s) === i);
    expect(firstSeen).toEqual(produced); // nothing lost, in the order produced
    expect(seqs.length - firstSeen.length).toBe(0); // and nothing twice
    expect(produced).toEqual([...produced].sort((a, b) => a - b));
    // replayed results keep their original observation times (during the outage) and are stamped when sent (after it)
    const replayed = received().filter((r) => r.seq > produced[producedBeforeOutage - 1]! && r.seq <= produced[afterFirst + 2]!);
    expect(replayed.length).toBeGreaterThanOrEqual(6);
    expect(replayed.every((r) => r.observed_at_ms < brokerBackAt && r.sent_at_ms >= brokerBackAt)).toBe(true);
    expect(spooledLines(stateDir)).toBe(0);
  });

  it('the spool bound drops the oldest results, and the drop count is reported once connected', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'outpost-sf-bound-'));
    mkdirSync(stateDir, { recursive: true });
    const checks = Array.from({ length: 12 }, (_, i) => `  - { type: tcp, name: probe-${i}, host: 127.0.0.1, port: ${target.port}, interval: 1s, timeout: 500ms }`).join('\n');
    const parsed = parseAgentConfigText(
      `agent: { id: sf-bound, state_dir: ${stateDir} }
mqtt: { url: "${broker.url}", reconnect_min: 100ms, reconnect_max: 500ms }
spool: { max_bytes: 8192 }
checks:
${checks}
`,
      {},
      'test-host',
    );
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    const produced: number[] = [];
    await broker.stop();
    const agent = start(parsed.config, produced);
    await agent.start();
    const spoolState = () => JSON.parse(readFileSync(join(stateDir, 'spool', 'state.json'), 'utf8')) as { dropped_unreported: number };
    await waitUntil(() => spoolState().dropped_unreported > 0 && produced.length > 60, 60_000, 'spool drops');
    const spoolBytes = readdirSync(join(stateDir, 'spool'))
      .filter((f) => f.endsWith('.jsonl'))
      .reduce((sum, f) => sum + readFileSync(join(stateDir, 'spool', f)).length, 0);
    expect(spoolBytes).toBeLessThanOrEqual(8192);

    await broker.start();
    const events = () => recorder.of('events').filter((m) => m.topic === 'outpost/v1/sf-bound/events').map((m) => eventMessageSchema.parse(m.payload));
    await waitUntil(() => events().length > 0, 30_000, 'the spool_dropped event');
    await agent.stop();
    agents.splice(agents.indexOf(agent), 1);
    const resultSeqs = () => new Set(recorder.of('results').filter((m) => m.topic === 'outpost/v1/sf-bound/results').map((m) => resultMessageSchema.parse(m.payload).seq));
    const reported = () => events().reduce((sum, e) => sum + Number(e.data?.dropped ?? 0), 0);
    // every produced result either arrived or is counted in a spool_dropped event
    await waitUntil(() => resultSeqs().size + reported() === produced.length, 30_000, 'results + reported drops = produced');
    expect(events()[0]).toMatchObject({ kind: 'spool_dropped' });
    expect(reported()).toBeGreaterThan(0);
    expect(spoolState().dropped_unreported).toBe(0);
  });
  it('kill -9 while the broker is down loses nothing that was written to the spool', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'outpost-sf-kill-'));
    const file = writeAgentConfig(
      stateDir,
      `agent: { id: sf-kill, state_dir: ${stateDir}/state, log_level: warn }
mqtt: { url: "${broker.url}", reconnect_min: 100ms, reconnect_max: 500ms }
checks:
  - { type: tcp, name: probe, host: 127.0.0.1, port: ${target.port}, interval: 1s, timeout: 500ms }
`,
    );
    await broker.stop();
    const first = spawnOutpost(['agent', '--config', file]);
    children.push(first);
    await waitUntil(() => spooledLines(join(stateDir, 'state')) >= 3, 30_000, 'results spooled by the first process');
    first.child.kill('SIGKILL');
    await first.exited;
    const beforeKill = spooledSeqs(join(stateDir, 'state'));

    const second = spawnOutpost(['agent', '--config', file]);
    children.push(second);
    await waitUntil(() => spooledLines(join(stateDir, 'state')) >= beforeKill.length + 2, 30_000, 'results spooled after the restart');
    await broker.start();
    const received = () =>
      recorder
        .of('results')
        .filter((m) => m.topic === 'outpost/v1/sf-kill/results')
        .map((m) => resultMessageSchema.parse(m.payload).seq);
    await waitUntil(() => received().length >= beforeKill.length + 2, 30_000, 'the replay');
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);

    const seqs = received();
    expect(seqs.slice(0, beforeKill.length)).toEqual(beforeKill); // everything written before kill -9, first, in order
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(Math.min(...seqs.slice(beforeKill.length))).toBeGreaterThan(Math.max(...beforeKill)); // seq never reused
  });
});
