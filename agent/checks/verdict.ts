/**
 * Collects a check's findings — state, a stable code (`<type>.<finding>`), raw params, and the English text kept
 * for old collectors and logs — and turns them into one Observation. Several findings travel as the code
 * `check.findings` with `count` and, per finding i, `f<i>` = its code and `f<i>.<param>` = its params
 * (common/findings.ts renders them joined); the state is the most severe (crit > unknown > warn > ok).
 */
import type { FindingParams } from '../../common/protocol.js';
import { round, worst, type Observation } from './types.js';


/** = common/findings.ts SEVERAL_FINDINGS; not imported, so the agent never loads the catalogue (its RSS). */
export const SEVERAL_FINDINGS = 'check.findings';
/** Findings carried in one result at most (the rest are counted as `more`); the English message is capped too. */
const MAX_PACKED = 20;

export interface Finding {
  state: Observation['state'];
  code: string;
  params: FindingParams;
  text: string;
}

export interface Verdict {
  add(state: Observation['state'], code: string, params: FindingParams, text: string): void;
  readonly findings: readonly Finding[];
  readonly state: Observation['state'];
  /** The observation; `ok` is the finding used when nothing was added. `subject` prefixes the English text (a device name). */
  observation(ok: Omit<Finding, 'state'>, rest: Omit<Observation, 'state' | 'message' | 'code' | 'params'>, subject?: string): Observation;
}

/** Packs several findings into one code + flat params (see the module comment). */
export function packFindings(findings: readonly Omit<Finding, 'state' | 'text'>[]): { code: string; params: FindingParams } {
  if (findings.length === 1) return { code: findings[0]!.code, params: findings[0]!.params };
  const params: FindingParams = { count: Math.min(findings.length, MAX_PACKED) };
  if (findings.length > MAX_PACKED) params.more = findings.length - MAX_PACKED;
  findings.slice(0, MAX_PACKED).forEach((f, i) => {
    params[`f${i}`] = f.code;
    for (const [key, value] of Object.entries(f.params)) params[`f${i}.${key}`] = value;
  });
  return { code: SEVERAL_FINDINGS, params };
}

export function createVerdict(): Verdict {
  const findings: Finding[] = [];
  return {
    add(state, code, params, text) {
      findings.push({ state, code, params, text });
    },
    findings,
    get state() {
      return worst(...findings.map((f) => f.state));
    },
    observation(ok, rest, subject) {
      const shown = findings.length > 0 ? findings : [{ ...ok, state: 'ok' as const }];
      const text = shown.map((f) => f.text).join('; ');
      const { code, params } = packFindings(shown);
      const message = subject ? `${subject}: ${text}` : text;
      return { state: worst(...shown.map((f) => f.state)), message: message.slice(0, 2000), code, params: subject ? { ...params, subject } : params, ...rest };
    },
  };
}

/**
 * overThreshold (value ≥ crit → crit, ≥ warn → warn) as a finding: `code` with `value`, `threshold`, `level` and
 * `extra` params, the English text as today. null when under both thresholds.
 */
export function overFinding(
  code: string,
  label: string,
  value: number,
  warn: number | undefined,
  crit: number | undefined,
  unit = '',
  extra: FindingParams = {},
): Finding | null {
  const v = round(value);
  if (crit !== undefined && value >= crit) return { state: 'crit', code, params: { ...extra, value: v, threshold: crit, level: 'crit' }, text: `${label} ${v}${unit} >= ${crit}${unit}` };
  if (warn !== undefined && value >= warn) return { state: 'warn', code, params: { ...extra, value: v, threshold: warn, level: 'warn' }, text: `${label} ${v}${unit} >= ${warn}${unit}` };
  return null;
}
