/**
 * The quick start: `outpost up` (what `npm start` runs) starts the collector on embedded defaults plus a local agent;
 * within a minute the API, with the admin token created in the data directory, lists this host, its checks and
 * their states, and `outpost report sla --contract default` reports on them (the contract `up` adds when the config
 * has none). The local agent logs in through the enrolment secret created in the data directory (anonymous
 * clients are refused). SIGTERM stops both cleanly.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import mqtt from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { sanitiseAgentId } from '../../../agent/config.js';
import { freePort } from '../../helpers/ports.js';
import { waitUntil } from '../../helpers/wait.js';

const BIN = join(import.meta.dirname, '../../../dist/bin/outpost.js');
let child: ChildProcess | null = null;

afterAll(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
});

describe('outpost up', () => {
  it('lists this host, its checks and their states through the API, then stops on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outpost-up-'));
    const [mqttPort, apiPort] = [await freePort(), await freePort()];
    // Free ports instead of 1883/8080 (which the quick start uses) so the test never collides with anything.
    writeFileSync(join(dir, 'collector.yaml'), `data_dir: ./data\nmqtt:\n  listen: { host: 127.0.0.1, port: ${mqttPort} }\napi:\n  listen: { host: 127.0.0.1, port: ${apiPort} }\n`);
    let output = '';
    child = spawn(process.execPath, [BIN, 'up', '--config', 'collector.yaml'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));

    const token = await waitUntil(() => {
      try {
        return readFileSync(join(dir, 'data/admin.token'), 'utf8').trim();
      } catch {
        return undefined;
      }
    }, 30_000, 'admin token file');
    const get = async (path: string) => {
      const res = await fetch(`http://127.0.0.1:${apiPort}${path}`, { headers: { authorization: `Bearer ${token}` } });
      return res.ok ? ((await res.json()) as any) : undefined;
    };
    const agentId = sanitiseAgentId(hostname());
    const checks = await waitUntil(async () => {
      const body = await get('/api/v1/checks');
      const ids = new Set((body?.checks ?? []).map((c: { check_id: string }) => c.check_id));
      return ['host', 'collector-mqtt', 'collector-api'].every((id) => ids.has(id)) ? body.checks : undefined;
    }, 90_000, 'the local agent\'s checks in the API');
    for (const check of checks) {
      expect(check.agent_id).toBe(agentId);
      expect(['ok', 'warn', 'crit', 'unknown']).toContain(check.state);
    }
    expect(checks.find((c: { check_id: string }) => c.check_id === 'collector-mqtt').state).toBe('ok');
    const agents = await get('/api/v1/agents');
    expect(JSON.stringify(agents)).toContain(agentId);
    expect(output).toContain('Outpost is up');
    // The local agent is enrolled through the secret created in the data directory; anonymous clients are refused.
    expect(readFileSync(join(dir, 'data/enrolment.secret'), 'utf8').trim()).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await expect(mqtt.connectAsync(`mqtt://127.0.0.1:${mqttPort}`, { protocolVersion: 4, clientId: 'anonymous-probe', reconnectPeriod: 0, connectTimeout: 5000 })).rejects.toThrow(/Bad username or password/i);

    // No contract in the config: `up` added contract "default" (every target), so the SLA report works at once.
    expect(output).toContain('"contract":"default"');
    expect(output).toContain('no SLA contract configured');
    const month = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit' }).format(new Date()).slice(0, 7);
    const report = await promisify(execFile)(process.execPath, [BIN, 'report', 'sla', '--contract', 'default', '--period', month, '--config', 'collector.yaml'], { cwd: dir });
    const sla = JSON.parse(report.stdout);
    expect(sla.contract).toMatchObject({ name: 'default', policy: 'levels-i-iv', availability_target: 99.9, calendar: '24x7' });
    expect(sla.contract.targets).toContain(checks[0].target);
    expect(sla.availability.map((a: { subject: { name: string } }) => a.subject.name)).toContain(checks[0].target);

    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    // The local agent left before its broker did: quitting logs no "broker unreachable" warning.
    const afterShutdown = output.slice(output.indexOf('shutting down'));
    expect(afterShutdown).toContain('shutting down');
    expect(afterShutdown).not.toContain('broker unreachable');
    // Each log line names its component once (a service's child logger does not repeat the collector's key).
    expect(output.split('\n').filter((line) => (line.match(/"component":/g) ?? []).length > 1)).toEqual([]);
    // Quitting `up` stopped the whole system, not just its agent: no "agent stopped" or "agent lost" incident.
    const db = new Database(join(dir, 'data/outpost.db'), { readonly: true });
    const incidents = db.prepare("SELECT title FROM incidents WHERE check_id = 'agent'").all();
    db.close();
    expect(incidents).toEqual([]);
  }, 150_000); // the first results come within one 15 s interval; generous for a loaded CI machine
});
