import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { evaluateProcesses, evaluateUnit, INITIAL_RESTART_STATE, trackRestart } from '../../../../../agent/checks/service/evaluate.js';
import { parseSystemctlShow, type UnitStatus } from '../../../../../agent/checks/service/systemd.js';

describe('trackRestart', () => {
  it('first sighting is not a restart', () => {
    expect(trackRestart(INITIAL_RESTART_STATE, 100)).toEqual({ next: { mainPid: 100, restarts: 0 }, restartedFrom: null });
  });
  it('same pid is not a restart; a new pid is', () => {
    const s1 = trackRestart(INITIAL_RESTART_STATE, 100).next;
    expect(trackRestart(s1, 100).restartedFrom).toBeNull();
    expect(trackRestart(s1, 200)).toEqual({ next: { mainPid: 200, restarts: 1 }, restartedFrom: 100 });
  });
  it('remembers the last pid while down, so coming back counts once', () => {
    let s = trackRestart(INITIAL_RESTART_STATE, 100).next;
    s = trackRestart(s, null).next;
    s = trackRestart(s, null).next;
    const back = trackRestart(s, 300);
    expect(back).toEqual({ next: { mainPid: 300, restarts: 1 }, restartedFrom: 100 });
  });
  it('restarts equals the number of pid changes among non-null sightings (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.integer({ min: 1, max: 5 }), { nil: null })), (pids) => {
        let s = INITIAL_RESTART_STATE;
        for (const pid of pids) s = trackRestart(s, pid).next;
        const seen = pids.filter((p): p is number => p !== null);
        const changes = seen.filter((p, i) => i > 0 && p !== seen[i - 1]).length;
        expect(s.restarts).toBe(changes);
      }),
    );
  });
});

const p = (pid: number) => ({ pid, comm: 'nginx', argv: ['nginx'], startTicks: pid });

describe('evaluateProcesses', () => {
  it('ok with count and main pid', () => {
    expect(evaluateProcesses('process nginx', [p(10), p(11)], 1, { restartedFrom: null, restarts: 0 })).toMatchObject({
      state: 'ok',
      message: 'process nginx: 2 processes running, main pid 10',
      metrics: { process_count: 2, restarts: 0, up: 1 },
      details: { main_pid: 10 },
    });
  });
  it('warn on restart, naming both pids', () => {
    const o = evaluateProcesses('process nginx', [p(12)], 1, { restartedFrom: 10, restarts: 3 });
    expect(o.state).toBe('warn');
    expect(o.message).toBe('process nginx restarted (pid 10 → 12); 1 process running, main pid 12');
    expect(o.metrics.restarts).toBe(3);
  });
  it('crit when none or too few', () => {
    expect(evaluateProcesses('process nginx', [], 1, { restartedFrom: null, restarts: 0 }).message).toBe('process nginx: no matching process running');
    expect(evaluateProcesses('process nginx', [p(1)], 2, { restartedFrom: null, restarts: 0 })).toMatchObject({
      state: 'crit',
      message: 'process nginx: 1 processes running, need at least 2',
      metrics: { up: 0 },
    });
  });
});

const SHOW_ACTIVE = 'LoadState=loaded\nActiveState=active\nSubState=running\nMainPID=812\nNRestarts=2\n';

describe('parseSystemctlShow', () => {
  it('reads labelled values in any order', () => {
    expect(parseSystemctlShow('MainPID=812\nSubState=running\nActiveState=active\nLoadState=loaded\nNRestarts=2\n')).toEqual({
      loadState: 'loaded',
      activeState: 'active',
      subState: 'running',
      mainPid: 812,
      nRestarts: 2,
    });
  });
  it('MainPID=0 means no main process; a missing NRestarts (old systemd) is null', () => {
    expect(parseSystemctlShow('LoadState=not-found\nActiveState=inactive\nSubState=dead\nMainPID=0\n')).toMatchObject({ mainPid: null, nRestarts: null });
  });
});

const unit = (text: string): UnitStatus => parseSystemctlShow(text);
const quiet = { restartedFrom: null, restarts: 0 };

describe('evaluateUnit', () => {
  it('active/running is ok', () => {
    expect(evaluateUnit('nginx.service', unit(SHOW_ACTIVE), quiet)).toMatchObject({
      state: 'ok',
      message: 'unit nginx.service active/running',
      metrics: { up: 1, restarts: 0, systemd_restarts: 2 },
      details: { main_pid: 812, active_state: 'active', sub_state: 'running', load_state: 'loaded' },
    });
  });
  it('active with a new main pid is a warn restart', () => {
    const o = evaluateUnit('nginx.service', unit(SHOW_ACTIVE), { restartedFrom: 700, restarts: 1 });
    expect(o.state).toBe('warn');
    expect(o.message).toBe('unit nginx.service restarted (pid 700 → 812); active/running');
  });
  it.each([
    ['activating', 'start', 'warn'],
    ['reloading', 'reload', 'warn'],
    ['inactive', 'dead', 'crit'],
    ['failed', 'failed', 'crit'],
  ])('%s/%s is %s', (active, sub, state) => {
    const o = evaluateUnit('x.service', unit(`LoadState=loaded\nActiveState=${active}\nSubState=${sub}\nMainPID=0\n`), quiet);
    expect(o.state).toBe(state);
    expect(o.message).toBe(`unit x.service is ${active}/${sub}`);
  });
  it('not-found is crit', () => {
    expect(evaluateUnit('nope.service', unit('LoadState=not-found\nActiveState=inactive\nSubState=dead\nMainPID=0\n'), quiet).message).toBe('unit nope.service not found');
  });
});
