/** The state tracker on a real SQLite file: intervals, late results, confirmations surviving a restart. */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from '../../../../collector/store/db.js';
import { createIntervalsStore } from '../../../../collector/store/intervals-store.js';
import { createObservationLog } from '../../../../collector/store/observation-log.js';
import { createStateTracker, type CheckMeta } from '../../../../collector/states/tracker.js';
import { singleRun, type ObservationCause } from '../../../../collector/states/machine.js';
import type { CheckState } from '../../../../common/protocol.js';

const META: CheckMeta = { agentId: 'a1', checkId: 'c1', checkType: 'ping', target: 'host-1' };
const dbs: Db[] = [];

const WINDOW = 1_000_000;

function open(file: string, confirmations = 1, now = () => 500) {
  const db = openDatabase(file);
  dbs.push(db);
  const intervals = createIntervalsStore(db);
  const log = createObservationLog(db);
  const tooLate: number[] = [];
  const tracker = createStateTracker({ intervals, log, confirmationsFor: () => confirmations, reorderWindowMs: WINDOW, now, onTooLate: (_m, run) => tooLate.push(run.firstMs) });
  const observe = (state: CheckState, at: number, cause: ObservationCause = 'result') =>
    db.transaction(() => {
      const change = tracker.observe(META, singleRun(state, cause, at, `${state}@${at}`));
      tracker.persist();
      return change;
    })();
  const history = () => intervals.history('a1', 'c1', 0, 1e15).map((i) => [i.state, i.startMs, i.endMs]);
  return { observe, history, tracker, log, tooLate, db };
}

afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
});

const file = () => join(mkdtempSync(join(tmpdir(), 'outpost-tracker-')), 'outpost.db');

describe('state tracker (SQLite)', () => {
  it('late results re-derive intervals; only a change of the current state is announced', () => {
    const t = open(file());
    t.observe('ok', 0);
    t.observe('ok', 100);
    t.observe('ok', 200);
    expect(t.observe('crit', 150)).toBeNull(); // late, current state still ok
    expect(t.history()).toEqual([
      ['ok', 0, 150],
      ['crit', 150, 200],
      ['ok', 200, null],
    ]);
    // A late result newer than everything else in its run can change the current state.
    const change = t.observe('crit', 300);
    expect(change).toMatchObject({ from: 'ok', to: 'crit', atMs: 300 });
    expect(t.observe('ok', 250)).toBeNull();
    expect(t.history()).toEqual([
      ['ok', 0, 150],
      ['crit', 150, 200],
      ['ok', 200, 300],
      ['crit', 300, null],
    ]);
  });

  it('late results fill an UNKNOWN silence gap with what the check really said', () => {
    const t = open(file());
    t.observe('ok', 0);
    t.observe('unknown', 180, 'silence');
    expect(t.observe('crit', 60)).toBeNull(); // spooled result from before the silence verdict
    t.observe('crit', 240);
    expect(t.history()).toEqual([
      ['ok', 0, 60],
      ['crit', 60, 180],
      ['unknown', 180, 240],
      ['crit', 240, null],
    ]);
  });

  it('with 3 confirmations a late result can complete a streak in the past', () => {
    const t = open(file(), 3);
    t.observe('ok', 0);
    t.observe('crit', 10);
    t.observe('crit', 30);
    t.observe('ok', 40);
    expect(t.history()).toEqual([['ok', 0, null]]);
    t.observe('crit', 20); // the missing third crit arrives late
    expect(t.history()).toEqual([
      ['ok', 0, 10],
      ['crit', 10, null],
    ]);
  });

  it('a pending streak survives a restart (the machine is rebuilt from the log)', () => {
    const f = file();
    const first = open(f, 3);
    first.observe('ok', 0);
    first.observe('crit', 10);
    first.observe('crit', 20);
    dbs.pop()!.close();
    const second = open(f, 3);
    expect(second.tracker.current(META)).toBe('ok');
    const change = second.observe('crit', 30);
    expect(change).toMatchObject({ from: 'ok', to: 'crit', atMs: 10 });
    expect(second.history()).toEqual([
      ['ok', 0, 10],
      ['crit', 10, null],
    ]);
  });

  it('late results beyond the reorder window are dropped and reported; pruning keeps each check\'s newest run', () => {
    let now = 500;
    const t = open(file(), 1, () => now);
    t.observe('ok', 0);
    t.observe('crit', 100);
    t.observe('ok', 200);
    now = WINDOW + 150;
    expect(t.observe('crit', 140)).toBeNull();
    expect(t.tooLate).toEqual([140]);
    expect(t.history()).toEqual([
      ['ok', 0, 100],
      ['crit', 100, 200],
      ['ok', 200, null],
    ]);
    expect(t.log.prune(now - WINDOW)).toBe(2);
    expect(t.log.loadFrom('a1', 'c1', 0).map((r) => [r.state, r.firstMs])).toEqual([['ok', 200]]);
    // History (intervals) is untouched by pruning, and the tracker goes on.
    expect(t.observe('crit', WINDOW + 200)).toMatchObject({ from: 'ok', to: 'crit' });
    expect(t.history()).toHaveLength(4);
  });
});
