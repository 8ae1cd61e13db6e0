/**
 * The compact observation log (pure): consecutive observations with the same state and cause are one run.
 * Appending in time order extends or starts a run; a late observation is inserted where it belongs, splitting
 * a run of another state. Inside a run only first/last/count are kept, so a split interpolates the count on
 * each side (observations of one check are evenly spaced by its interval).
 */
import type { ObservationRun } from './machine.js';

function sameKind(a: ObservationRun, b: ObservationRun): boolean {
  return a.state === b.state && a.cause === b.cause;
}

/** True when `obs` extends `last` in place (same state and cause, not earlier). */
export function extendsRun(last: ObservationRun | null, obs: ObservationRun): boolean {
  return last !== null && sameKind(last, obs) && obs.firstMs >= last.lastMs;
}

/** True when `obs` falls inside `run` (first ≤ t ≤ last) with the same state and cause: inserting it only counts it. */
export function insideRun(run: ObservationRun | null, obs: ObservationRun): boolean {
  return run !== null && sameKind(run, obs) && obs.firstMs >= run.firstMs && obs.firstMs <= run.lastMs;
}

/**
 * Inserts one observation (a run of count 1) into time-ordered runs; returns new runs, still ordered.
 * Input runs are not modified.
 */
export function insertObservation(runs: readonly ObservationRun[], obs: ObservationRun): ObservationRun[] {
  const out = runs.map((r) => ({ ...r }));
  // Index of the first run that starts after the observation.
  let after = out.findIndex((r) => r.firstMs > obs.firstMs);
  if (after === -1) after = out.length;
  const before = after > 0 ? out[after - 1] : undefined;
  if (before && obs.firstMs <= before.lastMs) {
    // Falls inside `before` (first <= t <= last).
    if (sameKind(before, obs)) {
      before.count += 1;
      return out;
    }
    return [...out.slice(0, after - 1), ...splitRun(before, obs), ...out.slice(after)];
  }
  const next = out[after];
  if (before && sameKind(before, obs)) {
    before.lastMs = obs.firstMs;
    before.count += 1;
    if (next && sameKind(next, before)) {
      // The observation bridged the gap between two runs of the same kind: merge them.
      before.lastMs = next.lastMs;
      before.count += next.count;
      return [...out.slice(0, after), ...out.slice(after + 1)];
    }
    return out;
  }
  if (next && sameKind(next, obs)) {
    next.firstMs = obs.firstMs;
    next.count += 1;
    next.reason = obs.reason;
    next.finding = obs.finding ?? null;
    return out;
  }
  return [...out.slice(0, after), { ...obs, lastMs: obs.firstMs, count: 1 }, ...out.slice(after)];
}

/** Splits `run` around a different observation that falls strictly inside it. */
function splitRun(run: ObservationRun, obs: ObservationRun): ObservationRun[] {
  const t = obs.firstMs;
  if (t === run.firstMs) {
    // Same instant as the run's first observation: the new one goes first and the run starts 1 ms later. Two runs
    // of different states never share an instant: re-deriving from an interval starting there would replay both.
    return [{ ...obs, count: 1, lastMs: t }, { ...run, firstMs: t + 1, lastMs: Math.max(run.lastMs, t + 1) }];
  }
  const span = run.lastMs - run.firstMs;
  const step = run.count > 1 ? span / (run.count - 1) : span;
  // Observations at first + k·step with k·step < t - first belong to the left part.
  const leftCount = Math.min(run.count - 1, Math.max(1, Math.ceil((t - run.firstMs) / (step || 1))));
  const rightCount = run.count - leftCount;
  if (rightCount <= 0) return [run, { ...obs, count: 1, lastMs: t }];
  const leftLast = Math.round(run.firstMs + (leftCount - 1) * step);
  // Interpolated, so strictly after the observation (a run with holes is not evenly spaced: never at its instant).
  const rightFirst = Math.max(t + 1, Math.round(run.firstMs + leftCount * step));
  return [
    { ...run, lastMs: Math.min(leftLast, t - 1), count: leftCount },
    { ...obs, count: 1, lastMs: t },
    { ...run, firstMs: rightFirst, lastMs: Math.max(run.lastMs, rightFirst), count: rightCount },
  ];
}
