import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parsePingOutput, pingErrorReason } from '../../../../../agent/checks/ping/parse.js';

const OK = `PING 127.0.0.1 (127.0.0.1) 56(84) bytes of data.
64 bytes from 127.0.0.1: icmp_seq=1 ttl=64 time=0.276 ms
64 bytes from 127.0.0.1: icmp_seq=2 ttl=64 time=0.067 ms

--- 127.0.0.1 ping statistics ---
2 packets transmitted, 2 received, 0% packet loss, time 204ms
rtt min/avg/max/mdev = 0.067/0.171/0.276/0.104 ms
`;

const PARTIAL = `PING 10.123.0.1 (10.123.0.1) 56(84) bytes of data.
64 bytes from 10.123.0.1: icmp_seq=1 ttl=64 time=1.100 ms
64 bytes from 10.123.0.1: icmp_seq=3 ttl=64 time=2.200 ms
64 bytes from 10.123.0.1: icmp_seq=5 ttl=64 time=3.300 ms

--- 10.123.0.1 ping statistics ---
5 packets transmitted, 3 received, 40% packet loss, time 4006ms
rtt min/avg/max/mdev = 1.100/2.200/3.300/0.900 ms
`;

const UNREACHABLE = `PING 10.123.0.2 (10.123.0.2) 56(84) bytes of data.
From 10.123.0.1 icmp_seq=1 Destination Host Unreachable

--- 10.123.0.2 ping statistics ---
3 packets transmitted, 0 received, +3 errors, 100% packet loss, time 2030ms
`;

const SILENT_LOSS = `--- 10.123.0.2 ping statistics ---
4 packets transmitted, 0 received, 100% packet loss, time 3070ms
`;

describe('parsePingOutput', () => {
  it('parses a clean run', () => {
    expect(parsePingOutput(OK)).toEqual({
      transmitted: 2,
      received: 2,
      errors: 0,
      lossPercent: 0,
      rtt: { minMs: 0.067, avgMs: 0.171, maxMs: 0.276, mdevMs: 0.104 },
    });
  });

  it('parses partial loss: 5 sent, 3 received → 40 %', () => {
    expect(parsePingOutput(PARTIAL)).toMatchObject({ transmitted: 5, received: 3, lossPercent: 40, rtt: { avgMs: 2.2 } });
  });

  it('parses total loss with ICMP errors and no rtt line', () => {
    expect(parsePingOutput(UNREACHABLE)).toEqual({ transmitted: 3, received: 0, errors: 3, lossPercent: 100, rtt: null });
  });

  it('parses total loss without errors', () => {
    expect(parsePingOutput(SILENT_LOSS)).toMatchObject({ transmitted: 4, received: 0, errors: 0, lossPercent: 100 });
  });

  it('returns null without a statistics block', () => {
    expect(parsePingOutput('')).toBeNull();
    expect(parsePingOutput('ping: foo.invalid: Name or service not known\n')).toBeNull();
  });

  it('treats 0 transmitted as 100 % loss', () => {
    expect(parsePingOutput('0 packets transmitted, 0 received, time 0ms')?.lossPercent).toBe(100);
  });

  it('loss is always within 0..100 and consistent with the counts (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 0, max: 1000 }), (sent, got) => {
        const received = Math.min(sent, got);
        const stats = parsePingOutput(`${sent} packets transmitted, ${received} received, 0% packet loss, time 1ms`);
        expect(stats?.lossPercent).toBeCloseTo(((sent - received) / sent) * 100, 9);
        expect(stats!.lossPercent).toBeGreaterThanOrEqual(0);
        expect(stats!.lossPercent).toBeLessThanOrEqual(100);
      }),
    );
  });
});

describe('pingErrorReason', () => {
  it('strips the ping: prefix from the first stderr line', () => {
    expect(pingErrorReason('ping: foo.invalid: Name or service not known\n')).toBe('foo.invalid: Name or service not known');
  });
  it('has a fallback for empty stderr', () => {
    expect(pingErrorReason('\n')).toBe('ping printed no statistics');
  });
});
