import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { INITIAL_MACHINE, replayRuns, singleRun, stepRun, type ObservationRun } from '../../../../collector/states/machine.js';
import type { CheckState } from '../../../../common/protocol.js';

const r = (state: CheckState, at: number, cause: ObservationRun['cause'] = 'result') => singleRun(state, cause, at, `${state}@${at}`);

function changesOf(states: Array<[CheckState, number] | [CheckState, number, ObservationRun['cause']]>, n: number) {
  return replayRuns(INITIAL_MACHINE, states.map(([s, at, cause]) => r(s, at, cause)), n).changes.map((c) => [c.from, c.to, c.atMs, c.cause]);
}

describe('confirmation state machine', () => {
  it('confirms the first result at once', () => {
    expect(changesOf([['crit', 10]], 3)).toEqual([[null, 'crit', 10, 'result']]);
  });

  it('with 1 confirmation every change of state is a change', () => {
    expect(changesOf([['ok', 0], ['crit', 1], ['crit', 2], ['ok', 3]], 1)).toEqual([
      [null, 'ok', 0, 'result'],
      ['ok', 'crit', 1, 'result'],
      ['crit', 'ok', 3, 'result'],
    ]);
  });

  it('needs N consecutive results and dates the change at the first of them', () => {
    // ok, crit, crit (flap broken by ok), crit×3 → crit confirmed at 5
    expect(changesOf([['ok', 0], ['crit', 1], ['crit', 2], ['ok', 3], ['crit', 5], ['crit', 6], ['crit', 7]], 3)).toEqual([
      [null, 'ok', 0, 'result'],
      ['ok', 'crit', 5, 'result'],
    ]);
  });

  it('a streak of another non-confirmed state restarts the count', () => {
    expect(changesOf([['ok', 0], ['warn', 1], ['crit', 2], ['crit', 3]], 2)).toEqual([
      [null, 'ok', 0, 'result'],
      ['ok', 'crit', 2, 'result'],
    ]);
  });

  it('liveness verdicts apply at once, and so does the first real result after one', () => {
    expect(changesOf([['ok', 0], ['unknown', 5, 'agent_offline'], ['crit', 9]], 3)).toEqual([
      [null, 'ok', 0, 'result'],
      ['ok', 'unknown', 5, 'agent_offline'],
      ['unknown', 'crit', 9, 'result'],
    ]);
  });

  it('a real unknown result agreeing with a synthetic unknown makes later changes need confirmation again', () => {
    expect(changesOf([['ok', 0], ['unknown', 5, 'silence'], ['unknown', 6], ['ok', 7], ['ok', 8]], 2)).toEqual([
      [null, 'ok', 0, 'result'],
      ['ok', 'unknown', 5, 'silence'],
      ['unknown', 'ok', 7, 'result'],
    ]);
  });

  it('a run of several observations counts as that many results', () => {
    const run: ObservationRun = { state: 'crit', cause: 'result', firstMs: 10, lastMs: 40, count: 4, reason: 'down' };
    const { change } = stepRun({ confirmed: 'ok', confirmedSynthetic: false, pending: null }, run, 3);
    expect(change).toEqual({ from: 'ok', to: 'crit', atMs: 10, reason: 'down', cause: 'result' });
  });

  it('property: with N = 1 the changes are exactly the points where the raw state differs from the previous one', () => {
    const states = fc.array(fc.constantFrom<CheckState>('ok', 'warn', 'crit', 'unknown'), { minLength: 1, maxLength: 60 });
    fc.assert(
      fc.property(states, (list) => {
        const got = changesOf(list.map((s, i) => [s, i] as [CheckState, number]), 1).map((c) => c[2]);
        const want = list.map((s, i) => (i === 0 || list[i - 1] !== s ? i : -1)).filter((i) => i >= 0);
        expect(got).toEqual(want);
      }),
    );
  });

  it('property: confirmed states change only after N equal results, and never twice in a row to the same state', () => {
    const arb = fc.record({
      n: fc.integer({ min: 1, max: 5 }),
      list: fc.array(fc.constantFrom<CheckState>('ok', 'crit', 'warn'), { minLength: 1, maxLength: 80 }),
    });
    fc.assert(
      fc.property(arb, ({ n, list }) => {
        const changes = changesOf(list.map((s, i) => [s, i] as [CheckState, number]), n);
        for (const [k, [from, to, at]] of changes.entries()) {
          expect(from).not.toBe(to);
          if (k === 0) continue;
          // The n results starting at `at` all have the new state.
          const streak = list.slice(at as number, (at as number) + n);
          expect(streak.length).toBe(n);
          expect(streak.every((s) => s === to)).toBe(true);
        }
      }),
    );
  });
});
