/** Inspection verdicts: a metric against its warn/crit pair (above or below), the text form, the worse of two. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS } from '../../../../collector/reports/config.js';
import { judge, thresholdText, verdictOfState, worse, type Verdict } from '../../../../collector/reports/thresholds.js';

describe('judge', () => {
  const used = DEFAULT_THRESHOLDS.used_percent!;
  const cert = DEFAULT_THRESHOLDS.cert_days_left!;

  it('higher is worse (used_percent 80/90): the boundaries belong to the worse verdict', () => {
    expect([0, 79.99, 80, 89.99, 90, 100].map((v) => judge(v, used))).toEqual(['pass', 'pass', 'warn', 'warn', 'fail', 'fail']);
  });

  it('lower is worse (cert_days_left 30/7 below)', () => {
    expect([365, 30.01, 30, 7.01, 7, 0, -3].map((v) => judge(v, cert))).toEqual(['pass', 'pass', 'warn', 'warn', 'fail', 'fail', 'fail']);
  });

  it('loss_percent 5/50', () => {
    expect([0, 5, 49, 50].map((v) => judge(v, DEFAULT_THRESHOLDS.loss_percent!))).toEqual(['pass', 'warn', 'warn', 'fail']);
  });
});

describe('thresholdText, verdictOfState, worse', () => {
  it('prints the comparison the verdict used', () => {
    expect(thresholdText({ warn: 80, crit: 90, below: false })).toBe('warn ≥80 / fail ≥90');
    expect(thresholdText({ warn: 30, crit: 7, below: true })).toBe('warn ≤30 / fail ≤7');
  });

  it('maps check states', () => {
    expect(['ok', 'warn', 'crit', 'unknown', 'other'].map(verdictOfState)).toEqual(['pass', 'warn', 'fail', 'unknown', 'unknown']);
  });

  it('ranks pass < unknown < warn < fail, symmetric', () => {
    const order: Verdict[] = ['pass', 'unknown', 'warn', 'fail'];
    for (const [i, a] of order.entries()) for (const [j, b] of order.entries()) {
      expect(worse(a, b)).toBe(order[Math.max(i, j)]);
      expect(worse(b, a)).toBe(order[Math.max(i, j)]);
    }
  });
});
