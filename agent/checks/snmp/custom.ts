/** Custom OIDs with thresholds (machine-room temperature and humidity, UPS battery, ...). Pure evaluation. */
import type { Varbind } from 'net-snmp';
import { round, worst, type Observation } from '../types.js';
import type { Finding } from '../verdict.js';
import type { CustomOid } from './config.js';
import { readNumeric, type ValueProblems } from './values.js';

export interface CustomVerdict {
  metrics: Record<string, number>;
  state: Observation['state'];
  reasons: string[];
  findings: Finding[];
}

/** Judges one scaled value: crit before warn, "above" and "below" independently (e.g. 20–25 °C). */
export function judge(
  o: Pick<CustomOid, 'name' | 'warn_above' | 'crit_above' | 'warn_below' | 'crit_below'>,
  value: number,
): { state: Observation['state']; reason: string | null; bound?: { direction: 'above' | 'below'; threshold: number } } {
  const v = round(value);
  if (o.crit_above !== undefined && value > o.crit_above) return { state: 'crit', reason: `${o.name} ${v} > ${o.crit_above}`, bound: { direction: 'above', threshold: o.crit_above } };
  if (o.crit_below !== undefined && value < o.crit_below) return { state: 'crit', reason: `${o.name} ${v} < ${o.crit_below}`, bound: { direction: 'below', threshold: o.crit_below } };
  if (o.warn_above !== undefined && value > o.warn_above) return { state: 'warn', reason: `${o.name} ${v} > ${o.warn_above}`, bound: { direction: 'above', threshold: o.warn_above } };
  if (o.warn_below !== undefined && value < o.warn_below) return { state: 'warn', reason: `${o.name} ${v} < ${o.warn_below}`, bound: { direction: 'below', threshold: o.warn_below } };
  return { state: 'ok', reason: null };
}

/** `varbinds[i]` answers `oids[i]`; a missing or non-numeric answer is reported and judged `unknown`. */
export function evaluateCustomOids(oids: readonly CustomOid[], varbinds: readonly (Varbind | undefined)[], problems: ValueProblems): CustomVerdict {
  const metrics: Record<string, number> = {};
  const findings: Finding[] = [];
  oids.forEach((o, i) => {
    const before = problems.count;
    const raw = readNumeric(varbinds[i], o.name, problems);
    if (raw === null) {
      // a malformed answer is listed with the ignored values; a missing one gets its own finding
      findings.push({ state: 'unknown', code: 'snmp.oid_missing', params: { name: o.name, oid: o.oid, malformed: problems.count !== before }, text: problems.count === before ? `${o.name}: the device has no value at ${o.oid}` : '' });
      return;
    }
    const value = raw * o.scale;
    metrics[o.name] = round(value, 4);
    const verdict = judge(o, value);
    if (verdict.reason && verdict.bound) {
      findings.push({ state: verdict.state, code: verdict.bound.direction === 'above' ? 'snmp.oid_above' : 'snmp.oid_below', params: { name: o.name, value: round(value), threshold: verdict.bound.threshold, level: verdict.state }, text: verdict.reason });
    }
  });
  return { metrics, state: worst(...findings.map((f) => f.state)), reasons: findings.map((f) => f.text).filter((t) => t !== ''), findings };
}
