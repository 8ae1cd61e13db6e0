/** Pure verdict for ping statistics: loss and round-trip thresholds → state, message and metrics. */
import type { Observation } from '../types.js';
import { overThreshold, round, worst } from '../types.js';
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
      metrics,
    };
  }
  const loss = overThreshold('packet loss', stats.lossPercent, t.warn_loss_percent, t.crit_loss_percent, '%');
  const rtt = stats.rtt ? overThreshold('rtt avg', stats.rtt.avgMs, t.warn_rtt_ms, t.crit_rtt_ms, ' ms') : { state: 'ok' as const, reason: null };
  const reasons = [loss.reason, rtt.reason].filter((r): r is string => r !== null);
  const summary = `${host}: ${round(stats.lossPercent)}% loss, rtt avg ${stats.rtt ? round(stats.rtt.avgMs, 3) : '?'} ms`;
  return {
    state: worst(loss.state, rtt.state),
    message: reasons.length > 0 ? `${reasons.join('; ')} (${summary})` : summary,
    metrics,
  };
}
