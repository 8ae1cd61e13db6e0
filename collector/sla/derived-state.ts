/**
 * A service's state derived from its member checks (pure): `all` members up, `any` member up, or at least N
 * up. The derived state at any instant is the N-th best member state (ok < warn < unknown < crit), so
 * `all` → the worst member, `any` → the best. A member without an interval at some instant is unknown there.
 */
import type { AvailabilityState, StateInterval } from './availability.js';

export type DerivationRule = { mode: 'all' } | { mode: 'any' } | { mode: 'at_least'; n: number };

const RANK: Record<AvailabilityState, number> = { ok: 0, warn: 1, unknown: 2, crit: 3 };
const BY_RANK: AvailabilityState[] = ['ok', 'warn', 'unknown', 'crit'];

function needed(rule: DerivationRule, members: number): number {
  if (rule.mode === 'all') return members;
  if (rule.mode === 'any') return 1;
  return Math.min(Math.max(1, rule.n), members);
}

/** Merges member interval lists into the derived interval list over [fromMs, toMs) (adjacent equal states joined). */
export function deriveStateIntervals(
  members: ReadonlyArray<readonly StateInterval[]>,
  rule: DerivationRule,
  fromMs: number,
  toMs: number,
): StateInterval[] {
  if (members.length === 0 || toMs <= fromMs) return [];
  const k = needed(rule, members.length);
  const lists = members.map((list) =>
    [...list]
      .map((iv) => ({ startMs: Math.max(iv.startMs, fromMs), endMs: Math.min(iv.endMs ?? toMs, toMs), state: iv.state }))
      .filter((iv) => iv.endMs > iv.startMs)
      .sort((a, b) => a.startMs - b.startMs),
  );
  const points = new Set<number>([fromMs, toMs]);
  for (const list of lists) for (const iv of list) points.add(iv.startMs).add(iv.endMs);
  const times = [...points].sort((a, b) => a - b);
  const cursors = lists.map(() => 0);
  const out: StateInterval[] = [];
  const counts = [0, 0, 0, 0];
  for (let t = 0; t < times.length - 1; t++) {
    const s = times[t] as number;
    const e = times[t + 1] as number;
    counts.fill(0);
    lists.forEach((list, m) => {
      let c = cursors[m] as number;
      while (c < list.length && (list[c]?.endMs ?? 0) <= s) c++;
      cursors[m] = c;
      const iv = list[c];
      const r = iv && iv.startMs <= s ? RANK[iv.state] : RANK.unknown;
      counts[r] = (counts[r] ?? 0) + 1;
    });
    // The k-th best member state.
    let seen = 0;
    let rank = 0;
    for (; rank < 4; rank++) {
      seen += counts[rank] ?? 0;
      if (seen >= k) break;
    }
    const state = BY_RANK[Math.min(rank, 3)] as AvailabilityState;
    const last = out[out.length - 1];
    if (last && last.state === state && last.endMs === s) last.endMs = e;
    else out.push({ startMs: s, endMs: e, state });
  }
  return out;
}
