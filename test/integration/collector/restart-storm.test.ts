/**
 * A collector restart with many agents (issue 13): 300 simulated agents (the agent's real publisher and outbox, each
 * its own connection with a Last Will, enrolment logins) on the built binary's embedded broker. SIGTERM, start again
 * at once (as `systemctl restart`): every agent is back online, every spool drains, no result is lost, no incident
 * opens and no check turns UNKNOWN. A connection replaced by a newer login of the same agent does not fire its will.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import mqtt from 'mqtt';
import { startSimAgent, type SimAgent } from '../../../bench/fleet/sim-agent.js';
import { createLogger } from '../../../common/logger.js';
import { PROTOCOL_VERSION, topics } from '../../../common/protocol.js';
import { enrolmentPassword, newEnrolmentSecret } from '../../../collector/enrolment.js';
import { OUTPOST_BIN as BIN, assertBuilt } from '../../helpers/built.js';
import { freePort, waitForPort } from '../../helpers/ports.js';
import { stopProcess } from '../../helpers/process.js';
import { waitUntil } from '../../helpers/wait.js';
import { VIEWER } from './support.js';

const AGENTS = 300;
const CHECKS = 2;
/** 60 s: the silence deadline (3 × interval) is far beyond any restart, however loaded the machine. */
const INTERVAL_S = 60;

describe('collector restart with 300 agents connected (built binary, embedded broker)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-storm-'));
  const secret = newEnrolmentSecret();
  const logger = createLogger({ level: 'silent' });
  const agents: SimAgent[] = [];
  let collector: ChildProcess | null = null;
  let output = '';
  let mqttPort: number;
  let apiPort: number;
  let configFile: string;

  const api = async (path: string): Promise<any> => (await fetch(`http://127.0.0.1:${apiPort}${path}`, { headers: { authorization: `Bearer ${VIEWER}` } })).json();
  const db = () => new Database(join(dir, 'data', 'outpost.db'), { readonly: true, fileMustExist: true });

  async function startCollector(): Promise<void> {
    collector = spawn(process.execPath, [BIN, 'collector', '--config', configFile], { cwd: dir, env: { ...process.env, OUTPOST_LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] });
    collector.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    collector.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    await waitForPort(apiPort, 60_000);
    await waitForPort(mqttPort, 60_000);
  }

  beforeAll(async () => {
    assertBuilt();
    mqttPort = await freePort();
    apiPort = await freePort();
    configFile = join(dir, 'collector.yaml');
    writeFileSync(
      configFile,
      [
        `data_dir: ${join(dir, 'data')}`,
        'mqtt:',
        `  listen: { host: 127.0.0.1, port: ${mqttPort} }`,
        `  enrolment_secret: ${secret}`,
        'api:',
        `  listen: { host: 127.0.0.1, port: ${apiPort} }`,
        '  tokens:',
        `    - { name: test, token: ${VIEWER}, role: viewer }`,
      ].join('\n') + '\n',
    );
    await startCollector();
    for (let i = 0; i < AGENTS; i++) {
      const id = `storm-${String(i).padStart(3, '0')}`;
      agents.push(startSimAgent({ id, url: `mqtt://127.0.0.1:${mqttPort}`, checks: CHECKS, intervalS: INTERVAL_S, password: enrolmentPassword(secret, id), logger }));
    }
    // Every agent connected and heard from (one result acknowledged = stored).
    await waitUntil(() => agents.every((a) => a.connected() && a.spool.ackedSeq() >= 1), 180_000, 'every agent connected with a result stored');
  }, 240_000);

  afterAll(async () => {
    await Promise.allSettled(agents.map((a) => a.stop()));
    await stopProcess(collector, 10_000);
  });

  it('SIGTERM and start again at once: all online, every spool drained, nothing lost, 0 incidents, no UNKNOWN', async () => {
    const restartedAt = Date.now();
    await stopProcess(collector, 30_000);
    expect(collector?.exitCode).toBe(0);
    const backlog = new Map(agents.map((a) => [a.id, a.spool.lastSeq()]));
    await startCollector();
    await waitUntil(() => agents.every((a) => a.connected() && a.spool.ackedSeq() >= (backlog.get(a.id) ?? 0)), 240_000, 'every agent reconnected and drained');

    // Stop producing, let the last results in, then compare what was sent with what was stored.
    for (const a of agents) a.quiesce();
    await waitUntil(() => agents.every((a) => a.spool.pending() === 0), 120_000, 'every spool empty');
    const sent = new Map(agents.map((a) => [a.id, a.spool.lastSeq()]));
    const store = db();
    try {
      const stored = new Map(
        store
          .prepare<[], { agent_id: string; n: number }>("SELECT agent_id, sum(count) AS n FROM observation_runs WHERE agent_id LIKE 'storm-%' GROUP BY agent_id")
          .all()
          .map((r) => [r.agent_id, r.n]),
      );
      expect([...sent].filter(([id, n]) => stored.get(id) !== n)).toEqual([]);
      expect(store.prepare<[], { n: number }>("SELECT count(*) AS n FROM state_intervals WHERE state <> 'ok'").get()?.n).toBe(0);
      expect(store.prepare<[], { n: number }>('SELECT count(*) AS n FROM incidents').get()?.n).toBe(0);
    } finally {
      store.close();
    }
    const listed = (await api('/api/v1/agents')).agents as Array<{ agent_id: string; online: boolean }>;
    expect(listed.filter((a) => a.agent_id.startsWith('storm-') && a.online)).toHaveLength(AGENTS);
    expect((await api('/api/v1/incidents')).total).toBe(0);
    expect(restartedAt).toBeLessThan(Date.now());
  }, 600_000);

  it('a connection replaced by a newer login of the same agent fires no Last Will', async () => {
    const id = 'storm-takeover';
    const will = JSON.stringify({ v: PROTOCOL_VERSION, agent_id: id, state: 'offline', reason: 'lost', sent_at_ms: Date.now(), agent_version: '0.1.0', hostname: id, checks: [{ check_id: 'port', check_type: 'tcp', target: id, interval_s: 60 }] });
    const options = { protocolVersion: 4 as const, clientId: id, username: id, password: enrolmentPassword(secret, id), reconnectPeriod: 0, will: { topic: topics.status(id), payload: Buffer.from(will), qos: 1 as const, retain: true } };
    const url = `mqtt://127.0.0.1:${mqttPort}`;
    const first = await mqtt.connectAsync(url, options);
    const firstClosed = new Promise<void>((resolve) => first.once('close', () => resolve()));
    await first.publishAsync(topics.status(id), JSON.stringify({ v: PROTOCOL_VERSION, agent_id: id, state: 'online', sent_at_ms: Date.now(), agent_version: '0.1.0', hostname: id, checks: [] }), { qos: 1, retain: true });
    // The same agent logs in again (its first socket looked dead to it): the broker closes the first connection.
    const second = await mqtt.connectAsync(url, options);
    await firstClosed;
    first.end(true);
    // Anything the first connection's will did was queued before the second login's CONNACK: one more message
    // through the second connection, acknowledged = committed, comes after it.
    await second.publishAsync(topics.status(id), JSON.stringify({ v: PROTOCOL_VERSION, agent_id: id, state: 'online', sent_at_ms: Date.now(), agent_version: '0.1.0', hostname: id, checks: [] }), { qos: 1, retain: true });
    const agent = ((await api('/api/v1/agents')).agents as Array<{ agent_id: string; online: boolean }>).find((a) => a.agent_id === id);
    expect(agent?.online).toBe(true);
    expect((await api('/api/v1/incidents')).total).toBe(0);
    expect(output).not.toContain(`"agent_id":"${id}","check_id":"port"`);
    await second.endAsync();
  }, 60_000);
});
