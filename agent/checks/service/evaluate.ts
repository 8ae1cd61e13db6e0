/** Pure verdicts for the service check: restart tracking, process counts, unit states. */
import type { FindingParams } from '../../../common/protocol.js';
import type { Observation } from '../types.js';
import type { ProcInfo } from './procs.js';
import type { UnitStatus } from './systemd.js';

/** The last main pid seen (kept while the service is down, so coming back counts as a restart) and a counter. */
export interface RestartState {
  mainPid: number | null;
  restarts: number;
}

export const INITIAL_RESTART_STATE: RestartState = { mainPid: null, restarts: 0 };

export function trackRestart(prev: RestartState, mainPid: number | null): { next: RestartState; restartedFrom: number | null } {
  if (mainPid === null) return { next: prev, restartedFrom: null };
  if (prev.mainPid !== null && prev.mainPid !== mainPid) {
    return { next: { mainPid, restarts: prev.restarts + 1 }, restartedFrom: prev.mainPid };
  }
  return { next: { mainPid, restarts: prev.restarts }, restartedFrom: null };
}

function restartNote(restartedFrom: number | null, mainPid: number | null): string | null {
  return restartedFrom !== null ? `restarted (pid ${restartedFrom} → ${mainPid})` : null;
}

/** `matched` must be sorted oldest first; the oldest is the main pid. */
export function evaluateProcesses(
  label: string,
  matched: readonly ProcInfo[],
  minCount: number,
  restart: { restartedFrom: number | null; restarts: number },
): Observation {
  const mainPid = matched[0]?.pid ?? null;
  const metrics = { process_count: matched.length, restarts: restart.restarts, up: matched.length >= minCount ? 1 : 0 };
  const details = { main_pid: mainPid };
  if (matched.length === 0) {
    return { state: 'crit', message: `${label}: no matching process running`, code: 'service.not_running', params: { name: label }, metrics, details };
  }
  if (matched.length < minCount) {
    return { state: 'crit', message: `${label}: ${matched.length} processes running, need at least ${minCount}`, code: 'service.too_few', params: { name: label, count: matched.length, min_count: minCount }, metrics, details };
  }
  const note = restartNote(restart.restartedFrom, mainPid);
  const running = `${matched.length} process${matched.length === 1 ? '' : 'es'} running, main pid ${mainPid}`;
  const finding: { code: string; params: FindingParams } = note
    ? { code: 'service.restarted', params: { name: label, old_pid: restart.restartedFrom, pid: mainPid } }
    : { code: 'service.ok', params: { name: label, count: matched.length, pid: mainPid } };
  return { state: note ? 'warn' : 'ok', message: note ? `${label} ${note}; ${running}` : `${label}: ${running}`, ...finding, metrics, details };
}

const TRANSITIONAL = new Set(['activating', 'reloading', 'deactivating', 'refreshing']);

export function evaluateUnit(unit: string, status: UnitStatus, restart: { restartedFrom: number | null; restarts: number }): Observation {
  const metrics: Record<string, number> = { up: status.activeState === 'active' ? 1 : 0, restarts: restart.restarts };
  if (status.nRestarts !== null) metrics.systemd_restarts = status.nRestarts;
  const details = { main_pid: status.mainPid, active_state: status.activeState, sub_state: status.subState, load_state: status.loadState };
  const state = `${status.activeState}/${status.subState}`;
  if (status.loadState === 'not-found') return { state: 'crit', message: `unit ${unit} not found`, code: 'service.unit_not_found', params: { unit }, metrics, details };
  if (status.activeState === 'active') {
    const note = restartNote(restart.restartedFrom, status.mainPid);
    const finding: { code: string; params: FindingParams } = note
      ? { code: 'service.unit_restarted', params: { unit, old_pid: restart.restartedFrom, pid: status.mainPid, state } }
      : { code: 'service.unit_ok', params: { unit, state } };
    return { state: note ? 'warn' : 'ok', message: note ? `unit ${unit} ${note}; ${state}` : `unit ${unit} ${state}`, ...finding, metrics, details };
  }
  if (TRANSITIONAL.has(status.activeState)) return { state: 'warn', message: `unit ${unit} is ${state}`, code: 'service.unit_transitional', params: { unit, state }, metrics, details };
  return { state: 'crit', message: `unit ${unit} is ${state}`, code: 'service.unit_down', params: { unit, state }, metrics, details };
}
