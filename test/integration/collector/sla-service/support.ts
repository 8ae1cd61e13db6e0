/** A real collector on a test-driven clock: `now` and the SLA timer functions are injected, results go over MQTT. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { Registry } from 'prom-client';
import { createLogger } from '../../../../common/logger.js';
import type { CheckState } from '../../../../common/protocol.js';
import { createCollector, type RunningCollector } from '../../../../collector/collector.js';
import type { IncidentNotice } from '../../../../collector/events.js';
import type { Timers } from '../../../../common/timers.js';
import { waitUntil } from '../../../helpers/wait.js';
import { configFor, connectAgent, publishResult, result, testStoreOverride } from '../support.js';

export interface ClockedCollector {
  running: RunningCollector;
  dataDir: string;
  notices: IncidentNotice[];
  /** The fake clock (epoch ms); move it with `advance`. */
  clock(): number;
  advance(ms: number): void;
  /** Armed SLA/burn-rate timers (never fire by themselves: tests evaluate explicitly). */
  armed: Array<{ atMs: number }>;
  api(path: string, token?: string, init?: RequestInit): Promise<Response>;
  stop(): Promise<void>;
}

/** The config of a clocked collector (also what a test reloads it with). */
export async function clockedConfig(dataDir: string, overrides: Record<string, unknown>): Promise<ReturnType<typeof configFor>> {
  // The `postgres` test project gives each data_dir its own database (a restart on it finds its state again).
  const store = overrides.store ?? (await testStoreOverride(dataDir));
  // The silence scan runs on real timers against the fake clock: a jump of days would call every check silent
  // between two reads. The longest scan interval keeps it out of the tests' way.
  return configFor(dataDir, { states: { silence_scan: '5m' }, ...overrides, ...(store ? { store } : {}) });
}

/** `errorLog`, when given, receives the collector's error-level log lines (JSON); otherwise it logs nothing. */
export async function startClockedCollector(
  overrides: Record<string, unknown>,
  startMs: number,
  dataDir = mkdtempSync(join(tmpdir(), 'outpost-sla-')),
  errorLog?: NodeJS.WritableStream,
): Promise<ClockedCollector> {
  let clock = startMs;
  const notices: IncidentNotice[] = [];
  const armed: Array<{ atMs: number }> = [];
  const timerFunctions: Timers = {
    setTimeout: (_callback, ms) => {
      const entry = { atMs: clock + ms };
      armed.push(entry);
      return entry;
    },
    clearTimeout: (handle) => {
      const i = armed.indexOf(handle as { atMs: number });
      if (i >= 0) armed.splice(i, 1);
    },
  };
  const collector = createCollector({
    config: await clockedConfig(dataDir, overrides),
    logger: errorLog ? createLogger({ level: 'error', destination: errorLog, format: 'json' }) : createLogger({ level: 'silent' }),
    registry: new Registry(),
    now: () => clock,
    timerFunctions,
    onIncidentNotice: (n) => notices.push(n),
  });
  const running = await collector.start();
  return {
    running,
    dataDir,
    notices,
    armed,
    clock: () => clock,
    advance: (ms) => void (clock += ms),
    api: (path, token, init = {}) =>
      fetch(`http://127.0.0.1:${running.apiPort}${path}`, {
        ...init,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(init.body ? { 'content-type': 'application/json' } : {}), ...(init.headers ?? {}) },
      }),
    stop: () => running.stop(),
  };
}

/** Per agent id, so a reconnected agent continues its seq (the collector dedupes by seq high-water mark). */
const seqs = new Map<string, number>();

/** An agent publishing results stamped with the collector's fake clock; waits until each is a stored interval. */
export async function clockedAgent(c: ClockedCollector, agentId: string) {
  const client: MqttClient = await connectAgent(`mqtt://127.0.0.1:${c.running.mqttPort}`, agentId);
  return {
    client,
    async publish(target: string, checkId: string, checkType: string, state: CheckState, message = `${checkId} ${state}`): Promise<void> {
      const seq = (seqs.get(agentId) ?? 0) + 1;
      seqs.set(agentId, seq);
      const at = c.clock();
      // A day-long interval keeps liveness from calling the check silent while tests jump the clock.
      await publishResult(client, result(agentId, seq, checkId, state, at, { target, check_type: checkType, interval_s: 86_400, message }));
      const { intervals, store } = c.running;
      await waitUntil(async () => {
        const open = await intervals.open(store.db, agentId, checkId);
        return open !== null && open.state === state && (open.startMs === at || (await intervals.lastBefore(store.db, agentId, checkId, at + 1))?.state === state);
      }, 20_000, `${checkId} ${state} stored`);
      // And what follows from it (incidents opened or resolved, their notices) has gone through the pipeline.
      await c.running.drain();
    },
    end: () => client.end(true),
  };
}
