/** Pure verdict for an HTTP probe: status, latency, body keywords and certificate expiry → Observation. */
import type { Observation } from '../types.js';
import { overThreshold, round, worst } from '../types.js';
import type { ProbeResponse } from './probe.js';
import { describeRanges, statusMatches, type StatusRange } from './status.js';

export interface HttpRules {
  expected_status: StatusRange[];
  warn_ms?: number | undefined;
  crit_ms?: number | undefined;
  contains?: string | undefined;
  not_contains?: string | undefined;
  cert_warn_days: number;
  cert_crit_days: number;
}

const DAY_MS = 86_400_000;

/** URLs may carry `user:password@`; results and logs travel to the collector, so the password is masked. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}

export function certDaysLeft(validTo: Date, nowMs: number): number {
  return (validTo.getTime() - nowMs) / DAY_MS;
}

export function evaluateHttp(res: ProbeResponse, rules: HttpRules, nowMs: number): Observation {
  const states: Array<Observation['state']> = [];
  const reasons: string[] = [];
  const metrics: Record<string, number> = {
    up: 1,
    status_code: res.status,
    response_ms: round(res.totalMs, 3),
    first_byte_ms: round(res.firstByteMs, 3),
    body_bytes: res.bodyBytes,
    redirects: res.redirects,
  };
  const details: Record<string, string | number> = { final_url: redactUrl(res.finalUrl) };

  if (!statusMatches(res.status, rules.expected_status)) {
    states.push('crit');
    reasons.push(`status ${res.status} not in ${describeRanges(rules.expected_status)}`);
  }
  const latency = overThreshold('response time', res.totalMs, rules.warn_ms, rules.crit_ms, ' ms');
  if (latency.reason) {
    states.push(latency.state);
    reasons.push(latency.reason);
  }
  if (rules.contains !== undefined && !res.bodySample.includes(rules.contains)) {
    states.push('crit');
    reasons.push(`body does not contain ${JSON.stringify(rules.contains)}`);
  }
  if (rules.not_contains !== undefined && res.bodySample.includes(rules.not_contains)) {
    states.push('crit');
    reasons.push(`body contains ${JSON.stringify(rules.not_contains)}`);
  }
  if (res.earliestCert) {
    const days = certDaysLeft(res.earliestCert.validTo, nowMs);
    metrics.cert_days_left = round(days, 2);
    details.cert_subject = res.earliestCert.subject;
    details.cert_issuer = res.earliestCert.issuer;
    details.cert_not_after = res.earliestCert.validTo.toISOString();
    const label = `certificate ${JSON.stringify(res.earliestCert.subject)} of ${res.earliestCert.host}`;
    if (days <= 0) {
      states.push('crit');
      reasons.push(`${label} expired ${round(-days, 1)} days ago`);
    } else if (days <= rules.cert_crit_days) {
      states.push('crit');
      reasons.push(`${label} expires in ${round(days, 1)} days (<= ${rules.cert_crit_days})`);
    } else if (days <= rules.cert_warn_days) {
      states.push('warn');
      reasons.push(`${label} expires in ${round(days, 1)} days (<= ${rules.cert_warn_days})`);
    }
  }
  const summary = `HTTP ${res.status} in ${round(res.totalMs)} ms`;
  return {
    state: worst(...states),
    message: reasons.length > 0 ? `${reasons.join('; ')} (${summary})` : summary,
    metrics,
    details,
  };
}

/** A transport failure (refused, TLS rejected, timeout) is a crit result about the target. */
export function httpFailure(url: string, error: unknown, timeoutMs: number | null, aborted = false): Observation {
  const err = error as NodeJS.ErrnoException;
  // Aborting mid-body surfaces as a reset socket; the signal says what really happened.
  const reason = aborted || err.name === 'AbortError' ? `timed out${timeoutMs !== null ? ` after ${round(timeoutMs)} ms` : ''}` : err.code ? `${err.code}: ${err.message}` : err.message;
  return { state: 'crit', message: `${redactUrl(url)}: ${reason}`, metrics: { up: 0 } };
}
