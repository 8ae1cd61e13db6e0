import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pingCheck } from '../../../../../agent/checks/ping/check.js';
import { createNetnsHost, type NetnsHost } from '../../../../helpers/netns.js';
import { rootSkipReason } from '../../../../helpers/root.js';
import { neverAbort, testDeps } from '../../../../unit/agent/checks/deps.js';

function pinger(host: string, extra: Record<string, unknown> = {}) {
  const cfg = pingCheck.configSchema.parse({ host, count: 3, packet_interval: '200ms', packet_timeout: '1s', ...extra });
  return pingCheck.create(cfg, testDeps());
}

describe('ping check against loopback', () => {
  it('reports ok with 0 % loss and rtt metrics', async () => {
    const result = await pinger('127.0.0.1').run(neverAbort());
    expect(result.state).toBe('ok');
    expect(result.metrics).toMatchObject({ packets_sent: 3, packets_received: 3, loss_percent: 0, up: 1 });
    expect(result.metrics.rtt_avg_ms).toBeGreaterThan(0);
    expect(result.metrics.rtt_min_ms).toBeLessThanOrEqual(result.metrics.rtt_max_ms!);
  });

  it('goes warn when the rtt threshold is below any possible rtt', async () => {
    const result = await pinger('127.0.0.1', { warn_rtt_ms: 0.000001 }).run(neverAbort());
    expect(result.state).toBe('warn');
    expect(result.message).toMatch(/rtt avg .* >= 0.000001 ms/);
  });

  it('is crit "timed out" when the runner aborts mid-run', async () => {
    const controller = new AbortController();
    const run = pinger('127.0.0.1', { count: 50, packet_interval: '1s' }).run(controller.signal);
    controller.abort(new Error('timed out after 1s')); // as the runner does
    const result = await run;
    expect(result.state).toBe('crit');
    expect(result.message).toMatch(/timed out/);
  });

  it('default target is the host', () => {
    expect(pingCheck.defaultTarget(pingCheck.configSchema.parse({ host: '127.0.0.1' }), { hostname: 'h' })).toBe('127.0.0.1');
  });
});

describe('ping check error paths (a stand-in ping binary on PATH; no name lookups leave this machine)', () => {
  const realPath = process.env.PATH;
  afterEach(() => {
    process.env.PATH = realPath;
  });

  it('crit with ping\'s own reason when it prints no statistics', async () => {
    const bin = mkdtempSync(join(tmpdir(), 'outpost-fakeping-'));
    writeFileSync(join(bin, 'ping'), '#!/bin/sh\necho "ping: db.invalid: Name or service not known" >&2\nexit 2\n');
    chmodSync(join(bin, 'ping'), 0o755);
    process.env.PATH = bin;
    const result = await pinger('db.invalid').run(neverAbort());
    expect(result).toEqual({ state: 'crit', message: 'cannot ping db.invalid: db.invalid: Name or service not known', code: 'ping.failed', params: { host: 'db.invalid', reason: 'db.invalid: Name or service not known' }, metrics: { up: 0 } });
  });

  it('throws (broken check) when there is no ping binary', async () => {
    process.env.PATH = mkdtempSync(join(tmpdir(), 'outpost-noping-'));
    await expect(pinger('127.0.0.1').run(neverAbort())).rejects.toThrow('the ping binary was not found (install iputils-ping)');
  });
});

const skip = rootSkipReason('ping check against a network namespace host');
describe.skipIf(skip !== null)('ping check against a network namespace host', () => {
  let host: NetnsHost;
  beforeAll(() => {
    host = createNetnsHost();
  });
  afterAll(() => host?.destroy());

  it('ok while up, crit with 100 % loss while down, ok again after up', async () => {
    const check = pinger(host.ip);
    const up = await check.run(neverAbort());
    expect(up.state).toBe('ok');
    expect(up.metrics.loss_percent).toBe(0);

    host.down();
    const down = await check.run(neverAbort());
    expect(down.state).toBe('crit');
    expect(down.metrics).toMatchObject({ loss_percent: 100, packets_received: 0, up: 0 });
    expect(down.message).toMatch(/100% packet loss/);

    host.up();
    const again = await check.run(neverAbort());
    expect(again.state).toBe('ok');
    expect(again.metrics.packets_received).toBe(3);
  });
});
