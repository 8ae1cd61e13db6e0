import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelayMs } from '../../../../collector/notify/backoff.js';

describe('backoffDelayMs', () => {
  it('doubles from base_delay for each retry: 2 s, 4 s, 8 s, 16 s', () => {
    const policy = { base_delay: 2_000, max_delay: 300_000 };
    expect([2, 3, 4, 5].map((n) => backoffDelayMs(policy, n))).toEqual([2_000, 4_000, 8_000, 16_000]);
  });

  it('is capped at max_delay', () => {
    expect(backoffDelayMs({ base_delay: 2_000, max_delay: 5_000 }, 4)).toBe(5_000);
    expect(backoffDelayMs({ base_delay: 2_000, max_delay: 5_000 }, 60)).toBe(5_000);
  });

  it('never shrinks and never exceeds max_delay (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60_000 }), fc.integer({ min: 0, max: 600_000 }), fc.integer({ min: 2, max: 40 }), (base, extra, n) => {
        const policy = { base_delay: base, max_delay: base + extra };
        const d = backoffDelayMs(policy, n);
        expect(d).toBeLessThanOrEqual(policy.max_delay);
        expect(d).toBeGreaterThanOrEqual(base);
        expect(backoffDelayMs(policy, n + 1)).toBeGreaterThanOrEqual(d);
      }),
    );
  });
});
