/** Pure verdict for an HTTP probe: status, latency, body keywords and certificate expiry → Observation. */
import type { Observation } from '../types.js';
import { round, worst } from '../types.js';
import { overFinding, packFindings, type Finding } from '../verdict.js';
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
  const findings: Finding[] = [];
  const add = (state: Observation['state'], code: string, params: Finding['params'], text: string): void => void findings.push({ state, code, params, text });
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
    const expected = describeRanges(rules.expected_status);
    add('crit', 'http.status', { status: res.status, expected }, `status ${res.status} not in ${expected}`);
  }
  const latency = overFinding('http.slow', 'response time', res.totalMs, rules.warn_ms, rules.crit_ms, ' ms');
  if (latency) findings.push(latency);
  if (rules.contains !== undefined && !res.bodySample.includes(rules.contains)) {
    add('crit', 'http.body_missing', { text: rules.contains.slice(0, 200) }, `body does not contain ${JSON.stringify(rules.contains)}`);
  }
  if (rules.not_contains !== undefined && res.bodySample.includes(rules.not_contains)) {
    add('crit', 'http.body_forbidden', { text: rules.not_contains.slice(0, 200) }, `body contains ${JSON.stringify(rules.not_contains)}`);
  }
  if (res.earliestCert) {
    const days = certDaysLeft(res.earliestCert.validTo, nowMs);
    metrics.cert_days_left = round(days, 2);
    details.cert_subject = res.earliestCert.subject;
    details.cert_issuer = res.earliestCert.issuer;
    details.cert_not_after = res.earliestCert.validTo.toISOString();
    const label = `certificate ${JSON.stringify(res.earliestCert.subject)} of ${res.earliestCert.host}`;
    const cert = { subject: res.earliestCert.subject.slice(0, 200), host: res.earliestCert.host };
    if (days <= 0) {
      add('crit', 'http.cert_expired', { ...cert, days: round(-days, 1) }, `${label} expired ${round(-days, 1)} days ago`);
    } else if (days <= rules.cert_crit_days) {
      add('crit', 'http.cert_expiring', { ...cert, days: round(days, 1), threshold: rules.cert_crit_days, level: 'crit' }, `${label} expires in ${round(days, 1)} days (<= ${rules.cert_crit_days})`);
    } else if (days <= rules.cert_warn_days) {
      add('warn', 'http.cert_expiring', { ...cert, days: round(days, 1), threshold: rules.cert_warn_days, level: 'warn' }, `${label} expires in ${round(days, 1)} days (<= ${rules.cert_warn_days})`);
    }
  }
  const summary = `HTTP ${res.status} in ${round(res.totalMs)} ms`;
  const reasons = findings.map((f) => f.text);
  const ok = { code: 'http.ok', params: { status: res.status, response_ms: round(res.totalMs) } };
  return {
    state: worst(...findings.map((f) => f.state)),
    message: reasons.length > 0 ? `${reasons.join('; ')} (${summary})` : summary,
    ...packFindings(findings.length > 0 ? findings : [ok]),
    metrics,
    details,
  };
}

/** A transport failure (refused, TLS rejected, timeout) is a crit result about the target. */
export function httpFailure(url: string, error: unknown, timeoutMs: number | null, aborted = false): Observation {
  const err = error as NodeJS.ErrnoException;
  // Aborting mid-body surfaces as a reset socket; the signal says what really happened.
  const reason = aborted || err.name === 'AbortError' ? `timed out${timeoutMs !== null ? ` after ${round(timeoutMs)} ms` : ''}` : err.code ? `${err.code}: ${err.message}` : err.message;
  return { state: 'crit', message: `${redactUrl(url)}: ${reason}`, code: 'http.failed', params: { url: redactUrl(url).slice(0, 500), reason: reason.slice(0, 500) }, metrics: { up: 0 } };
}
