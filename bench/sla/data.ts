/** Deterministic synthetic data for the SLA benchmark: state histories and incidents. */
import type { StateInterval } from '../../collector/sla/availability.js';

/** mulberry32: a small seeded PRNG so every run measures the same data. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const STATES: StateInterval['state'][] = ['ok', 'crit', 'ok', 'warn', 'ok', 'unknown'];

/** `changes` state changes per target spread over [fromMs, toMs), ok most of the time. */
export function stateHistories(targets: number, changes: number, fromMs: number, toMs: number, seed = 1): StateInterval[][] {
  const random = prng(seed);
  const out: StateInterval[][] = [];
  for (let t = 0; t < targets; t++) {
    const points = Array.from({ length: changes }, () => fromMs + Math.floor(random() * (toMs - fromMs))).sort((a, b) => a - b);
    const list: StateInterval[] = [{ startMs: fromMs, endMs: points[0] ?? null, state: 'ok' }];
    points.forEach((p, i) => {
      list.push({ startMs: p, endMs: points[i + 1] ?? null, state: STATES[Math.floor(random() * STATES.length)] ?? 'ok' });
    });
    out.push(list);
  }
  return out;
}

export interface SyntheticIncident {
  openedAtMs: number;
  durationMs: number;
}

/** Incidents opened uniformly over [fromMs, toMs) with targets from 15 min to 10 working days. */
export function incidents(count: number, fromMs: number, toMs: number, seed = 2): SyntheticIncident[] {
  const random = prng(seed);
  const targetsMs = [15, 30, 60, 240, 480, 720, 1440, 2880, 5 * 510, 10 * 510].map((m) => m * 60_000);
  return Array.from({ length: count }, () => ({
    openedAtMs: fromMs + Math.floor(random() * (toMs - fromMs)),
    durationMs: targetsMs[Math.floor(random() * targetsMs.length)] ?? 3_600_000,
  }));
}
