/** Judges one metric value against a threshold pair (pure): pass / warn / fail, and the threshold as text. */
import type { MetricThreshold } from './config.js';

/** `maintenance`: the check was not OK inside a maintenance window of its target (not a failure). */
export type Verdict = 'pass' | 'warn' | 'fail' | 'unknown' | 'maintenance';

export function verdictOfState(state: string): Verdict {
  return state === 'ok' ? 'pass' : state === 'warn' ? 'warn' : state === 'crit' ? 'fail' : 'unknown';
}

export function judge(value: number, t: MetricThreshold): Verdict {
  if (t.below) return value <= t.crit ? 'fail' : value <= t.warn ? 'warn' : 'pass';
  return value >= t.crit ? 'fail' : value >= t.warn ? 'warn' : 'pass';
}

export function thresholdText(t: MetricThreshold): string {
  const op = t.below ? '≤' : '≥';
  return `warn ${op}${t.warn} / fail ${op}${t.crit}`;
}

/** The worse of two verdicts (unknown ranks between pass and warn). */
export function worse(a: Verdict, b: Verdict): Verdict {
  const rank: Record<Verdict, number> = { pass: 0, maintenance: 0, unknown: 1, warn: 2, fail: 3 };
  return rank[a] >= rank[b] ? a : b;
}
