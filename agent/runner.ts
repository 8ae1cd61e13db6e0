/**
 * Runs one check once: owns the timeout (AbortController → `unknown` "timed out after Xs"), turns a throw
 * into `unknown` with the error, and validates what the check returned (a malformed observation is the
 * check's bug, reported as `unknown`, never published as-is).
 */
import { observationSchema, type Observation } from '../common/protocol.js';
import { formatProblems, zodProblems } from '../common/config.js';
import type { CheckInstance } from './checks/types.js';

export interface RunOutcome {
  observation: Observation;
  /** Wall-clock start of the run: the result's `observed_at_ms`. */
  startedAtMs: number;
  durationMs: number;
  /** Settles when the check's own promise settles (it may outlive a timeout); used to prevent overlap. */
  settled: Promise<unknown>;
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}` : String(error);
}

export async function runCheck(instance: CheckInstance, timeoutMs: number, now: () => number): Promise<RunOutcome> {
  const startedAtMs = now();
  const started = performance.now();
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<Observation>((resolve) => {
    timer = setTimeout(() => {
      controller.abort(new Error(`timed out after ${timeoutMs / 1000}s`));
      resolve({ state: 'unknown', message: `timed out after ${timeoutMs / 1000}s`, code: 'check.timed_out', params: { seconds: timeoutMs / 1000 }, metrics: {} });
    }, timeoutMs);
  });
  const running = (async (): Promise<Observation> => {
    try {
      const raw: unknown = await instance.run(controller.signal);
      const parsed = observationSchema.safeParse(raw);
      if (parsed.success) return parsed.data;
      const problems = formatProblems(zodProblems(parsed.error));
      return { state: 'unknown', message: `check returned an invalid observation:\n${problems}`.slice(0, 2000), code: 'check.invalid_observation', params: { problems: problems.slice(0, 500) }, metrics: {} };
    } catch (error) {
      const reason = describeError(error);
      return { state: 'unknown', message: `check failed: ${reason}`.slice(0, 2000), code: 'check.failed', params: { error: reason.slice(0, 500) }, metrics: {} };
    }
  })();
  const observation = await Promise.race([running, timedOut]);
  clearTimeout(timer);
  return { observation, startedAtMs, durationMs: Math.round((performance.now() - started) * 1000) / 1000, settled: running };
}
