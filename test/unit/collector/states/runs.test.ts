import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { insertObservation, extendsRun } from '../../../../collector/states/runs.js';
import { INITIAL_MACHINE, replayRuns, singleRun, type ObservationRun } from '../../../../collector/states/machine.js';
import type { CheckState } from '../../../../common/protocol.js';

const obs = (state: CheckState, at: number) => singleRun(state, 'result', at, `${state}@${at}`);
const shape = (runs: ObservationRun[]) => runs.map((r) => [r.state, r.firstMs, r.lastMs, r.count]);

function build(list: Array<[CheckState, number]>): ObservationRun[] {
  return list.reduce<ObservationRun[]>((runs, [s, at]) => insertObservation(runs, obs(s, at)), []);
}

describe('run-length observation log', () => {
  it('appending in order extends the last run or starts a new one', () => {
    expect(shape(build([['ok', 0], ['ok', 10], ['crit', 20], ['ok', 30]]))).toEqual([
      ['ok', 0, 10, 2],
      ['crit', 20, 20, 1],
      ['ok', 30, 30, 1],
    ]);
    expect(extendsRun({ ...obs('ok', 0), lastMs: 10 }, obs('ok', 20))).toBe(true);
    expect(extendsRun({ ...obs('ok', 0), lastMs: 10 }, obs('crit', 20))).toBe(false);
    expect(extendsRun(null, obs('ok', 20))).toBe(false);
  });

  it('a late observation of another state splits a run (counts interpolated on a regular interval)', () => {
    const runs = build([['ok', 0], ['ok', 10], ['ok', 20], ['ok', 30], ['ok', 40]]);
    expect(shape(insertObservation(runs, obs('crit', 25)))).toEqual([
      ['ok', 0, 20, 3],
      ['crit', 25, 25, 1],
      ['ok', 30, 40, 2],
    ]);
  });

  it('late observations into a run with holes: the run never shares an instant with them (interpolation stays strictly ordered)', () => {
    // ok at 70, 100, 110 (80 and 90 went to the other collector): one run, evenly spaced only by assumption.
    const runs = build([['ok', 70], ['ok', 100], ['ok', 110]]);
    const afterWarn = insertObservation(runs, obs('warn', 80));
    const afterCrit = insertObservation(afterWarn, obs('crit', 90));
    expect(shape(afterCrit)).toEqual([
      ['ok', 70, 70, 1],
      ['warn', 80, 80, 1],
      ['crit', 90, 90, 1],
      ['ok', 91, 110, 2],
    ]);
    for (let i = 1; i < afterCrit.length; i++) expect(afterCrit[i]!.firstMs).toBeGreaterThan(afterCrit[i - 1]!.lastMs);
    // At the run's last instant too: the rest of the run moves after it, never onto it.
    expect(shape(insertObservation(build([['ok', 0], ['ok', 10]]), obs('crit', 10)))).toEqual([
      ['ok', 0, 0, 1],
      ['crit', 10, 10, 1],
      ['ok', 11, 11, 1],
    ]);
  });

  it('a late observation of the same state inside a run only counts', () => {
    const runs = build([['ok', 0], ['ok', 40]]);
    expect(shape(insertObservation(runs, obs('ok', 20)))).toEqual([['ok', 0, 40, 3]]);
  });

  it('a late observation filling the gap between two runs of its state merges them', () => {
    const runs = [...build([['ok', 0], ['ok', 10], ['crit', 20]])];
    const withGap = insertObservation(runs, obs('crit', 30));
    expect(shape(insertObservation(withGap, obs('crit', 15)))).toEqual([
      ['ok', 0, 10, 2],
      ['crit', 15, 30, 3],
    ]);
  });

  it('a late observation before everything becomes the first run', () => {
    expect(shape(insertObservation(build([['ok', 10]]), obs('crit', 5)))).toEqual([
      ['crit', 5, 5, 1],
      ['ok', 10, 10, 1],
    ]);
  });

  it('property: a late observation gives the same runs as in time order, boundaries within one interval', () => {
    // Realistic shape: results every 10 ms, one of them arrives after all the others.
    const arb = fc.record({
      list: fc.array(fc.constantFrom<CheckState>('ok', 'crit'), { minLength: 2, maxLength: 40 }),
      late: fc.nat(),
    });
    fc.assert(
      fc.property(arb, fc.integer({ min: 1, max: 3 }), ({ list, late }, n) => {
        const lateIndex = late % list.length;
        const all: Array<[CheckState, number]> = list.map((s, i) => [s, i * 10]);
        const inOrder = build(all);
        const shuffled = build([...all.filter((_, i) => i !== lateIndex), all[lateIndex]!]);
        expect(shuffled.map((r) => r.state)).toEqual(inOrder.map((r) => r.state));
        expect(shuffled.map((r) => r.count)).toEqual(inOrder.map((r) => r.count));
        const a = replayRuns(INITIAL_MACHINE, inOrder, n).changes;
        const b = replayRuns(INITIAL_MACHINE, shuffled, n).changes;
        expect(b.map((c) => c.to)).toEqual(a.map((c) => c.to));
        b.forEach((c, i) => expect(Math.abs(c.atMs - a[i]!.atMs)).toBeLessThan(10));
      }),
    );
  });
});
