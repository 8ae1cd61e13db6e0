import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { describeRanges, expectedStatusSchema, statusMatches } from '../../../../../agent/checks/http/status.js';

describe('expected_status', () => {
  it('defaults to 200-399', () => {
    expect(expectedStatusSchema.parse(undefined)).toEqual([{ lo: 200, hi: 399 }]);
  });

  it('accepts a code, a range, or a list of both', () => {
    expect(expectedStatusSchema.parse(204)).toEqual([{ lo: 204, hi: 204 }]);
    expect(expectedStatusSchema.parse('200-299')).toEqual([{ lo: 200, hi: 299 }]);
    expect(expectedStatusSchema.parse([200, '301-302', '404'])).toEqual([
      { lo: 200, hi: 200 },
      { lo: 301, hi: 302 },
      { lo: 404, hi: 404 },
    ]);
  });

  it.each([[99], [600], ['2xx'], ['399-200'], [[]], ['200-']])('rejects %j', (value) => {
    expect(expectedStatusSchema.safeParse(value).success).toBe(false);
  });

  it('explains the range format', () => {
    const result = expectedStatusSchema.safeParse('2xx');
    expect(JSON.stringify(result.error?.issues)).toContain('a range like \\"200-399\\"');
  });

  it('matches inclusive bounds', () => {
    const ranges = expectedStatusSchema.parse(['200-299', 304]);
    expect(statusMatches(200, ranges)).toBe(true);
    expect(statusMatches(299, ranges)).toBe(true);
    expect(statusMatches(300, ranges)).toBe(false);
    expect(statusMatches(304, ranges)).toBe(true);
    expect(describeRanges(ranges)).toBe('200-299, 304');
  });

  it('a code matches the range it lies in, and only that (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 599 }), fc.integer({ min: 100, max: 599 }), fc.integer({ min: 100, max: 599 }), (a, b, code) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(statusMatches(code, expectedStatusSchema.parse(`${lo}-${hi}`))).toBe(code >= lo && code <= hi);
      }),
    );
  });
});
