import { describe, expect, it } from 'vitest';
import { evaluatePing } from '../../../../../agent/checks/ping/evaluate.js';
import type { PingStats } from '../../../../../agent/checks/ping/parse.js';
import { pingArgs, pingCheck } from '../../../../../agent/checks/ping/check.js';

const DEFAULTS = { warn_loss_percent: 20, crit_loss_percent: 100 };
function stats(sent: number, received: number, avgMs = 1): PingStats {
  return {
    transmitted: sent,
    received,
    errors: 0,
    lossPercent: ((sent - received) / sent) * 100,
    rtt: received > 0 ? { minMs: avgMs / 2, avgMs, maxMs: avgMs * 2, mdevMs: 0.1 } : null,
  };
}

describe('evaluatePing', () => {
  it('ok: 5/5 received', () => {
    const o = evaluatePing('gw', stats(5, 5), DEFAULTS);
    expect(o.state).toBe('ok');
    expect(o.message).toBe('gw: 0% loss, rtt avg 1 ms');
    expect(o.metrics).toEqual({
      packets_sent: 5,
      packets_received: 5,
      loss_percent: 0,
      icmp_errors: 0,
      up: 1,
      rtt_min_ms: 0.5,
      rtt_avg_ms: 1,
      rtt_max_ms: 2,
      rtt_mdev_ms: 0.1,
    });
  });

  it('warn: 1 of 5 lost = 20 % (>= default 20)', () => {
    const o = evaluatePing('gw', stats(5, 4), DEFAULTS);
    expect(o.state).toBe('warn');
    expect(o.message).toMatch(/^packet loss 20% >= 20%/);
  });

  it('ok: 1 of 10 lost = 10 %', () => {
    expect(evaluatePing('gw', stats(10, 9), DEFAULTS).state).toBe('ok');
  });

  it('crit: total loss, no rtt metrics, up 0', () => {
    const o = evaluatePing('gw', { ...stats(5, 0), errors: 5 }, DEFAULTS);
    expect(o.state).toBe('crit');
    expect(o.message).toBe('gw unreachable: 100% packet loss (5 sent, 5 ICMP errors)');
    expect(o.metrics.up).toBe(0);
    expect(o.metrics.rtt_avg_ms).toBeUndefined();
  });

  it('crit: loss above a lowered crit_loss_percent', () => {
    expect(evaluatePing('gw', stats(5, 2), { ...DEFAULTS, crit_loss_percent: 50 }).state).toBe('crit');
  });

  it('rtt thresholds: warn and crit, worst wins with loss', () => {
    expect(evaluatePing('gw', stats(5, 5, 120), { ...DEFAULTS, warn_rtt_ms: 100, crit_rtt_ms: 200 }).state).toBe('warn');
    expect(evaluatePing('gw', stats(5, 5, 250), { ...DEFAULTS, warn_rtt_ms: 100, crit_rtt_ms: 200 }).state).toBe('crit');
    const both = evaluatePing('gw', stats(5, 4, 250), { ...DEFAULTS, crit_rtt_ms: 200 });
    expect(both.state).toBe('crit');
    expect(both.message).toMatch(/packet loss 20% >= 20%; rtt avg 250 ms >= 200 ms/);
  });
});

describe('ping config', () => {
  it('applies defaults: count 5, 1 s packet_interval, 2 s packet timeout, warn 20 %, crit 100 %', () => {
    const cfg = pingCheck.configSchema.parse({ host: '10.123.0.1' });
    expect(cfg).toMatchObject({ count: 5, packet_interval: 1000, packet_timeout: 2000, warn_loss_percent: 20, crit_loss_percent: 100, ipv6: false });
    expect(pingArgs(cfg)).toEqual(['-n', '-c', '5', '-i', '1.000', '-W', '2.000', '10.123.0.1']);
  });

  it('adds -6 for IPv6 literals and -s for packet_size', () => {
    expect(pingArgs(pingCheck.configSchema.parse({ host: '::1', packet_size: 100 }))).toEqual([
      '-n', '-c', '5', '-i', '1.000', '-W', '2.000', '-s', '100', '-6', '::1',
    ]);
  });

  it.each([
    [{}, 'host'],
    [{ host: '-f' }, 'host'],
    [{ host: 'a', count: 0 }, 'count'],
    [{ host: 'a', packet_interval: 'soon' }, 'packet_interval'],
    [{ host: 'a', interval: '1s' }, 'interval'],
    [{ host: 'a', warn_loss_percent: 120 }, 'warn_loss_percent'],
    [{ host: 'a', bogus: 1 }, 'bogus'],
  ])('rejects %j naming the field %s', (input, field) => {
    const result = pingCheck.configSchema.safeParse(input);
    expect(result.success).toBe(false);
    const issue = result.error!.issues[0]!;
    expect([...issue.path, ...((issue as { keys?: string[] }).keys ?? [])]).toContain(field);
  });
});
