/**
 * The confirmation state machine (pure). A check's confirmed state changes only after N consecutive results
 * agree on a new state, which damps flapping; the new interval starts at the first result of that streak.
 * Liveness verdicts (agent offline, silence) are "synthetic" observations: they apply at once, and the first
 * real result after one applies at once too (an UNKNOWN we inferred is not a verdict to be damped).
 */
import type { CheckState, FindingParams } from '../../common/protocol.js';

/** A result's finding code and params (rendered in the reader's language; null: show the message). */
export interface RunFinding {
  code: string;
  params: FindingParams | null;
}

export type ObservationCause = 'result' | 'agent_offline' | 'agent_stopped' | 'silence';

/** A run of consecutive observations with the same state and cause (one observation when count = 1). */
export interface ObservationRun {
  state: CheckState;
  cause: ObservationCause;
  firstMs: number;
  lastMs: number;
  count: number;
  /** Message of the run's first observation. */
  reason: string;
  /** Finding of the run's first observation, when it had a code. */
  finding?: RunFinding | null;
}

export interface MachineState {
  confirmed: CheckState | null;
  /** The confirmed state came from a liveness verdict, not from a check. */
  confirmedSynthetic: boolean;
  pending: { state: CheckState; sinceMs: number; count: number; reason: string; finding?: RunFinding | null } | null;
}

export interface ConfirmedChange {
  from: CheckState | null;
  to: CheckState;
  atMs: number;
  reason: string;
  finding?: RunFinding | null;
  cause: ObservationCause;
}

export const INITIAL_MACHINE: MachineState = { confirmed: null, confirmedSynthetic: false, pending: null };

/** Feeds one run (count observations of one state) into the machine; returns the new machine and any change. */
export function stepRun(
  machine: MachineState,
  run: ObservationRun,
  confirmations: number,
): { machine: MachineState; change: ConfirmedChange | null } {
  const needed = Math.max(1, Math.floor(confirmations));
  const immediate = run.cause !== 'result' || machine.confirmed === null || machine.confirmedSynthetic;
  if (run.state === machine.confirmed) {
    // Agreeing with the confirmed state cancels any pending streak; a real result replaces a synthetic verdict.
    if (machine.pending === null && machine.confirmedSynthetic === (run.cause !== 'result')) return { machine, change: null };
    return { machine: { confirmed: machine.confirmed, confirmedSynthetic: run.cause !== 'result', pending: null }, change: null };
  }
  if (immediate) {
    return {
      machine: { confirmed: run.state, confirmedSynthetic: run.cause !== 'result', pending: null },
      change: { from: machine.confirmed, to: run.state, atMs: run.firstMs, reason: run.reason, ...(run.finding ? { finding: run.finding } : {}), cause: run.cause },
    };
  }
  const continuing = machine.pending !== null && machine.pending.state === run.state;
  const pending = continuing && machine.pending
    ? { ...machine.pending, count: machine.pending.count + run.count }
    : { state: run.state, sinceMs: run.firstMs, count: run.count, reason: run.reason, finding: run.finding ?? null };
  if (pending.count >= needed) {
    return {
      machine: { confirmed: run.state, confirmedSynthetic: false, pending: null },
      change: { from: machine.confirmed, to: run.state, atMs: pending.sinceMs, reason: pending.reason, ...(pending.finding ? { finding: pending.finding } : {}), cause: 'result' },
    };
  }
  return { machine: { ...machine, pending }, change: null };
}

/** Replays runs in order from a machine state; returns every confirmed change and the final machine. */
export function replayRuns(
  start: MachineState,
  runs: readonly ObservationRun[],
  confirmations: number,
): { machine: MachineState; changes: ConfirmedChange[] } {
  let machine = start;
  const changes: ConfirmedChange[] = [];
  for (const run of runs) {
    const step = stepRun(machine, run, confirmations);
    machine = step.machine;
    if (step.change) changes.push(step.change);
  }
  return { machine, changes };
}

/** A single observation as a run of one. */
export function singleRun(state: CheckState, cause: ObservationCause, atMs: number, reason: string, finding: RunFinding | null = null): ObservationRun {
  return { state, cause, firstMs: atMs, lastMs: atMs, count: 1, reason, finding };
}
