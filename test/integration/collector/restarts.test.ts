/**
 * Restarts open no false incidents (built binary, real agents on the embedded broker): SIGTERM and kill -9 of the
 * collector with agents connected, each followed by a downtime longer than the silence deadline, leave 0 incidents;
 * a second collector on the same data_dir is refused at once naming the holder's PID (a stale lock after kill -9
 * is taken over); an agent stopped with SIGTERM is *stopped* (cause agent_stopped, built-in P4), not lost.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OUTPOST_BIN as BIN, REPO_ROOT, assertBuilt } from '../../helpers/built.js';
import { freePort, waitForPort } from '../../helpers/ports.js';
import { stopProcess } from '../../helpers/process.js';
import { waitUntil } from '../../helpers/wait.js';
import { tcpTarget } from '../agent/support.js';
import { VIEWER } from './support.js';

interface Child {
  child: ChildProcess;
  output: () => string;
}

function spawnOutpost(args: string[], cwd: string): Child {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, OUTPOST_LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  return { child, output: () => out };
}

/** Results an agent spooled that no broker acknowledged yet (its backlog while the collector is down). */
function unacked(stateDir: string): number {
  const dir = join(stateDir, 'spool');
  if (!existsSync(dir)) return 0;
  let acked = 0;
  try {
    acked = (JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as { acked_seq: number }).acked_seq;
  } catch {
    // not written yet
  }
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean))
    .filter((line) => (JSON.parse(line) as { seq: number }).seq > acked).length;
}

describe('collector restarts with agents connected (built binary, embedded broker)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-restarts-'));
  const children = new Set<ChildProcess>();
  const agentIds = ['rs-a1', 'rs-a2'];
  const agentState = (id: string) => join(dir, id, 'state');
  let apiPort: number;
  let configFile: string;
  let target: Awaited<ReturnType<typeof tcpTarget>>;
  let collector: Child;

  const api = async (path: string): Promise<any> => {
    const res = await fetch(`http://127.0.0.1:${apiPort}${path}`, { headers: { authorization: `Bearer ${VIEWER}` } });
    return res.json();
  };
  const incidents = async (): Promise<Array<{ number: string; title: string; severity: string; status: string }>> => (await api('/api/v1/incidents?limit=100&lang=en')).items;
  const checks = async (): Promise<Array<{ agent_id: string; state: string | null; cause: string | null; last_result: { received_at_ms: number } }>> => (await api('/api/v1/checks')).checks;

  async function startCollector(): Promise<Child> {
    const c = spawnOutpost(['collector', '--config', configFile], dir);
    children.add(c.child);
    await waitForPort(apiPort, 30_000);
    collector = c;
    return c;
  }

  /** Every agent's check has a result the running collector received after `sinceMs` (agents are back). */
  async function heardAfter(sinceMs: number): Promise<void> {
    await waitUntil(async () => {
      const list = await checks();
      return agentIds.every((id) => list.some((c) => c.agent_id === id && c.last_result.received_at_ms > sinceMs && c.state === 'ok'));
    }, 30_000, 'results from every agent after the restart');
  }

  /** Down for longer than silence_factor × interval: each agent has spooled more than 3 results meanwhile. */
  async function downLongerThanSilenceDeadline(): Promise<void> {
    const before = Object.fromEntries(agentIds.map((id) => [id, unacked(agentState(id))]));
    await waitUntil(() => agentIds.every((id) => unacked(agentState(id)) >= (before[id] ?? 0) + 4), 30_000, 'agents spooling while the collector is down');
  }

  beforeAll(async () => {
    assertBuilt();
    target = await tcpTarget();
    const mqttPort = await freePort();
    apiPort = await freePort();
    configFile = join(dir, 'collector.yaml');
    writeFileSync(
      configFile,
      [
        `data_dir: ${join(dir, 'data')}`,
        'mqtt:',
        `  listen: { host: 127.0.0.1, port: ${mqttPort} }`,
        'api:',
        `  listen: { host: 127.0.0.1, port: ${apiPort} }`,
        '  tokens:',
        `    - { name: test, token: ${VIEWER}, role: viewer }`,
        'states: { silence_scan: 100ms }',
      ].join('\n') + '\n',
    );
    await startCollector();
    for (const id of agentIds) {
      mkdirSync(join(dir, id), { recursive: true });
      const file = join(dir, id, 'agent.yaml');
      writeFileSync(
        file,
        `agent: { id: ${id}, state_dir: ${agentState(id)}, log_level: warn }
mqtt: { url: "mqtt://127.0.0.1:${mqttPort}", reconnect_min: 100ms, reconnect_max: 300ms }
checks:
  - { type: tcp, name: port, host: 127.0.0.1, port: ${target.port}, interval: 1s, timeout: 500ms }
`,
      );
      children.add(spawnOutpost(['agent', '--config', file], REPO_ROOT).child);
    }
    await heardAfter(0);
  });

  afterAll(async () => {
    for (const c of children) await stopProcess(c);
    await target.close();
  });

  it('SIGTERM of the collector, a downtime past the silence deadline, restart: 0 incidents', async () => {
    await stopProcess(collector.child, 10_000);
    expect(collector.child.exitCode).toBe(0);
    expect(collector.output()).toContain('Last Wills fired by closing their connections are not applied');
    await downLongerThanSilenceDeadline();
    const restartedAt = Date.now();
    await startCollector();
    await heardAfter(restartedAt);
    expect(await incidents()).toEqual([]);
    expect((await checks()).map((c) => c.cause)).toEqual(['result', 'result']);
  });

  it('kill -9 of the collector, a downtime, restart: 0 incidents; the stale lock is taken over', async () => {
    const killed = collector.child;
    const pid = killed.pid;
    const gone = new Promise((resolve) => killed.once('exit', resolve));
    killed.kill('SIGKILL');
    await gone;
    expect(readFileSync(join(dir, 'data', 'collector.lock'), 'utf8')).toContain(`"pid":${pid}`);
    await downLongerThanSilenceDeadline();
    const restartedAt = Date.now();
    const restarted = await startCollector();
    await heardAfter(restartedAt);
    expect(await incidents()).toEqual([]);
    expect(restarted.output()).toContain('stale data_dir lock of a collector that is gone taken over');
  });

  it('a second collector on the same data_dir refuses at once, naming the holder\'s PID', async () => {
    const other = join(dir, 'second.yaml');
    const [mqtt2, api2] = [await freePort(), await freePort()];
    writeFileSync(other, readFileSync(configFile, 'utf8').replace(/port: \d+ \}\napi/, `port: ${mqtt2} }\napi`).replace(`port: ${apiPort} }`, `port: ${api2} }`));
    const out = spawnSync(process.execPath, [BIN, 'collector', '--config', other], { cwd: dir, encoding: 'utf8', timeout: 30_000 });
    expect(out.status).toBe(1);
    const holder = collector.child.pid;
    expect(out.stderr.trim().split('\n').at(-1)).toBe(
      `outpost: collector failed to start: data_dir ${join(dir, 'data')} is in use by another collector (PID ${holder}; lock file ${join(dir, 'data', 'collector.lock')}): stop that collector first, or give this one its own data_dir`,
    );
    // Nothing of the running collector was disturbed.
    expect(readFileSync(join(dir, 'data', 'collector.lock'), 'utf8')).toContain(`"pid":${holder}`);
    const restartedAt = Date.now();
    await heardAfter(restartedAt);
  });

  it('an agent stopped with SIGTERM is stopped (cause agent_stopped, P4), not lost', async () => {
    const agentChild = [...children].find((c) => c.spawnargs.some((a) => a.endsWith(join('rs-a2', 'agent.yaml'))));
    await stopProcess(agentChild ?? null, 10_000);
    const incident = await waitUntil(async () => (await incidents()).find((i) => i.title.startsWith('rs-a2: agent stopped')), 20_000, 'the agent-stopped incident');
    expect(incident).toMatchObject({ severity: 'P4', status: 'open' });
    const mine = (await checks()).find((c) => c.agent_id === 'rs-a2');
    expect(mine).toMatchObject({ state: 'unknown', cause: 'agent_stopped' });
    const agent = await api('/api/v1/agents/rs-a2');
    expect(agent).toMatchObject({ online: false, status: 'stopped', status_reason: 'shutdown' });
    expect((await incidents()).filter((i) => i.title.includes('agent lost'))).toEqual([]);
  });
});
