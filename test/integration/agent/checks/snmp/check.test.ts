/** The snmp check against a real net-snmp snmpd on 127.0.0.1: v2c, v3 authPriv, wrong credentials, reboot. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import snmp from 'net-snmp';
import { createSnmpPlugin } from '../../../../../agent/checks/snmp/check.js';
import type { SnmpConfig } from '../../../../../agent/checks/snmp/config.js';
import type { Observation } from '../../../../../common/protocol.js';
import { freeUdpPort, startSnmpd, type SnmpdServer } from '../../../../helpers/snmpd.js';
import { waitUntil } from '../../../../helpers/wait.js';
import { startUdpDelayProxy } from '../../../../helpers/udp-delay.js';
import { runCheck } from '../../../../../agent/runner.js';
import { neverAbort, testDeps } from '../../../../unit/agent/checks/deps.js';

let snmpd: SnmpdServer;
beforeAll(async () => {
  snmpd = await startSnmpd({ sysName: 'core-sw-test' });
}, 30_000);
afterAll(async () => snmpd?.stop());

function instance(extra: Record<string, unknown>, plugin = createSnmpPlugin(), timeoutMs?: number) {
  const cfg = plugin.configSchema.parse({ host: '127.0.0.1', port: snmpd.port, request_timeout: '500ms', retries: 0, ...extra }) as SnmpConfig;
  return plugin.create(cfg, testDeps(timeoutMs === undefined ? {} : { timeoutMs }));
}

async function pollOnce(extra: Record<string, unknown>): Promise<Observation> {
  const check = instance(extra);
  try {
    return await check.run(neverAbort());
  } finally {
    await check.close?.();
  }
}

const v3 = () => ({ username: snmpd.user.name, level: 'authPriv', auth_protocol: 'sha', auth_password: snmpd.user.authPassword, priv_protocol: 'aes', priv_password: snmpd.user.privPassword });

/** sysUpTime straight from snmpd, to wait until it is past a value. */
async function uptimeTicks(): Promise<number> {
  const session = snmp.createSession('127.0.0.1', snmpd.community, { port: snmpd.port, version: snmp.Version2c, timeout: 500, retries: 0 });
  try {
    return await new Promise((resolve, reject) => session.get(['1.3.6.1.2.1.1.3.0'], (e, vbs) => (e ? reject(e) : resolve(Number(vbs?.[0]?.value)))));
  } finally {
    session.close();
  }
}

describe('snmp check against snmpd', () => {
  it('v2c: system group, loopback interface, and rates on the second poll', async () => {
    const check = instance({ community: snmpd.community, interfaces: { include: ['lo'] } });
    try {
      const first = await check.run(neverAbort());
      expect(first.state).toBe('ok');
      expect(first.details?.sys_name).toBe('core-sw-test');
      expect(first.metrics.up).toBe(1);
      expect(first.series?.map((s) => s.tags.if_name)).toEqual(['lo']);
      expect(first.series?.[0]?.metrics.counter_bits).toBe(64);
      const second = await check.run(neverAbort());
      const lo = second.series?.[0]?.metrics ?? {};
      // snmpd caches ifTable for a few seconds, so the counters may not have moved: a rate, not necessarily > 0
      expect(lo.in_bits_per_s).toBeGreaterThanOrEqual(0);
      expect(lo.in_errors_per_s).toBe(0);
      expect(second.metrics.reboots).toBe(0);
    } finally {
      await check.close?.();
    }
  });

  it('v3 authPriv (SHA/AES) polls the same device', async () => {
    const obs = await pollOnce({ version: 3, v3: v3() });
    expect(obs.state).toBe('ok');
    expect(obs.details?.sys_name).toBe('core-sw-test');
  });

  it('v3 MD5/DES: works with the OpenSSL legacy provider, otherwise says exactly what to do', async () => {
    const secret = 'ops-md5-des-secret';
    const obs = await pollOnce({ version: 3, interfaces: { enabled: false }, v3: { username: 'ops-md5-des', auth_protocol: 'md5', auth_password: secret, priv_protocol: 'des', priv_password: secret } });
    const legacy = `${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`.includes('--openssl-legacy-provider');
    if (legacy) {
      expect(obs.state).toBe('ok');
    } else {
      expect(obs.state).toBe('unknown');
      expect(obs.message).toContain('SNMPv3 DES privacy is not available in this Node.js (OpenSSL 3 moved DES to its legacy provider): use priv_protocol aes, or run the agent with NODE_OPTIONS=--openssl-legacy-provider');
    }
  });

  it.each([
    ['ops-md5-aes', 'authPriv', 'md5', 'aes'],
    ['ops-sha256-aes', 'authPriv', 'sha256', 'aes'],
    ['ops-sha-auth', 'authNoPriv', 'sha', 'aes'],
  ])('v3 user %s (%s, %s/%s) polls', async (username, level, auth, priv) => {
    const secret = `${username}-secret`;
    const obs = await pollOnce({ version: 3, interfaces: { enabled: false }, v3: { username, level, auth_protocol: auth, auth_password: secret, priv_protocol: priv, ...(level === 'authPriv' ? { priv_password: secret } : {}) } });
    expect(obs.state).toBe('ok');
    expect(obs.details?.sys_name).toBe('core-sw-test');
  });

  it('v3 with a wrong auth password: unknown, naming the USM cause (wrong digest)', async () => {
    const obs = await pollOnce({ version: 3, v3: { ...v3(), auth_password: 'not-the-password' } });
    expect(obs.state).toBe('unknown');
    expect(obs.message).toContain('SNMPv3 authentication failed: Wrong Digest');
    expect(obs.message).toContain('check v3.username and passwords for 127.0.0.1');
  });

  it('v3 with a wrong privacy password: unknown with a credentials hint naming v3.priv_password', async () => {
    const obs = await pollOnce({ version: 3, v3: { ...v3(), priv_password: 'not-the-priv-password' } });
    expect(obs.state).toBe('unknown');
    expect(obs.message).toBe('SNMPv3: the device answered engine discovery but not the encrypted request (a wrong privacy password or protocol gets no answer) (check v3.priv_password and v3.priv_protocol (aes) for 127.0.0.1)');
    expect(obs).toMatchObject({ code: 'snmp.v3_credentials', params: { setting: 'priv' } });
  });

  it('v3 with an unknown user: unknown, naming the cause', async () => {
    const obs = await pollOnce({ version: 3, v3: { ...v3(), username: 'nobody-here' } });
    expect(obs.state).toBe('unknown');
    expect(obs.message).toContain('SNMPv3 authentication failed: Unknown User Name');
  });

  it('v1 polls too (GETNEXT walks, 32-bit counters only)', async () => {
    const obs = await pollOnce({ version: 1, community: snmpd.community, interfaces: { include: ['lo'] }, oids: [{ name: 'missing_value', oid: '1.3.6.1.4.1.99999.1.0' }] });
    expect(obs.details?.sys_name).toBe('core-sw-test');
    expect(obs.series?.[0]?.metrics.counter_bits).toBe(32);
    // SNMPv1 fails a whole GET for one missing OID (noSuchName): the custom OID is reported missing, the rest stands
    expect(obs.state).toBe('unknown');
    expect(obs.message).toContain('missing_value: the device has no value at 1.3.6.1.4.1.99999.1.0');
  });

  it('the runner aborting a poll (its timeout) rejects the run at once: no result of its own, the session is dropped', async () => {
    const blocked = instance({ port: await freeUdpPort(), request_timeout: '30s' });
    try {
      const controller = new AbortController();
      const pending = blocked.run(controller.signal);
      controller.abort(new Error('timed out after 1s'));
      await expect(pending).rejects.toThrow('aborted');
      const again = new AbortController();
      const second = blocked.run(again.signal); // a fresh session for the next run
      again.abort(new Error('timed out after 1s'));
      await expect(second).rejects.toThrow('aborted');
    } finally {
      await blocked.close?.();
    }
  });

  it('v2c with a wrong community: crit, device unreachable (SNMP timeout), hinting at the community', async () => {
    const obs = await pollOnce({ community: 'wrong-community' });
    expect(obs.state).toBe('crit');
    expect(obs.message).toMatch(/^device unreachable \(SNMP timeout: no answer from 127\.0\.0\.1:\d+ in 1 attempt\(s\) of 0\.5s; a wrong community gets no answer either\)$/);
  });

  it('a dead device inside the runner: the configured timeout_state (crit), never the runner\'s unknown "timed out"', async () => {
    const port = await freeUdpPort();
    // one request with its retry takes the whole timeout: the poll deadline ends it first
    const dead = instance({ port, community: snmpd.community, request_timeout: '600ms', retries: 1 }, createSnmpPlugin(), 1200);
    try {
      const { observation } = await runCheck(dead, 1200, Date.now);
      expect(observation.state).toBe('crit');
      expect(observation.message).toMatch(/^device unreachable \(SNMP timeout: no answer from 127\.0\.0\.1:\d+ within the poll deadline of 1\.08s; a wrong community gets no answer either\)$/);
      expect(observation).toMatchObject({ code: 'snmp.unreachable', params: { cut_by_deadline: true, deadline_s: 1.08 } });
    } finally {
      await dead.close?.();
    }
  });

  it('a slow device: the interface walk cut by the poll deadline says so (warn), the rest is reported not polled, all within timeout', async () => {
    // the system group answers at once, every later answer takes 400 ms: the table walks cannot finish in 1.35 s
    const proxy = await startUdpDelayProxy(snmpd.port, { delayMs: 400, passFirst: 1 });
    const slow = instance({ port: proxy.port, community: snmpd.community, request_timeout: '1s', retries: 0, oids: [{ name: 'sys_services', oid: '1.3.6.1.2.1.1.7.0' }] }, createSnmpPlugin(), 1500);
    try {
      const { observation } = await runCheck(slow, 1500, Date.now);
      expect(observation.state).toBe('warn');
      expect(observation.message).toContain('core-sw-test: no interfaces readable: interface table walk did not finish within the poll deadline (1.35s): slow device');
      expect(observation.message).toContain('not polled (poll deadline 1.35s reached): cpu/memory, custom OIDs');
      expect(observation.message).not.toContain('device unreachable');
      expect(observation.metrics.up).toBe(1);
      expect(observation.params).toMatchObject({ f0: 'snmp.no_interfaces', 'f0.reason': 'deadline' });
    } finally {
      await slow.close?.();
      await proxy.close();
    }
  });

  it('timeout_state: unknown for a port where nothing answers', async () => {
    const port = await freeUdpPort();
    const obs = await pollOnce({ port, community: snmpd.community, timeout_state: 'unknown' });
    expect(obs.state).toBe('unknown');
    expect(obs.message).toContain('device unreachable (SNMP timeout');
  });

  it('detects a reboot when snmpd restarts (uptime goes backwards): warn, message, reboots = 1, no fake rates', async () => {
    const check = instance({ community: snmpd.community, interfaces: { include: ['lo'] } });
    try {
      await waitUntil(async () => (await uptimeTicks()) > 150, 20_000, 'snmpd uptime past 1.5 s');
      const before = await check.run(neverAbort());
      expect(before.metrics.reboots).toBe(0);
      await snmpd.restart();
      const after = await check.run(neverAbort());
      expect(after.state).toBe('warn');
      expect(after.message).toMatch(/device rebooted \(uptime went from \d+s to \d+s\)/);
      expect(after.metrics.reboots).toBe(1);
      expect(after.series?.[0]?.metrics.in_bits_per_s).toBeUndefined();
      const next = await check.run(neverAbort());
      expect(next.metrics.reboots).toBe(0);
      expect(next.state).toBe('ok');
    } finally {
      await check.close?.();
    }
  });

  it('the per-agent limiter is shared by every instance of one plugin', async () => {
    const plugin = createSnmpPlugin({ maxConcurrentPolls: 1 });
    const checks = Array.from({ length: 4 }, () => instance({ community: snmpd.community, interfaces: { enabled: false }, resources: false }, plugin));
    try {
      const results = await Promise.all(checks.map((c) => c.run(neverAbort())));
      expect(results.map((r) => r.state)).toEqual(['ok', 'ok', 'ok', 'ok']);
    } finally {
      await Promise.all(checks.map((c) => c.close?.()));
    }
  });
});
