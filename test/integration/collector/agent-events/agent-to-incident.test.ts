/**
 * The whole path with real components: net-snmp's `snmptrap` CLI sends linkDown/linkUp to a real agent's trap
 * receiver on 127.0.0.1, the agent publishes `snmp_trap` events to the collector's embedded broker, and the
 * collector opens then resolves the interface's incident. The sender is not polled by any snmp check, so the
 * device is its address.
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
import { freeUdpPort } from '../../../helpers/snmpd.js';
import { waitUntil } from '../../../helpers/wait.js';
import { json, startTestCollector, VIEWER, type TestCollector } from '../support.js';
import { fixedInventory } from '../../../helpers/inventory.js';

const run = promisify(execFile);
/** MIBS= so only numeric OIDs are used; '' = the sender's own uptime. */
const snmptrap = (args: string[]) => run('snmptrap', args, { env: { ...process.env, MIBS: '' } });
const ifVarbinds = (ifIndex: number, oper: 1 | 2, name: string) => [
  `1.3.6.1.2.1.2.2.1.1.${ifIndex}`, 'i', String(ifIndex),
  `1.3.6.1.2.1.2.2.1.8.${ifIndex}`, 'i', String(oper),
  `1.3.6.1.2.1.31.1.1.1.1.${ifIndex}`, 's', name,
];

let collector: TestCollector;
let agent: Agent | undefined;
let trapPort: number;

beforeAll(async () => {
  [collector, trapPort] = await Promise.all([startTestCollector(), freeUdpPort()]);
  const yaml = `
agent: { id: trap-e2e, state_dir: ${mkdtempSync(join(tmpdir(), 'outpost-trap-e2e-'))} }
mqtt: { url: 'mqtt://127.0.0.1:${collector.running.mqttPort}' }
traps: { enabled: true, listen: 127.0.0.1, port: ${trapPort}, communities: [e2e-traps] }
checks: []
`;
  const parsed = parseAgentConfigText(yaml, {}, 'test-host');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  agent = createAgent({ config: parsed.config, logger: createLogger({ level: 'silent' }), collectInventory: fixedInventory, random: () => 0 });
  await agent.start();
}, 30_000);
afterAll(async () => {
  await agent?.stop();
  await collector?.running.stop();
});

async function incidents(): Promise<any[]> {
  return (await json(collector.api('/api/v1/incidents?target=127.0.0.1', VIEWER))).items;
}

describe('snmptrap → agent trap receiver → embedded broker → collector', () => {
  it('linkDown opens the interface incident and linkUp resolves it, both on its timeline', async () => {
    await snmptrap(['-v', '2c', '-c', 'e2e-traps', `127.0.0.1:${trapPort}`, '', '1.3.6.1.6.3.1.1.5.3', ...ifVarbinds(5, 2, 'Gi1/0/5')]);
    const [opened] = await waitUntil(async () => ((await incidents()).length === 1 ? incidents() : undefined), 20_000, 'incident opened by the trap');
    expect(opened).toMatchObject({ title: '127.0.0.1：接口 Gi1/0/5 (ifIndex 5) 断开', title_code: 'title.link_down', severity: 'P2', status: 'open', check_type: 'snmp_trap' });

    await snmptrap(['-v', '2c', '-c', 'e2e-traps', `127.0.0.1:${trapPort}`, '', '1.3.6.1.6.3.1.1.5.4', ...ifVarbinds(5, 1, 'Gi1/0/5')]);
    const resolved = await waitUntil(async () => (await incidents()).find((i) => i.status === 'resolved'), 20_000, 'incident resolved by the trap');
    expect(resolved).toMatchObject({ number: opened.number, cause: 'link up (trap)', resolution: 'linkUp on Gi1/0/5 (ifIndex 5) from 127.0.0.1' });

    const detail = await json(collector.api(`/api/v1/incidents/${opened.number}`, VIEWER));
    expect(detail.timeline.map((t: any) => t.kind)).toEqual(['opened', 'trap', 'trap', 'resolved']);
    const events = (await json(collector.api('/api/v1/events?agent_id=trap-e2e&kind=snmp_trap', VIEWER))).events;
    expect(events.map((e: any) => [e.data.trap_name, e.action, e.incident])).toEqual([
      ['linkUp', 'resolve', opened.number],
      ['linkDown', 'open', opened.number],
    ]);
  });
});
