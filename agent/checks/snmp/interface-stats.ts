/**
 * Pure: interface readings + the previous poll's counters → per-interface series (rates, utilisation,
 * status), the verdicts (critical interface down, utilisation thresholds) and the counters to keep.
 */
import type { Series } from '../../../common/protocol.js';
import { matchesAny } from '../host/filters.js';
import { round, worst, type Observation } from '../types.js';
import type { Finding } from '../verdict.js';
import { counterRate, type CounterSample } from './counters.js';
import type { Counter, InterfaceReading } from './interfaces.js';

type CounterName = 'inOctets' | 'outOctets' | 'inErrors' | 'outErrors' | 'inDiscards' | 'outDiscards';

/** Counters of one interface at one poll, keyed by ifIndex between polls. */
export type InterfaceCounters = Partial<Record<CounterName, CounterSample>>;

export interface InterfacePolicy {
  include: readonly string[];
  exclude: readonly string[];
  max: number;
  critical: readonly string[];
  utilisationWarn?: number;
  utilisationCrit?: number;
}

export interface InterfaceStats {
  series: Series[];
  /** What to compare the next poll with. */
  counters: Map<number, InterfaceCounters>;
  state: Observation['state'];
  reasons: string[];
  /** The same verdicts with their finding codes and params. */
  findings: Finding[];
  metrics: { interfaces_total: number; interfaces_up: number; interfaces_down: number; critical_interfaces_down: number };
  /** Interfaces selected but not reported because of `max`. */
  dropped: number;
}

/** A link speed this fast is never real; with no ifSpeed it bounds a believable octet increase (400 Gbit/s). */
const FALLBACK_MAX_BPS = 400e9;

/** Patterns match an interface's name, alias or index. */
function matches(r: InterfaceReading, patterns: readonly string[]): boolean {
  return matchesAny(r.name, patterns) || (r.alias !== '' && matchesAny(r.alias, patterns)) || matchesAny(String(r.index), patterns);
}

export function isSelected(r: InterfaceReading, policy: Pick<InterfacePolicy, 'include' | 'exclude'>): boolean {
  return (policy.include.length === 0 || matches(r, policy.include)) && !matches(r, policy.exclude);
}

/** oper status down (2), notPresent (6) or lowerLayerDown (7); testing/dormant/unknown are not "down". */
export function isOperDown(status: number | null): boolean {
  return status === 2 || status === 6 || status === 7;
}

function label(r: InterfaceReading): string {
  return r.alias ? `${r.name} (${r.alias})` : r.name;
}

export function interfaceStats(
  readings: readonly InterfaceReading[],
  previous: ReadonlyMap<number, InterfaceCounters>,
  nowMs: number,
  rebooted: boolean,
  policy: InterfacePolicy,
): InterfaceStats {
  const selected = readings.filter((r) => isSelected(r, policy));
  const reported = selected.slice(0, policy.max);
  const counters = new Map<number, InterfaceCounters>();
  const series: Series[] = [];
  const findings: Finding[] = [];
  let up = 0;
  let down = 0;
  let criticalDown = 0;

  for (const r of reported) {
    const prev = previous.get(r.index) ?? {};
    const cur: InterfaceCounters = {};
    const octetsPerS = (r.speedBps ?? FALLBACK_MAX_BPS) / 8;
    // ×2 slack: ifSpeed is often the negotiated rate, not the port's real ceiling
    const maxPerSecond = { inOctets: octetsPerS * 2, outOctets: octetsPerS * 2 } as Partial<Record<CounterName, number>>;
    const rate = (name: CounterName, counter: Counter | null): number | null => {
      if (!counter) return null;
      const sample: CounterSample = { value: counter.value, width: counter.width, atMs: nowMs };
      cur[name] = sample;
      return counterRate(prev[name], sample, { rebooted, maxPerSecond: maxPerSecond[name] ?? octetsPerS * 2 });
    };
    const metrics: Record<string, number> = {};
    const set = (key: string, value: number | null, digits = 3): void => {
      if (value !== null && Number.isFinite(value)) metrics[key] = round(value, digits);
    };
    const inOctets = rate('inOctets', r.inOctets);
    const outOctets = rate('outOctets', r.outOctets);
    set('in_bits_per_s', inOctets === null ? null : inOctets * 8);
    set('out_bits_per_s', outOctets === null ? null : outOctets * 8);
    set('in_errors_per_s', rate('inErrors', r.inErrors));
    set('out_errors_per_s', rate('outErrors', r.outErrors));
    set('in_discards_per_s', rate('inDiscards', r.inDiscards));
    set('out_discards_per_s', rate('outDiscards', r.outDiscards));
    set('speed_bits_per_s', r.speedBps, 0);
    if (r.inOctets) metrics.counter_bits = r.inOctets.width;
    if (r.adminStatus !== null) metrics.admin_up = r.adminStatus === 1 ? 1 : 0;
    if (r.operStatus !== null) metrics.oper_up = r.operStatus === 1 ? 1 : 0;
    if (r.speedBps) {
      const inPct = inOctets === null ? null : Math.min(100, (inOctets * 800) / r.speedBps);
      const outPct = outOctets === null ? null : Math.min(100, (outOctets * 800) / r.speedBps);
      set('in_utilisation_percent', inPct, 2);
      set('out_utilisation_percent', outPct, 2);
      const worstPct = Math.max(inPct ?? 0, outPct ?? 0);
      const level = policy.utilisationCrit !== undefined && worstPct >= policy.utilisationCrit ? 'crit' : policy.utilisationWarn !== undefined && worstPct >= policy.utilisationWarn ? 'warn' : null;
      if (level) {
        const threshold = (level === 'crit' ? policy.utilisationCrit : policy.utilisationWarn) as number;
        findings.push({ state: level, code: 'snmp.utilisation_high', params: { interface: label(r), value: round(worstPct), threshold, level }, text: `${label(r)} utilisation ${round(worstPct)} % >= ${threshold} %` });
      }
    }
    counters.set(r.index, cur);

    if (r.operStatus === 1) up++;
    const operDown = isOperDown(r.operStatus);
    if (operDown && r.adminStatus === 1) down++;
    series.push({ tags: { if_name: r.name, if_alias: r.alias, if_index: String(r.index) }, metrics });
  }
  // critical interfaces are judged over every interface, whatever include/exclude/max report
  for (const r of readings) {
    if (policy.critical.length === 0 || !isOperDown(r.operStatus) || !matches(r, policy.critical)) continue;
    criticalDown++;
    const adminDown = r.adminStatus === 2;
    findings.push({ state: 'crit', code: 'snmp.critical_interface_down', params: { interface: label(r), admin_down: adminDown }, text: `critical interface ${label(r)} is down${adminDown ? ' (admin down)' : ''}` });
  }
  const unmatched = policy.critical.filter((p) => !readings.some((r) => matches(r, [p])));
  if (unmatched.length > 0 && readings.length > 0) {
    findings.push({ state: 'warn', code: 'snmp.critical_pattern_unmatched', params: { patterns: unmatched.join(', ') }, text: `critical_interfaces pattern(s) match no interface: ${unmatched.join(', ')}` });
  }
  return {
    series,
    counters,
    state: worst(...findings.map((f) => f.state)),
    reasons: findings.map((f) => f.text),
    findings,
    metrics: { interfaces_total: reported.length, interfaces_up: up, interfaces_down: down, critical_interfaces_down: criticalDown },
    dropped: selected.length - reported.length,
  };
}
