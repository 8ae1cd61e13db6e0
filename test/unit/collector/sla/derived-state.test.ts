import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StateInterval } from '../../../../collector/sla/availability.js';
import { deriveStateIntervals } from '../../../../collector/sla/derived-state.js';

const iv = (startMs: number, endMs: number | null, state: StateInterval['state']): StateInterval => ({ startMs, endMs, state });
const a = [iv(0, 10, 'ok'), iv(10, 20, 'crit'), iv(20, null, 'ok')];
const b = [iv(0, 15, 'ok'), iv(15, 25, 'crit'), iv(25, null, 'warn')];
const c = [iv(0, 30, 'ok')];

describe('derived service state', () => {
  it('all: the worst member state', () => {
    expect(deriveStateIntervals([a, b], { mode: 'all' }, 0, 30)).toEqual([iv(0, 10, 'ok'), iv(10, 25, 'crit'), iv(25, 30, 'warn')]);
  });

  it('any: the best member state', () => {
    expect(deriveStateIntervals([a, b], { mode: 'any' }, 0, 30)).toEqual([iv(0, 15, 'ok'), iv(15, 20, 'crit'), iv(20, 30, 'ok')]);
  });

  it('at least N up', () => {
    // 15–20: a and b are both down, only c is up.
    expect(deriveStateIntervals([a, b, c], { mode: 'at_least', n: 2 }, 0, 30)).toEqual([iv(0, 15, 'ok'), iv(15, 20, 'crit'), iv(20, 30, 'ok')]);
    expect(deriveStateIntervals([a, b, c], { mode: 'at_least', n: 1 }, 0, 30)).toEqual([iv(0, 30, 'ok')]);
    expect(deriveStateIntervals([a, b, c], { mode: 'at_least', n: 3 }, 0, 30)).toEqual([iv(0, 10, 'ok'), iv(10, 25, 'crit'), iv(25, 30, 'warn')]);
  });

  it('treats missing member data as unknown and clips to the range', () => {
    expect(deriveStateIntervals([[iv(5, 8, 'ok')], c], { mode: 'all' }, 0, 10)).toEqual([iv(0, 5, 'unknown'), iv(5, 8, 'ok'), iv(8, 10, 'unknown')]);
    expect(deriveStateIntervals([], { mode: 'all' }, 0, 10)).toEqual([]);
  });

  it('one member: every rule returns the member itself (property)', () => {
    const states = fc.constantFrom<StateInterval['state']>('ok', 'warn', 'crit', 'unknown');
    const list = fc.array(fc.tuple(fc.integer({ min: 1, max: 20 }), states), { minLength: 1, maxLength: 10 }).map((parts) => {
      let t = 0;
      return parts.map(([len, state]) => {
        const out = iv(t, t + len, state);
        t += len;
        return out;
      });
    });
    fc.assert(
      fc.property(list, fc.constantFrom('all', 'any'), (member, mode) => {
        const end = member[member.length - 1]!.endMs!;
        const derived = deriveStateIntervals([member], { mode } as { mode: 'all' | 'any' }, 0, end);
        for (const m of member) {
          const covering = derived.find((d) => d.startMs <= m.startMs && (d.endMs ?? 0) >= m.endMs!);
          expect(covering?.state).toBe(m.state);
        }
      }),
    );
  });
});
