/**
 * End to end in one agent: an snmp check polling snmpd and the trap receiver, publishing over a real Mosquitto.
 * A trap from the polled device's address arrives as an `events` message named after the check's target,
 * with a seq from the same allocator as the results.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent, type Agent } from '../../../../agent/agent.js';
import { parseAgentConfigText } from '../../../../agent/config.js';
import { createLogger } from '../../../../common/logger.js';
import { eventMessageSchema, resultMessageSchema } from '../../../../common/protocol.js';
import { startMosquitto, type MosquittoServer } from '../../../helpers/mosquitto.js';
import { freeUdpPort, startSnmpd, type SnmpdServer } from '../../../helpers/snmpd.js';
import { waitUntil } from '../../../helpers/wait.js';
import { record, type Recorder } from '../support.js';
import { fixedInventory } from '../../../helpers/inventory.js';

let mosquitto: MosquittoServer;
let snmpd: SnmpdServer;
let recorder: Recorder;
let agent: Agent | undefined;
let trapPort: number;

beforeAll(async () => {
  [mosquitto, snmpd, trapPort] = await Promise.all([startMosquitto(), startSnmpd({ sysName: 'edge-sw' }), freeUdpPort()]);
  recorder = await record(mosquitto.url);
}, 30_000);
afterAll(async () => {
  await agent?.stop();
  await recorder?.close();
  await Promise.all([mosquitto?.stop(), snmpd?.stop()]);
});

describe('agent with snmp check and trap receiver', () => {
  it('publishes the snmp result for the device target and a trap from it as an event', async () => {
    const yaml = `
agent: { id: snmp-agent, state_dir: ${mkdtempSync(join(tmpdir(), 'outpost-traps-agent-'))} }
mqtt: { url: ${mosquitto.url} }
traps: { enabled: true, listen: 127.0.0.1, port: ${trapPort}, communities: [agent-traps] }
checks:
  - type: snmp
    host: 127.0.0.1
    port: ${snmpd.port}
    target: edge-sw1
    community: ${snmpd.community}
    interval: 1h
    timeout: 20s
    interfaces: { include: [lo] }
`;
    const parsed = parseAgentConfigText(yaml, {}, 'test-host');
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    expect(parsed.config.traps).toMatchObject({ enabled: true, port: trapPort });
    agent = createAgent({ config: parsed.config, logger: createLogger({ level: 'silent' }), collectInventory: fixedInventory, random: () => 0 });
    await agent.start();

    const result = await waitUntil(() => recorder.of('results').find((m) => m.payload.check_type === 'snmp'), 20_000, 'snmp result');
    expect(resultMessageSchema.parse(result.payload)).toMatchObject({ target: 'edge-sw1', check_id: 'snmp:edge-sw1', state: 'ok', details: { sys_name: 'edge-sw' } });

    // a linkDown carrying only ifIndex: named from the last poll of that device (ifIndex 1 is the loopback, lo)
    const trap = (ifIndex: number) =>
      promisify(execFile)('snmptrap', ['-v', '2c', '-c', 'agent-traps', `127.0.0.1:${trapPort}`, '', '1.3.6.1.6.3.1.1.5.3', `1.3.6.1.2.1.2.2.1.1.${ifIndex}`, 'i', String(ifIndex)], { env: { ...process.env, MIBS: '' } });
    await trap(1);
    const event = await waitUntil(() => recorder.of('events').find((m) => m.payload.kind === 'snmp_trap'), 20_000, 'trap event');
    expect(event.topic).toBe('outpost/v1/snmp-agent/events');
    const message = eventMessageSchema.parse(event.payload);
    expect(message).toMatchObject({ agent_id: 'snmp-agent', target: 'edge-sw1', message: 'linkDown on lo (ifIndex 1) from edge-sw1 (127.0.0.1)', data: { if_index: 1, if_name: 'lo', if_descr: 'lo', if_names_from: 'last_poll' } });
    expect(message.seq).toBeGreaterThan(Number(result.payload.seq));
    // an ifIndex the poll did not see keeps its number
    await trap(99_999);
    const unknown = await waitUntil(() => recorder.of('events').find((m) => m.payload.kind === 'snmp_trap' && (m.payload.data as { if_index?: number }).if_index === 99_999), 20_000, 'second trap');
    expect(unknown.payload.message).toBe('linkDown on ifIndex 99999 from edge-sw1 (127.0.0.1)');
  });

  it('an agent whose trap port cannot be bound still starts and runs its checks', async () => {
    const yaml = `
agent: { id: snmp-agent-2, state_dir: ${mkdtempSync(join(tmpdir(), 'outpost-traps-agent-'))} }
mqtt: { url: ${mosquitto.url} }
traps: { enabled: true, listen: 127.0.0.1, port: ${trapPort}, communities: [x] }
checks:
  - { type: snmp, host: 127.0.0.1, port: ${snmpd.port}, community: ${snmpd.community}, interval: 1h, timeout: 20s, interfaces: { enabled: false } }
`;
    const parsed = parseAgentConfigText(yaml, {}, 'test-host');
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    const second = createAgent({ config: parsed.config, logger: createLogger({ level: 'silent' }), collectInventory: fixedInventory, random: () => 0 });
    try {
      await second.start(); // the first agent holds the port
      await waitUntil(() => recorder.of('results').find((m) => m.topic === 'outpost/v1/snmp-agent-2/results'), 20_000, 'result of the second agent');
    } finally {
      await second.stop();
    }
  });
});
