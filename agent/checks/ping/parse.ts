/** Pure parsing of iputils `ping` output (LANG=C). Kept apart from the spawn so it is tested with worked examples. */

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
const RTT = /(?:rtt|round-trip) min\/avg\/max(?:\/(?:mdev|stddev))? = ([\d.]+)\/([\d.]+)\/([\d.]+)(?:\/([\d.]+))? ms/;

/** Returns null when the output has no statistics block (e.g. the name did not resolve). */
export function parsePingOutput(output: string): PingStats | null {
  const summary = SUMMARY.exec(output);
  if (!summary) return null;
  const transmitted = Number(summary[1]);
  const received = Number(summary[2]);
  const errors = Number(summary[3] ?? 0);
  // Computed rather than parsed: ping prints "100% packet loss" but also odd values when replies are duplicated.
  const lossPercent = transmitted === 0 ? 100 : Math.max(0, ((transmitted - received) / transmitted) * 100);
  const rttMatch = RTT.exec(output);
  const rtt = rttMatch
    ? {
        minMs: Number(rttMatch[1]),
        avgMs: Number(rttMatch[2]),
        maxMs: Number(rttMatch[3]),
        mdevMs: Number(rttMatch[4] ?? 0),
      }
    : null;
  return { transmitted, received, errors, lossPercent, rtt };
}

/** The first line ping wrote to stderr, without the `ping: ` prefix: the reason when there are no statistics. */
export function pingErrorReason(stderr: string): string {
  const line = stderr.split('\n').find((l) => l.trim() !== '') ?? '';
  return line.replace(/^ping: /, '').trim() || 'ping printed no statistics';
}
