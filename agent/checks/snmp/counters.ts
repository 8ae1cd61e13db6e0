/**
 * Pure counter math for SNMP interface counters. A Counter32 wraps at 2^32 (a 1 Gbit/s link wraps
 * ifInOctets every 34 s), a Counter64 practically never does (46 years at 100 Gbit/s). A counter that went
 * backwards is therefore a 32-bit wrap (once, if the result is plausible) or a reset (device reboot, counter
 * clear, line card swap); a reset yields no rate — never a fake spike or a fake 0.
 */

export type CounterWidth = 32 | 64;

export interface CounterSample {
  value: bigint;
  width: CounterWidth;
  /** Wall-clock time of the poll, ms. */
  atMs: number;
}

export type CounterDelta =
  | { kind: 'delta'; delta: bigint; elapsedMs: number; wrapped: boolean }
  | { kind: 'reset'; reason: string }
  | { kind: 'none'; reason: string };

const WRAP_32 = 2n ** 32n;

export interface DeltaOptions {
  /** The device rebooted between the samples (sysUpTime went backwards): counters restarted from 0. */
  rebooted: boolean;
  /** The highest believable increase per second (e.g. link speed in octets/s × 1.5); beyond it = reset. */
  maxPerSecond?: number;
}

/** The increase between two samples of the same counter, handling 32-bit wrap and resets. */
export function counterDelta(prev: CounterSample, cur: CounterSample, opts: DeltaOptions): CounterDelta {
  const elapsedMs = cur.atMs - prev.atMs;
  if (elapsedMs <= 0) return { kind: 'none', reason: 'no time passed' };
  if (opts.rebooted) return { kind: 'reset', reason: 'device rebooted' };
  if (prev.width !== cur.width) return { kind: 'reset', reason: `counter changed from ${prev.width} to ${cur.width} bits` };
  let delta: bigint;
  let wrapped = false;
  if (cur.value >= prev.value) {
    delta = cur.value - prev.value;
  } else if (cur.width === 32 && prev.value < WRAP_32) {
    delta = cur.value + WRAP_32 - prev.value;
    wrapped = true;
  } else {
    return { kind: 'reset', reason: 'counter went backwards' };
  }
  if (opts.maxPerSecond !== undefined && opts.maxPerSecond > 0 && Number(delta) > (opts.maxPerSecond * elapsedMs) / 1000) {
    return { kind: 'reset', reason: wrapped ? 'counter went backwards (implausible for a 32-bit wrap)' : 'implausible increase' };
  }
  return { kind: 'delta', delta, elapsedMs, wrapped };
}

/** Per-second rate of a counter, or null on reset / no time passed. */
export function counterRate(prev: CounterSample | undefined, cur: CounterSample, opts: DeltaOptions): number | null {
  if (!prev) return null;
  const d = counterDelta(prev, cur, opts);
  return d.kind === 'delta' ? (Number(d.delta) * 1000) / d.elapsedMs : null;
}

/** sysUpTime is a 32-bit TimeTicks (1/100 s) that wraps after 497 days. */
const TICKS_WRAP = 2 ** 32;

export interface UptimeSample {
  ticks: number;
  atMs: number;
}

/**
 * True when the device restarted between two polls: its uptime went backwards. A 497-day TimeTicks wrap
 * also goes backwards, but then the new uptime is about (old + elapsed − 2^32); that is not a reboot.
 */
export function rebootedBetween(prev: UptimeSample | undefined, cur: UptimeSample): boolean {
  if (!prev || cur.ticks >= prev.ticks) return false;
  const elapsedTicks = Math.max(0, (cur.atMs - prev.atMs) / 10);
  const expectedAfterWrap = prev.ticks + elapsedTicks - TICKS_WRAP;
  // allow 10 % of the interval + 60 s of clock disagreement between agent and device
  const slack = elapsedTicks * 0.1 + 6000;
  return !(expectedAfterWrap >= -slack && Math.abs(cur.ticks - expectedAfterWrap) <= slack);
}
