/**
 * A real collector on 127.0.0.1 for the console benchmark: N targets (one agent and one ping check each) with a month
 * of state history written through the real ingest (`ingest.handle` with the MQTT topic and payload an agent sends,
 * the path a broker message takes after the broker), every 10th target crit now, and open incidents up to M: those
 * the collector's incident service opened for the crit targets, the rest created through POST /api/v1/incidents
 * (hotline calls, the API path the console uses). The clock is driven while seeding, then real.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { hashPassword } from '../../collector/api/passwords.js';
import { createCollector, type RunningCollector } from '../../collector/collector.js';
import { collectorConfigSchema } from '../../collector/config.js';
import { listIncidents } from '../../collector/incidents/repository.js';
import { createLogger } from '../../common/logger.js';
import { PROTOCOL_VERSION, topics, type ResultMessage } from '../../common/protocol.js';

export const TOKEN = 'console-bench-operator-token-0123456789';
export const USER = { name: 'bench', password: 'console-bench-password-1' };

export interface ConsoleWorld {
  running: RunningCollector;
  base: string;
  targets: string[];
  /** The next seq of an agent (results published later continue it). */
  nextSeq(agent: string): number;
  stop(): Promise<void>;
}

/**
 * fetch, once more when the server dropped the keep-alive socket as the request went out (the server and this client
 * share one event loop here: a loop blocked past the 5 s keep-alive timeout makes the server close an idle socket).
 */
export async function retrying(url: string, init: RequestInit = {}, onReset: () => void = () => undefined): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch {
    onReset();
    return fetch(url, init);
  }
}

export function resultMessage(agent: string, seq: number, target: string, state: 'ok' | 'crit', atMs: number): ResultMessage {
  return {
    v: PROTOCOL_VERSION,
    agent_id: agent,
    seq,
    check_id: 'ping',
    check_type: 'ping',
    target,
    interval_s: 3_000_000,
    observed_at_ms: atMs,
    sent_at_ms: atMs,
    duration_ms: 1,
    state,
    message: state === 'ok' ? 'reply in 1 ms' : '100% packet loss',
    metrics: { loss_percent: state === 'ok' ? 0 : 100 },
  };
}

export async function seedConsole(opts: { targets: number; incidents: number; contracts: number; changes: number; monthStartMs: number }): Promise<ConsoleWorld> {
  const dir = mkdtempSync(join(process.platform === 'linux' ? '/dev/shm' : tmpdir(), 'outpost-bench-console-'));
  const clock: { fixed: number | null } = { fixed: opts.monthStartMs };
  const targets = Array.from({ length: opts.targets }, (_, i) => `host-${String(i).padStart(4, '0')}`);
  const per = Math.ceil(opts.targets / opts.contracts);
  const contracts = Array.from({ length: opts.contracts }, (_, k) => ({ name: `contract-${k + 1}`, policy: 'contract-003', calendar: '24x7', availability_target: 99.9, members: { targets: targets.slice(k * per, (k + 1) * per) } }));
  const config = collectorConfigSchema.parse({
    data_dir: dir,
    mqtt: { listen: { host: '127.0.0.1', port: 0 } },
    api: {
      listen: { host: '127.0.0.1', port: 0 },
      tokens: [{ name: 'bench', token: TOKEN, role: 'operator' }],
      users: [{ name: USER.name, password_hash: await hashPassword(USER.password), role: 'operator' }],
    },
    states: { silence_factor: 100 },
    sla: { contracts },
  });
  const running = await createCollector({ config, logger: createLogger({ level: 'silent' }), now: () => clock.fixed ?? Date.now(), registry: new Registry() }).start();
  const seq = new Map<string, number>();
  const nextSeq = (agent: string) => {
    const n = (seq.get(agent) ?? 0) + 1;
    seq.set(agent, n);
    return n;
  };
  const endMs = Date.now() - 10 * 60_000;
  const span = endMs - opts.monthStartMs;
  // Step k flips every target (crit on odd steps) a little shifted per target; the last step leaves every 10th crit.
  for (let step = 0; step <= opts.changes; step++) {
    const base = opts.monthStartMs + Math.floor((step * span) / (opts.changes + 1));
    const pending: Array<Promise<void>> = [];
    targets.forEach((target, i) => {
      const at = base + (i % 60) * 1000;
      clock.fixed = at;
      const agent = `agent-${i}`;
      const last = step === opts.changes;
      const state = last ? (i % 10 === 0 ? 'crit' : 'ok') : step % 2 === 1 ? 'crit' : 'ok';
      pending.push(running.ingest.handle(topics.results(agent), Buffer.from(JSON.stringify(resultMessage(agent, nextSeq(agent), target, state, at)))));
    });
    running.ingest.flush();
    await Promise.all(pending);
  }
  clock.fixed = null;
  const base = `http://127.0.0.1:${running.apiPort}`;
  const open = async () => (await listIncidents(running.store.db, { status: ['open', 'acknowledged'], limit: 1, offset: 0 })).total;
  // Counted again every time: a request lost to a dropped keep-alive socket (see run.ts) is simply made again.
  for (let k = await open(); k < opts.incidents; k = await open()) {
    const res = await retrying(`${base}/api/v1/incidents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title: `hotline call ${k}`, severity: ['P1', 'P2', 'P3', 'P4'][k % 4], target: targets[(k * 7) % targets.length] }),
    });
    if (res.status !== 201) throw new Error(`POST /api/v1/incidents: ${res.status} ${await res.text()}`);
  }
  return { running, base, targets, nextSeq, stop: () => running.stop() };
}
