/** Pure verdict for ping statistics: loss and round-trip thresholds → state, message and metrics. */
import type { Observation } from '../types.js';
import { round, worst } from '../types.js';
import { overFinding, packFindings, type Finding } from '../verdict.js';
import type { PingStats } from './parse.js';

export interface PingThresholds {
  warn_loss_percent: number;
  crit_loss_percent: number;
  warn_rtt_ms?: number | undefined;
  crit_rtt_ms?: number | undefined;
}

export function pingMetrics(stats: PingStats): Record<string, number> {
  const metrics: Record<string, number> = {
    packets_sent: stats.transmitted,
    packets_received: stats.received,
    loss_percent: round(stats.lossPercent, 2),
    icmp_errors: stats.errors,
    up: stats.received > 0 ? 1 : 0,
  };
  if (stats.rtt) {
    metrics.rtt_min_ms = stats.rtt.minMs;
    metrics.rtt_avg_ms = stats.rtt.avgMs;
    metrics.rtt_max_ms = stats.rtt.maxMs;
    metrics.rtt_mdev_ms = stats.rtt.mdevMs;
  }
  return metrics;
}

export function evaluatePing(host: string, stats: PingStats, t: PingThresholds): Observation {
  const metrics = pingMetrics(stats);
  if (stats.received === 0) {
    const errors = stats.errors > 0 ? `, ${stats.errors} ICMP errors` : '';
    return {
      state: 'crit',
      message: `${host} unreachable: 100% packet loss (${stats.transmitted} sent${errors})`,
      code: 'ping.unreachable',
      params: { host, sent: stats.transmitted, icmp_errors: stats.errors },
      metrics,
    };
  }
  const loss = overFinding('ping.loss_high', 'packet loss', stats.lossPercent, t.warn_loss_percent, t.crit_loss_percent, '%', { host });
  const rtt = stats.rtt ? overFinding('ping.rtt_high', 'rtt avg', stats.rtt.avgMs, t.warn_rtt_ms, t.crit_rtt_ms, ' ms', { host }) : null;
  const findings = [loss, rtt].filter((f): f is Finding => f !== null);
  const reasons = findings.map((f) => f.text);
  const summary = `${host}: ${round(stats.lossPercent)}% loss, rtt avg ${stats.rtt ? round(stats.rtt.avgMs, 3) : '?'} ms`;
  const ok = { code: 'ping.ok', params: { host, loss_percent: round(stats.lossPercent), rtt_avg_ms: stats.rtt ? round(stats.rtt.avgMs, 3) : null } };
  return {
    state: worst(...findings.map((f) => f.state)),
    message: reasons.length > 0 ? `${reasons.join('; ')} (${summary})` : summary,
    ...packFindings(findings.length > 0 ? findings : [ok]),
    metrics,
  };
}
