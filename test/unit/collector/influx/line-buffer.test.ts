import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLineBuffer } from '../../../../collector/influx/line-buffer.js';

describe('line buffer', () => {
  it('keeps the newest lines within the bound and reports how many were dropped', () => {
    const b = createLineBuffer(3);
    expect(b.push(['1', '2'])).toBe(0);
    expect(b.push(['3', '4', '5'])).toBe(2);
    expect(b.take(10)).toEqual(['3', '4', '5']);
  });

  it('a failed batch goes back in front; the oldest are dropped if that overflows', () => {
    const b = createLineBuffer(4);
    b.push(['1', '2', '3']);
    const batch = b.take(2);
    b.push(['4', '5']);
    expect(b.unshift(batch)).toBe(1);
    expect(b.take(10)).toEqual(['2', '3', '4', '5']);
  });

  it('property: FIFO order, size ≤ bound, pushed = taken + dropped + left', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.array(fc.oneof(fc.integer({ min: 0, max: 30 }), fc.constant(-1)), { maxLength: 60 }), (max, ops) => {
        const b = createLineBuffer(max);
        let next = 0;
        let dropped = 0;
        const taken: number[] = [];
        for (const op of ops) {
          if (op < 0) taken.push(...b.take(7).map(Number));
          else dropped += b.push(Array.from({ length: op }, () => String(next++)));
          expect(b.size()).toBeLessThanOrEqual(max);
        }
        const left = b.take(Infinity).map(Number);
        expect(taken.length + dropped + left.length).toBe(next);
        const all = [...taken, ...left];
        expect([...all].sort((x, y) => x - y)).toEqual(all);
      }),
    );
  });
});
