/** Counter math with worked examples: 32-bit wrap, 64-bit, resets (reboot, width change, implausible). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { counterDelta, counterRate, rebootedBetween, type CounterSample } from '../../../../../agent/checks/snmp/counters.js';

const s = (value: bigint | number, atMs: number, width: 32 | 64 = 64): CounterSample => ({ value: BigInt(value), width, atMs });
const TWO_32 = 2n ** 32n;

describe('counterDelta / counterRate', () => {
  it('plain increase: 1,000,000 → 8,500,000 octets in 60 s = 125,000 octets/s (1 Mbit/s)', () => {
    expect(counterDelta(s(1_000_000, 0), s(8_500_000, 60_000), { rebooted: false })).toEqual({ kind: 'delta', delta: 7_500_000n, elapsedMs: 60_000, wrapped: false });
    expect(counterRate(s(1_000_000, 0), s(8_500_000, 60_000), { rebooted: false })).toBe(125_000);
  });

  it('32-bit wrap: 4,294,000,000 → 1,032,704 after 10 s is one wrap, delta 2,000,000', () => {
    // 2^32 − 4,294,000,000 = 967,296; + 1,032,704 = 2,000,000
    const d = counterDelta(s(4_294_000_000, 0, 32), s(1_032_704, 10_000, 32), { rebooted: false });
    expect(d).toEqual({ kind: 'delta', delta: 2_000_000n, elapsedMs: 10_000, wrapped: true });
    expect(counterRate(s(4_294_000_000, 0, 32), s(1_032_704, 10_000, 32), { rebooted: false })).toBe(200_000);
  });

  it('32-bit wrap that would mean more than the link can carry is a reset, not a spike', () => {
    // 100 Mbit/s link: 12.5 MB/s, ×2 slack = 25 MB/s; a "wrap" delta of ~4.29 GB in 10 s is 429 MB/s
    const d = counterDelta(s(5_000, 0, 32), s(1_000, 10_000, 32), { rebooted: false, maxPerSecond: 25e6 });
    expect(d).toEqual({ kind: 'reset', reason: 'counter went backwards (implausible for a 32-bit wrap)' });
  });

  it('64-bit counters never wrap in practice: going backwards is a reset', () => {
    expect(counterDelta(s(2n ** 63n, 0), s(10, 60_000), { rebooted: false })).toEqual({ kind: 'reset', reason: 'counter went backwards' });
  });

  it('64-bit increases beyond 2^53 stay exact as bigint deltas', () => {
    const prev = 2n ** 60n;
    const d = counterDelta(s(prev, 0), s(prev + 12_345n, 1000), { rebooted: false });
    expect(d).toMatchObject({ kind: 'delta', delta: 12_345n });
  });

  it('after a reboot every counter is a reset, even one that went up', () => {
    expect(counterDelta(s(100, 0), s(200, 60_000), { rebooted: true })).toEqual({ kind: 'reset', reason: 'device rebooted' });
    expect(counterRate(s(100, 0), s(200, 60_000), { rebooted: true })).toBeNull();
  });

  it('switching from 32-bit to 64-bit counters (HC appeared) is a reset', () => {
    expect(counterDelta(s(100, 0, 32), s(200, 60_000, 64), { rebooted: false })).toEqual({ kind: 'reset', reason: 'counter changed from 32 to 64 bits' });
  });

  it('an implausible increase (counter cleared to a random value, buggy agent) is a reset', () => {
    // 1 Gbit/s link = 125 MB/s, ×2 = 250 MB/s; 60 s allow 15 GB; 100 GB is not believable
    expect(counterDelta(s(0, 0), s(100e9, 60_000), { rebooted: false, maxPerSecond: 250e6 })).toEqual({ kind: 'reset', reason: 'implausible increase' });
  });

  it('no time passed or clock went backwards: no rate', () => {
    expect(counterDelta(s(1, 1000), s(2, 1000), { rebooted: false })).toEqual({ kind: 'none', reason: 'no time passed' });
    expect(counterRate(s(1, 2000), s(2, 1000), { rebooted: false })).toBeNull();
    expect(counterRate(undefined, s(2, 1000), { rebooted: false })).toBeNull();
  });

  it('property: for any 32-bit start and increase below 2^32 the wrap-aware delta is the increase', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: TWO_32 - 1n }), fc.bigInt({ min: 0n, max: TWO_32 - 1n }), (start, increase) => {
        const end = (start + increase) % TWO_32;
        const d = counterDelta(s(start, 0, 32), s(end, 1000, 32), { rebooted: false });
        return d.kind === 'delta' && d.delta === increase;
      }),
    );
  });
});

describe('rebootedBetween (sysUpTime in 1/100 s)', () => {
  it('uptime went backwards: 8,000,000 ticks (22 h) → 3,000 ticks (30 s) is a reboot', () => {
    expect(rebootedBetween({ ticks: 8_000_000, atMs: 0 }, { ticks: 3_000, atMs: 60_000 })).toBe(true);
  });

  it('uptime moving forward is not a reboot; the first poll has nothing to compare', () => {
    expect(rebootedBetween({ ticks: 1000, atMs: 0 }, { ticks: 7000, atMs: 60_000 })).toBe(false);
    expect(rebootedBetween(undefined, { ticks: 10, atMs: 0 })).toBe(false);
    expect(rebootedBetween({ ticks: 1000, atMs: 0 }, { ticks: 1000, atMs: 60_000 })).toBe(false); // frozen (simulator)
  });

  it('the 497-day TimeTicks wrap is not a reboot', () => {
    // 2^32 − 2,000 ticks, 60 s later = 6,000 ticks on → 4,000 after the wrap
    expect(rebootedBetween({ ticks: 2 ** 32 - 2000, atMs: 0 }, { ticks: 4000, atMs: 60_000 })).toBe(false);
  });

  it('near the wrap point but far too low is still a reboot', () => {
    // a wrap would give ~4,000 ticks (± 6,600 slack); 50,000 is not that, so the device restarted
    expect(rebootedBetween({ ticks: 2 ** 32 - 2000, atMs: 0 }, { ticks: 50_000, atMs: 60_000 })).toBe(true);
    expect(rebootedBetween({ ticks: 3_000_000, atMs: 0 }, { ticks: 100, atMs: 60_000 })).toBe(true);
  });
});
