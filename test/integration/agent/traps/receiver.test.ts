/** Traps sent with net-snmp's `snmptrap` CLI to the agent's receiver on 127.0.0.1 arrive as snmp_trap events. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trapsConfigSchema } from '../../../../agent/traps/config.js';
import type { AgentEvent } from '../../../../agent/traps/events.js';
import { createTrapReceiver, type TrapReceiver } from '../../../../agent/traps/receiver.js';
import { createLogger } from '../../../../common/logger.js';
import { freeUdpPort } from '../../../helpers/snmpd.js';
import { waitUntil } from '../../../helpers/wait.js';

const run = promisify(execFile);
const events: AgentEvent[] = [];
let receiver: TrapReceiver;
let port: number;
const user = { username: 'trapper', level: 'authPriv', auth_protocol: 'sha', auth_password: 'trap-auth-1', priv_protocol: 'aes', priv_password: 'trap-priv-1' };

beforeAll(async () => {
  port = await freeUdpPort();
  receiver = createTrapReceiver({
    config: trapsConfigSchema.parse({ enabled: true, listen: '127.0.0.1', port, communities: ['trapcomm'], users: [user] }),
    devices: new Map([['127.0.0.1', 'core-sw1']]),
    logger: createLogger({ level: 'silent' }),
    now: Date.now,
    onEvent: (e) => events.push(e),
  });
  await receiver.start();
});
afterAll(async () => receiver?.stop());

/** snmptrap with MIBS= so only numeric OIDs are used; '' = the sender's own uptime. */
const snmptrap = (args: string[]) => run('snmptrap', args, { env: { ...process.env, MIBS: '' } });

async function nextEvent(match: (e: AgentEvent) => boolean): Promise<AgentEvent> {
  return waitUntil(() => events.find(match), 10_000, 'trap event');
}

describe('trap receiver', () => {
  it('v2c linkDown with ifIndex and ifName becomes an event for the polled device', async () => {
    await snmptrap(['-v', '2c', '-c', 'trapcomm', `127.0.0.1:${port}`, '', '1.3.6.1.6.3.1.1.5.3',
      '1.3.6.1.2.1.2.2.1.1.7', 'i', '7', '1.3.6.1.2.1.2.2.1.7.7', 'i', '1', '1.3.6.1.2.1.2.2.1.8.7', 'i', '2', '1.3.6.1.2.1.31.1.1.1.1.7', 's', 'Gi1/0/7']);
    const e = await nextEvent((x) => x.data?.trap_name === 'linkDown');
    expect(e).toMatchObject({
      kind: 'snmp_trap',
      target: 'core-sw1',
      message: 'linkDown on Gi1/0/7 (ifIndex 7) from core-sw1 (127.0.0.1)',
      data: { trap_oid: '1.3.6.1.6.3.1.1.5.3', snmp_version: 'v2c', if_index: 7, if_admin_status: 'up', if_oper_status: 'down', if_name: 'Gi1/0/7' },
    });
  });

  it('v1 coldStart and a v2c custom trap with a string varbind', async () => {
    await snmptrap(['-v', '1', '-c', 'trapcomm', `127.0.0.1:${port}`, '1.3.6.1.4.1.8072.3.2.10', '127.0.0.1', '0', '0', '']);
    expect(await nextEvent((x) => x.data?.trap_name === 'coldStart')).toMatchObject({ target: 'core-sw1', data: { snmp_version: 'v1' } });
    await snmptrap(['-v', '2c', '-c', 'trapcomm', `127.0.0.1:${port}`, '', '1.3.6.1.4.1.99999.0.1', '1.3.6.1.4.1.99999.1.1.0', 's', 'temperature high']);
    expect(await nextEvent((x) => x.data?.trap_oid === '1.3.6.1.4.1.99999.0.1')).toMatchObject({
      message: 'trap 1.3.6.1.4.1.99999.0.1 from core-sw1 (127.0.0.1)',
      data: { 'vb.1.3.6.1.4.1.99999.1.1.0': 'temperature high' },
    });
  });

  it('v3 authPriv (SHA/AES) trap from a configured user', async () => {
    await snmptrap(['-v', '3', '-l', 'authPriv', '-u', 'trapper', '-a', 'SHA', '-A', 'trap-auth-1', '-x', 'AES', '-X', 'trap-priv-1',
      '-e', '0x80001f8880aabbccdd', `127.0.0.1:${port}`, '', '1.3.6.1.6.3.1.1.5.4', '1.3.6.1.2.1.2.2.1.1.9', 'i', '9']);
    expect(await nextEvent((x) => x.data?.trap_name === 'linkUp')).toMatchObject({ message: 'linkUp on ifIndex 9 from core-sw1 (127.0.0.1)', data: { snmp_version: 'v3', if_index: 9 } });
  });

  it('a trap with an unknown community is rejected (counted), and the receiver keeps working', async () => {
    const before = receiver.stats().rejected;
    await snmptrap(['-v', '2c', '-c', 'not-ours', `127.0.0.1:${port}`, '', '1.3.6.1.6.3.1.1.5.2']);
    await waitUntil(() => receiver.stats().rejected > before, 10_000, 'rejection');
    expect(events.some((x) => x.data?.trap_name === 'warmStart')).toBe(false);
    await snmptrap(['-v', '2c', '-c', 'trapcomm', `127.0.0.1:${port}`, '', '1.3.6.1.6.3.1.1.5.2']);
    expect(await nextEvent((x) => x.data?.trap_name === 'warmStart')).toMatchObject({ target: 'core-sw1' });
  });

  it('a trap storm beyond max_per_second is counted and dropped', async () => {
    const stormPort = await freeUdpPort();
    const got: AgentEvent[] = [];
    const limited = createTrapReceiver({
      config: trapsConfigSchema.parse({ enabled: true, listen: '127.0.0.1', port: stormPort, communities: ['storm'], max_per_second: 2 }),
      devices: new Map(),
      logger: createLogger({ level: 'silent' }),
      now: () => 1_000_000, // one frozen second
      onEvent: (e) => got.push(e),
    });
    await limited.start();
    try {
      for (let i = 0; i < 5; i++) await snmptrap(['-v', '2c', '-c', 'storm', `127.0.0.1:${stormPort}`, '', '1.3.6.1.6.3.1.1.5.1']);
      await waitUntil(() => limited.stats().received === 5, 10_000, 'five traps');
      expect(limited.stats()).toEqual({ received: 5, dropped: 3, rejected: 0 });
      expect(got).toHaveLength(2);
    } finally {
      await limited.stop();
    }
  });

  it('start() rejects with the bind error when the port is taken, instead of crashing', async () => {
    const second = createTrapReceiver({
      config: trapsConfigSchema.parse({ enabled: true, listen: '127.0.0.1', port, communities: ['x'] }),
      devices: new Map(),
      logger: createLogger({ level: 'silent' }),
      now: Date.now,
      onEvent: () => undefined,
    });
    await expect(second.start()).rejects.toThrow(/EADDRINUSE/);
    await second.stop();
  });

  it('config: an enabled receiver needs a community or user; keys are strict', () => {
    const issues = (input: unknown) => trapsConfigSchema.safeParse(input).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(issues({ enabled: true })).toEqual(['communities: an enabled trap receiver needs at least one community or user']);
    expect(issues({ enabled: true, communities: ['a'], users: [{ username: 'u', level: 'authNoPriv' }] })).toEqual(['users.0.auth_password: required for level authNoPriv']);
    expect(issues({ prot: 1 })?.[0]).toMatch(/prot/);
    expect(trapsConfigSchema.parse(undefined)).toMatchObject({ enabled: false, listen: '0.0.0.0', port: 162 });
  });
});
