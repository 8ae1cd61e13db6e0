/**
 * The outage list of an availability report (pure): runs of consecutive down intervals (crit, or warn when it does
 * not count as up), clipped to the window, each with the downtime it contributes — its overlap with scheduled,
 * non-maintenance time — and the reasons the member checks gave. Runs that contribute nothing (entirely in
 * maintenance or outside service hours) are left out, as the engine's outage count leaves them out.
 */
import type { FindingParams } from '../../common/protocol.js';
import { intersectIntervals, mergeIntervals, subtractIntervals, type AvailabilityState, type Interval, type StateInterval } from '../sla/index.js';

export interface Outage {
  startMs: number;
  endMs: number;
  /** Still down at the end of the evaluated window. */
  ongoing: boolean;
  /** Wall-clock length. */
  durationMs: number;
  /** What it counts as downtime: scheduled, non-maintenance time. */
  downtimeMs: number;
  /** Part of it inside maintenance windows (reclassified, not downtime). */
  maintenanceMs: number;
  /** The reasons member checks gave (distinct, at most 5; English messages). */
  causes: string[];
  /** The same reasons with their finding code + params when the result had one (render these for people). */
  findings: OutageFinding[];
}

/** A member's reason: its finding (code + params) when it had one, and its message. */
export interface OutageFinding {
  code: string | null;
  params: FindingParams | null;
  message: string;
}

/** A member interval with the reason (and the finding, when coded) stored beside its state. */
export interface ReasonedInterval extends StateInterval {
  reason: string;
  finding?: { code: string; params: FindingParams | null } | null;
}

export function isDown(state: AvailabilityState, warnCountsAsUp: boolean): boolean {
  return state === 'crit' || (state === 'warn' && !warnCountsAsUp);
}

const total = (list: readonly Interval[]) => list.reduce((sum, i) => sum + (i.endMs - i.startMs), 0);

export function findOutages(input: {
  derived: readonly StateInterval[];
  members: ReadonlyArray<readonly ReasonedInterval[]>;
  scheduled: readonly Interval[];
  maintenance: readonly Interval[];
  fromMs: number;
  toMs: number;
  warnCountsAsUp: boolean;
}): Outage[] {
  const runs: Interval[] = [];
  for (const iv of [...input.derived].sort((a, b) => a.startMs - b.startMs)) {
    if (!isDown(iv.state, input.warnCountsAsUp)) continue;
    const startMs = Math.max(iv.startMs, input.fromMs);
    const endMs = Math.min(iv.endMs ?? input.toMs, input.toMs);
    if (endMs <= startMs) continue;
    const last = runs[runs.length - 1];
    if (last && last.endMs >= startMs) last.endMs = Math.max(last.endMs, endMs);
    else runs.push({ startMs, endMs });
  }
  const maintenance = mergeIntervals(input.maintenance);
  const eligible = subtractIntervals(input.scheduled, maintenance);
  const out: Outage[] = [];
  for (const run of runs) {
    const downtimeMs = total(intersectIntervals([run], eligible));
    if (downtimeMs <= 0) continue;
    const causes = new Map<string, OutageFinding>();
    for (const list of input.members) {
      for (const iv of list) {
        const end = iv.endMs ?? Infinity;
        if (isDown(iv.state, input.warnCountsAsUp) && iv.startMs < run.endMs && end > run.startMs && iv.reason && !causes.has(iv.reason)) {
          causes.set(iv.reason, { code: iv.finding?.code ?? null, params: iv.finding?.params ?? null, message: iv.reason });
        }
      }
    }
    out.push({
      startMs: run.startMs,
      endMs: run.endMs,
      ongoing: isDownAtEnd(input, run),
      durationMs: run.endMs - run.startMs,
      downtimeMs,
      maintenanceMs: total(intersectIntervals([run], maintenance)),
      causes: [...causes.keys()].slice(0, 5),
      findings: [...causes.values()].slice(0, 5),
    });
  }
  return out;
}

function isDownAtEnd(input: { derived: readonly StateInterval[]; toMs: number; warnCountsAsUp: boolean }, run: Interval): boolean {
  return run.endMs >= input.toMs && input.derived.some((d) => isDown(d.state, input.warnCountsAsUp) && (d.endMs ?? Infinity) >= input.toMs && d.startMs < input.toMs);
}
