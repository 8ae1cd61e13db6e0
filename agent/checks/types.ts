/**
 * The check plugin interface. A check is one file exporting a `CheckPlugin`: a zod schema for its own config
 * keys and a factory. `run` returns an Observation; a failing *target* is a result (state crit + message),
 * a throw means the check itself is broken and the runner reports `unknown`. The runner owns intervals,
 * timeouts, no-overlap and the message envelope; checks never publish or retry.
 */
import type { z } from 'zod';
import type { Observation } from '../../common/protocol.js';
import type { Logger } from '../../common/logger.js';
import type { InterfaceDirectory } from '../traps/interfaces.js';

export type { Observation };

/** What every check receives besides its own config. */
export interface CheckDeps {
  logger: Logger;
  /** Wall clock in ms; injected so tests can drive time. */
  now: () => number;
  /** The agent's own hostname, the default target for host-local checks. */
  hostname: string;
  /** Per-check persistent scratch directory (e.g. backup size history); created by the agent. */
  stateDir: string;
  /**
   * The check's common `timeout` in ms (the runner aborts the run then). Checks that do several requests (snmp)
   * budget their work to finish inside it and report what they could not do. Absent in some tests.
   */
  timeoutMs?: number;
  /** The agent's directory of polled interface names (snmp checks write it, the trap receiver reads it). */
  interfaceDirectory?: InterfaceDirectory;
}

export interface CheckInstance {
  /** Runs once. `signal` aborts when the runner's timeout fires. */
  run(signal: AbortSignal): Promise<Observation>;
  /** Frees sockets/timers; optional. */
  close?(): Promise<void> | void;
}

export interface CheckPlugin<Schema extends z.ZodType = z.ZodType> {
  /** The `type:` value in agent.yaml. */
  type: string;
  /** Schema of the check-specific keys only (the common keys are added by the agent config). Must be strict. */
  configSchema: Schema;
  /** The target name when the config does not set `target:` (e.g. the pinged host). */
  defaultTarget(cfg: z.output<Schema>, deps: Pick<CheckDeps, 'hostname'>): string;
  /**
   * Problems of this config against the check's common `timeout` (ms), e.g. retries × per-request timeouts that
   * cannot fit in it. Paths are relative to the check entry.
   */
  timeoutProblems?(cfg: z.output<Schema>, timeoutMs: number): Array<{ path: string[]; message: string }>;
  create(cfg: z.output<Schema>, deps: CheckDeps): CheckInstance;
}

/** Helper so each check file gets full inference: `export const tcpCheck = defineCheck({...})`. */
export function defineCheck<S extends z.ZodType>(plugin: CheckPlugin<S>): CheckPlugin<S> {
  return plugin;
}

/** What config validation needs of a plugin: kept in the check's config file, apart from its implementation. */
export type CheckSpec<S extends z.ZodType = z.ZodType> = Pick<CheckPlugin<S>, 'type' | 'configSchema' | 'defaultTarget' | 'timeoutProblems'>;

/** Helper for full inference: `export const pingSpec = defineSpec({...})`. */
export function defineSpec<S extends z.ZodType>(spec: CheckSpec<S>): CheckSpec<S> {
  return spec;
}

/**
 * Worst-of rule used by checks that evaluate several rules: crit > unknown > warn > ok (as Checkmk ranks them), so
 * a rule that cannot be judged (a custom OID the device does not answer) never hides a failure (a down uplink).
 */
const ORDER = { ok: 0, warn: 1, unknown: 2, crit: 3 } as const;
export function worst(...states: Array<Observation['state']>): Observation['state'] {
  return states.reduce((a, b) => (ORDER[b] > ORDER[a] ? b : a), 'ok' as Observation['state']);
}

/**
 * Threshold evaluation for "higher is worse" values. Returns the state and a short reason.
 */
export function overThreshold(
  label: string,
  value: number,
  warn: number | undefined,
  crit: number | undefined,
  unit = '',
): { state: Observation['state']; reason: string | null } {
  if (crit !== undefined && value >= crit) return { state: 'crit', reason: `${label} ${round(value)}${unit} >= ${crit}${unit}` };
  if (warn !== undefined && value >= warn) return { state: 'warn', reason: `${label} ${round(value)}${unit} >= ${warn}${unit}` };
  return { state: 'ok', reason: null };
}

export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
