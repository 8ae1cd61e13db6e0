/**
 * The built `outpost` binary: `check-config --collector`, `collector --config` with bad input, and kill -9 of a
 * collector child process mid-stream followed by a restart: no state change lost or duplicated.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import mqtt from 'mqtt';
import { topics } from '../../../common/protocol.js';
import { freePort, waitForPort } from '../../helpers/ports.js';
import { json, result, VIEWER } from './support.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const BIN = join(ROOT, 'dist/bin/outpost.js');

function outpost(args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: ROOT, timeout: 30_000 });
}

describe('outpost collector (built binary)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-cli-'));
  const children = new Set<ChildProcess>();

  beforeAll(() => {
    expect(existsSync(BIN)).toBe(true); // built once by test/global-setup.ts
  });
  afterAll(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  });

  it('check-config --collector lists every problem with its path, exit 1; a good file is ok', () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'mqtt:\n  listen: { port: -1 }\nstates:\n  silence_factor: 0\nwhatever: 1\n');
    const out = outpost(['check-config', '--collector', bad]);
    expect(out.status).toBe(1);
    expect(out.stderr).toContain('mqtt.listen.port');
    expect(out.stderr).toContain('states.silence_factor');
    expect(out.stderr).toContain('whatever: unknown key');
    const good = join(dir, 'good.yaml');
    writeFileSync(good, 'data_dir: /tmp/x\n');
    const ok = outpost(['check-config', '--collector', good]);
    expect(ok.stdout).toContain('ok (collector config)');
    expect(ok.status).toBe(0);
  });

  it('collector --config with a bad file exits 2 with a one-line reason', () => {
    const bad = join(dir, 'bad2.yaml');
    writeFileSync(bad, 'api:\n  tokens: [{ name: x, token: short, role: viewer }]\n');
    const out = outpost(['collector', '--config', bad]);
    expect(out.status).toBe(2);
    expect(out.stderr).toContain('api.tokens[0].token: token must be at least 16 characters');
    expect(out.stderr.trim().split('\n').at(-1)).toBe('outpost: invalid collector config ' + bad + ': 1 problem(s)');
  });

  it('kill -9 mid-stream and restart: every state change stored exactly once', async () => {
    const mqttPort = await freePort();
    const apiPort = await freePort();
    const config = join(dir, 'collector.yaml');
    writeFileSync(
      config,
      [
        `data_dir: ${join(dir, 'data')}`,
        'mqtt:',
        `  listen: { host: 127.0.0.1, port: ${mqttPort} }`,
        'api:',
        `  listen: { host: 127.0.0.1, port: ${apiPort} }`,
        '  tokens:',
        `    - { name: test, token: ${VIEWER}, role: viewer }`,
      ].join('\n') + '\n',
    );
    const startCollector = async () => {
      const child = spawn(process.execPath, [BIN, 'collector', '--config', config], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, OUTPOST_LOG_LEVEL: 'warn' } });
      children.add(child);
      await waitForPort(apiPort, 30_000);
      return child;
    };
    const kill9 = async (child: ChildProcess) => {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await gone;
    };

    let child = await startCollector();
    // The agent side: QoS 1, auto-reconnect; mqtt.js resends unacknowledged messages in order after reconnecting.
    const agent = mqtt.connect(`mqtt://127.0.0.1:${mqttPort}`, { protocolVersion: 4, clientId: 'durable-agent', clean: false, reconnectPeriod: 50 });
    await new Promise((r) => agent.once('connect', r));
    const TOTAL = 600;
    const CHECKS = ['a', 'b', 'c'];
    const base = Date.now() - 3_600_000;
    // Every result flips its check's state, so every result is one state change (one interval).
    const expected = new Map<string, Array<[string, number]>>(CHECKS.map((c) => [c, []]));
    let acked = 0;
    const inflight: Array<Promise<void>> = [];
    for (let seq = 1; seq <= TOTAL; seq++) {
      const check = CHECKS[seq % CHECKS.length]!;
      const state = expected.get(check)!.length % 2 === 0 ? 'ok' : 'crit';
      const at = base + seq * 1000;
      expected.get(check)!.push([state, at]);
      const message = result('durable', seq, check, state, at);
      inflight.push(agent.publishAsync(topics.results('durable'), JSON.stringify(message), { qos: 1 }).then(() => void acked++));
      if (inflight.length >= 25) await inflight.shift();
      if (seq === 200 || seq === 400) {
        await kill9(child);
        child = await startCollector();
      }
    }
    await Promise.all(inflight);
    expect(acked).toBe(TOTAL);
    agent.end(true);

    for (const check of CHECKS) {
      const body = await json(fetch(`http://127.0.0.1:${apiPort}/api/v1/checks/durable/${check}/history?from=0`, { headers: { authorization: `Bearer ${VIEWER}` } }));
      const got = body.intervals.map((i: { state: string; start_ms: number }) => [i.state, i.start_ms]);
      expect(got, `check ${check}`).toEqual(expected.get(check));
    }
    const metrics = await (await fetch(`http://127.0.0.1:${apiPort}/metrics`)).text();
    expect(metrics).toMatch(/outpost_messages_in_total\{kind="results"\} \d+/);

    // Graceful stop on SIGTERM exits 0.
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
