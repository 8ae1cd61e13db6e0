/** Least-squares fit and days until a limit (disk days-until-full), with worked examples and properties. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { daysUntil, linearFit } from '../../../../collector/reports/trend.js';

const DAY = 86_400_000;
const T0 = Date.parse('2026-10-01T00:00:00Z');

describe('linearFit', () => {
  it('an exact line: slope per day and the value at the last point', () => {
    // 50 % → 52 % → 54 % → 56 % on four days: 2 %/day, 56 % at the last point.
    const fit = linearFit([0, 1, 2, 3].map((d) => ({ atMs: T0 + d * DAY, value: 50 + 2 * d })));
    expect(fit?.slopePerDay).toBeCloseTo(2, 12);
    expect(fit?.fittedAtLast).toBeCloseTo(56, 12);
    expect(fit?.lastMs).toBe(T0 + 3 * DAY);
  });

  it('noisy points: the least-squares line (worked example)', () => {
    // x = 0,1,2 days; y = 10, 13, 14 → mean x 1, mean y 37/3; sxy = (−1)(−7/3) + 0 + (1)(5/3) = 4; sxx = 2 → slope 2.
    // fitted at x=2: 37/3 + 2·1 = 43/3.
    const fit = linearFit([{ atMs: T0, value: 10 }, { atMs: T0 + DAY, value: 13 }, { atMs: T0 + 2 * DAY, value: 14 }]);
    expect(fit?.slopePerDay).toBeCloseTo(2, 12);
    expect(fit?.fittedAtLast).toBeCloseTo(43 / 3, 12);
  });

  it('null with fewer than two points or a single instant', () => {
    expect(linearFit([])).toBeNull();
    expect(linearFit([{ atMs: T0, value: 1 }])).toBeNull();
    expect(linearFit([{ atMs: T0, value: 1 }, { atMs: T0, value: 5 }])).toBeNull();
  });

  it('property: points on any line give back its slope (hours apart, any offset)', () => {
    fc.assert(
      fc.property(fc.double({ min: -1000, max: 1000, noNaN: true }), fc.double({ min: -100, max: 100, noNaN: true }), fc.integer({ min: 2, max: 60 }), (intercept, slope, n) => {
        const points = Array.from({ length: n }, (_, i) => ({ atMs: T0 + i * 3_600_000, value: intercept + (slope * i) / 24 }));
        const fit = linearFit(points);
        expect(fit?.slopePerDay).toBeCloseTo(slope, 6);
        expect(fit?.fittedAtLast).toBeCloseTo(intercept + (slope * (n - 1)) / 24, 6);
      }),
    );
  });
});

describe('daysUntil (disk days-until-full)', () => {
  it('70 % growing 1.5 %/day reaches 100 % in 20 days', () => {
    const points = Array.from({ length: 10 }, (_, d) => ({ atMs: T0 + d * DAY, value: 56.5 + 1.5 * d }));
    expect(daysUntil(points, 100)).toBeCloseTo(20, 9);
  });

  it('bytes: 400 GiB of 500 GiB growing 10 GiB/day → 10 days', () => {
    const GiB = 2 ** 30;
    const points = [0, 1, 2].map((d) => ({ atMs: T0 + d * DAY, value: (380 + 10 * d) * GiB }));
    expect(daysUntil(points, 500 * GiB)).toBeCloseTo(10, 9);
  });

  it('null when flat, shrinking or too little history; 0 when already past the limit', () => {
    expect(daysUntil([{ atMs: T0, value: 50 }, { atMs: T0 + DAY, value: 50 }], 100)).toBeNull();
    expect(daysUntil([{ atMs: T0, value: 60 }, { atMs: T0 + DAY, value: 50 }], 100)).toBeNull();
    expect(daysUntil([{ atMs: T0, value: 60 }], 100)).toBeNull();
    expect(daysUntil([{ atMs: T0, value: 99 }, { atMs: T0 + DAY, value: 101 }], 100)).toBe(0);
  });
});
