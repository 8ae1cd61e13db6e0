/** Report periods: months and days in a time zone, refused when malformed or in the future; the previous month. */
import { describe, expect, it } from 'vitest';
import { ReportError } from '../../../../collector/reports/errors.js';
import { dayRange, iso, monthRange, previousMonth, previousQuarter, seconds } from '../../../../collector/reports/period.js';

const NOW = Date.parse('2026-11-22T01:00:00Z');

describe('monthRange', () => {
  it('October 2026 in Asia/Shanghai starts and ends at local midnight (31 days)', () => {
    const r = monthRange('Asia/Shanghai', '2026-10', NOW);
    expect(r).toEqual({ fromMs: Date.parse('2026-09-30T16:00:00Z'), toMs: Date.parse('2026-10-31T16:00:00Z') });
    expect((r.toMs - r.fromMs) / 86_400_000).toBe(31);
  });

  it('a DST month elsewhere: March 2026 in Europe/London is 31 days minus an hour', () => {
    const r = monthRange('Europe/London', '2026-03', NOW);
    expect(r.toMs - r.fromMs).toBe(31 * 86_400_000 - 3_600_000);
  });

  it('the current month is allowed (partial), a month that has not started is "future"', () => {
    expect(() => monthRange('Asia/Shanghai', '2026-11', NOW)).not.toThrow();
    expect(() => monthRange('Asia/Shanghai', '2026-12', NOW)).toThrow('period 2026-12 is in the future');
    try {
      monthRange('Asia/Shanghai', '2026-12', NOW);
    } catch (error) {
      expect(error).toBeInstanceOf(ReportError);
      expect((error as ReportError).code).toBe('future');
    }
  });

  it('a quarter is a period too; the previous quarter of a month rolls over the year', () => {
    expect(monthRange('Asia/Shanghai', '2026-Q3', NOW)).toEqual({ fromMs: Date.parse('2026-06-30T16:00:00Z'), toMs: Date.parse('2026-09-30T16:00:00Z') });
    expect(previousQuarter('2026-04')).toBe('2026-Q1');
    expect(previousQuarter('2026-12')).toBe('2026-Q3');
    expect(previousQuarter('2026-01')).toBe('2025-Q4');
  });

  it('malformed periods are "invalid" with the text quoted', () => {
    for (const bad of ['2026-13', '2026-00', '2026-1', '26-10', '2026/10', '', 'october', '2026-Q0', '2026-q1']) {
      expect(() => monthRange('Asia/Shanghai', bad, NOW)).toThrow(`period must be YYYY-MM or YYYY-Qn, got "${bad}"`);
    }
  });
});

describe('dayRange', () => {
  it('a day in Asia/Shanghai', () => {
    expect(dayRange('Asia/Shanghai', '2026-10-20', NOW)).toEqual({ fromMs: Date.parse('2026-10-19T16:00:00Z'), toMs: Date.parse('2026-10-20T16:00:00Z') });
  });

  it('today is allowed; tomorrow is "future"; impossible dates are "invalid"', () => {
    expect(() => dayRange('Asia/Shanghai', '2026-11-22', NOW)).not.toThrow();
    expect(() => dayRange('Asia/Shanghai', '2026-11-23', NOW)).toThrow('date 2026-11-23 is in the future');
    for (const bad of ['2026-02-30', '2026-13-01', '20261020', '2026-10-2']) expect(() => dayRange('Asia/Shanghai', bad, NOW)).toThrow(`date must be YYYY-MM-DD, got "${bad}"`);
  });
});

describe('previousMonth, iso, seconds', () => {
  it('steps back across the year', () => {
    expect(previousMonth('2026-11')).toBe('2026-10');
    expect(previousMonth('2026-01')).toBe('2025-12');
    expect(previousMonth('2026-10')).toBe('2026-09');
  });

  it('null stays null; ms round to whole seconds', () => {
    expect(iso(null)).toBeNull();
    expect(iso(0)).toBe('1970-01-01T00:00:00.000Z');
    expect(seconds(null)).toBeNull();
    expect(seconds(1499)).toBe(1);
    expect(seconds(1500)).toBe(2);
  });
});
