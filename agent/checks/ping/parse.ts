/**
 * Pure parsing of iputils `ping` output (LANG=C). Kept apart from the spawn so it is tested with worked examples.
 * The round-trip statistics come from the `ping` package's own Linux parser; the packet counts and ICMP error
 * count (which it does not report) from the summary line.
 */
import pingParsers from 'ping/lib/parser/factory.js';

export interface PingStats {
  transmitted: number;
  received: number;
  /** ICMP errors reported by ping (e.g. "Destination Host Unreachable"); `+N errors` in the summary. */
  errors: number;
  lossPercent: number;
  /** Absent when nothing was received. */
  rtt: { minMs: number; avgMs: number; maxMs: number; mdevMs: number } | null;
}

const SUMMARY = /(\d+) packets transmitted, (\d+) (?:packets )?received(?:, \+(\d+) errors?)?/;
/** Returns null when the output has no statistics block (e.g. the name did not resolve). */
export function parsePingOutput(output: string): PingStats | null {
  const summary = SUMMARY.exec(output);
  if (!summary) return null;
  const transmitted = Number(summary[1]);
  const received = Number(summary[2]);
  const errors = Number(summary[3] ?? 0);
  // Computed rather than parsed: ping prints "100% packet loss" but also odd values when replies are duplicated.
  const lossPercent = transmitted === 0 ? 100 : Math.max(0, ((transmitted - received) / transmitted) * 100);
  const rtt = received > 0 ? rttOf(output) : null;
  return { transmitted, received, errors, lossPercent, rtt };
}

/** The first line ping wrote to stderr, without the `ping: ` prefix: the reason when there are no statistics. */
export function pingErrorReason(stderr: string): string {
  const line = stderr.split('\n').find((l) => l.trim() !== '') ?? '';
  return line.replace(/^ping: /, '').trim() || 'ping printed no statistics';
}

/** min/avg/max/mdev through the `ping` package's parser; null when it found no statistics line. */
function rttOf(output: string) {
  const parser = pingParsers.createParser('target', 'linux', {});
  for (const line of output.split('\n')) parser.eat(line);
  const result = parser.getResult();
  const [minMs, avgMs, maxMs, mdevMs] = [result.min, result.avg, result.max, result.stddev].map(Number);
  if (![minMs, avgMs, maxMs].every((v) => Number.isFinite(v))) return null;
  return { minMs: minMs as number, avgMs: avgMs as number, maxMs: maxMs as number, mdevMs: Number.isFinite(mdevMs) ? (mdevMs as number) : 0 };
}
