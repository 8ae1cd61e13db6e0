import { describe, expect, it } from 'vitest';
import { runCheck } from '../../../agent/runner.js';
import type { CheckInstance, Observation } from '../../../agent/checks/types.js';

const clock = () => 1_700_000_000_000;

describe('runCheck', () => {
  it('passes a valid observation through with the start time and a duration', async () => {
    const instance: CheckInstance = { run: async () => ({ state: 'warn', message: 'disk 85%', metrics: { used_percent: 85 } }) };
    const outcome = await runCheck(instance, 1000, clock);
    expect(outcome.observation).toEqual({ state: 'warn', message: 'disk 85%', metrics: { used_percent: 85 } });
    expect(outcome.startedAtMs).toBe(1_700_000_000_000);
    expect(outcome.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('a check that ignores its deadline becomes unknown "timed out after Xs" and its signal is aborted', async () => {
    let aborted: AbortSignal | undefined;
    let release!: () => void;
    const instance: CheckInstance = {
      run: (signal) => {
        aborted = signal;
        return new Promise<Observation>((resolve) => (release = () => resolve({ state: 'ok', message: 'late', metrics: {} })));
      },
    };
    const outcome = await runCheck(instance, 50, clock);
    expect(outcome.observation).toEqual({ state: 'unknown', message: 'timed out after 0.05s', code: 'check.timed_out', params: { seconds: 0.05 }, metrics: {} });
    expect(aborted?.aborted).toBe(true);
    let settled = false;
    void outcome.settled.then(() => (settled = true));
    release();
    await outcome.settled;
    expect(settled).toBe(true);
  });

  it('a throw becomes unknown with the error', async () => {
    const instance: CheckInstance = { run: async () => { throw new TypeError('cannot read x of undefined'); } };
    expect((await runCheck(instance, 1000, clock)).observation).toMatchObject({
      state: 'unknown',
      message: 'check failed: TypeError: cannot read x of undefined',
      metrics: {},
    });
  });

  it('a malformed observation becomes unknown naming the bad field', async () => {
    const instance = { run: async () => ({ state: 'fine', message: 'x', metrics: { load: Number.NaN } }) } as unknown as CheckInstance;
    const { observation } = await runCheck(instance, 1000, clock);
    expect(observation.state).toBe('unknown');
    expect(observation.message).toContain('check returned an invalid observation');
    expect(observation.message).toContain('state:');
    expect(observation.message).toContain('metrics.load:');
  });
});
