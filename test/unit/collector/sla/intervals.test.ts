import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { intersectIntervals, intervalContaining, mergeIntervals, subtractIntervals, totalMs } from '../../../../collector/sla/intervals.js';

const iv = (startMs: number, endMs: number) => ({ startMs, endMs });

describe('intervals', () => {
  it('merges overlapping and touching intervals, dropping empty ones', () => {
    expect(mergeIntervals([iv(5, 8), iv(0, 2), iv(2, 3), iv(7, 10), iv(4, 4)])).toEqual([iv(0, 3), iv(5, 10)]);
  });

  it('subtracts and intersects', () => {
    expect(subtractIntervals([iv(0, 10), iv(20, 30)], [iv(2, 4), iv(8, 22), iv(25, 26)])).toEqual([iv(0, 2), iv(4, 8), iv(22, 25), iv(26, 30)]);
    expect(intersectIntervals([iv(0, 10), iv(20, 30)], [iv(5, 25)])).toEqual([iv(5, 10), iv(20, 25)]);
    expect(totalMs([iv(0, 10), iv(20, 30)])).toBe(20);
    expect(intervalContaining([iv(0, 10), iv(20, 30)], 25)).toEqual(iv(20, 30));
    expect(intervalContaining([iv(0, 10), iv(20, 30)], 10)).toBeNull();
  });

  it('subtract + intersect partition the base (property)', () => {
    const list = fc
      .array(fc.tuple(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 100 })), { maxLength: 12 })
      .map((pairs) => mergeIntervals(pairs.map(([s, l]) => iv(s, s + l))));
    fc.assert(
      fc.property(list, list, (a, b) => {
        expect(totalMs(subtractIntervals(a, b)) + totalMs(intersectIntervals(a, b))).toBe(totalMs(a));
      }),
    );
  });
});
