/**
 * `service`: a process (exact name, or regex on the command line) or a systemd unit is running, with restart
 * detection: when the main pid differs from the last one seen, that run is warn and `restarts` counts up.
 */
import { defineCheck } from '../types.js';
import type { CheckDeps, CheckInstance, Observation } from '../types.js';
import { evaluateProcesses, evaluateUnit, INITIAL_RESTART_STATE, trackRestart, type RestartState } from './evaluate.js';
import { listProcesses, matchesProcess, oldestFirst, type ProcessMatcher } from './procs.js';
import { serviceSpec, type ServiceConfig } from './config.js';
import { isSystemdRunning, parseSystemctlShow, systemctlShow, type SystemctlShow } from './systemd.js';

export type { ServiceConfig };


/** Where the check looks; tests point these at fixtures. */
export interface ServiceEnv {
  procRoot: string;
  systemdRunDir: string;
  systemctlShow: SystemctlShow;
  selfPid: number;
}

export const defaultServiceEnv: ServiceEnv = {
  procRoot: '/proc',
  systemdRunDir: '/run/systemd/system',
  systemctlShow,
  selfPid: process.pid,
};

export function describeService(cfg: ServiceConfig): string {
  if (cfg.unit !== undefined) return `unit ${cfg.unit}`;
  if (cfg.pattern !== undefined) return `processes matching /${cfg.pattern}/`;
  return `process ${cfg.process ?? '?'}`;
}

export function createServiceInstance(cfg: ServiceConfig, deps: CheckDeps, env: ServiceEnv = defaultServiceEnv): CheckInstance {
  const logger = deps.logger.child({ service: describeService(cfg) });
  let restartState: RestartState = INITIAL_RESTART_STATE;

  function noteRestart(mainPid: number | null) {
    const { next, restartedFrom } = trackRestart(restartState, mainPid);
    restartState = next;
    if (restartedFrom !== null) logger.info({ from: restartedFrom, to: mainPid }, 'service restart detected');
    return { restartedFrom, restarts: next.restarts };
  }

  async function runUnit(unit: string, signal: AbortSignal): Promise<Observation> {
    if (!(await isSystemdRunning(env.systemdRunDir))) {
      return {
        state: 'unknown',
        message: `cannot check unit ${unit}: systemd is not running on this host (${env.systemdRunDir} is missing, e.g. a container)`,
        code: 'service.no_systemd',
        params: { unit },
        metrics: {},
      };
    }
    const status = parseSystemctlShow(await env.systemctlShow(unit, signal));
    return evaluateUnit(unit, status, noteRestart(status.mainPid));
  }

  async function runProcesses(matcher: ProcessMatcher): Promise<Observation> {
    const matched = (await listProcesses(env.procRoot, env.selfPid)).filter((p) => matchesProcess(p, matcher)).sort(oldestFirst);
    return evaluateProcesses(describeService(cfg), matched, cfg.min_count ?? 1, noteRestart(matched[0]?.pid ?? null));
  }

  const matcher: ProcessMatcher | null =
    cfg.pattern !== undefined ? { kind: 'pattern', regex: new RegExp(cfg.pattern) } : cfg.process !== undefined ? { kind: 'name', name: cfg.process } : null;

  return {
    run(signal) {
      if (cfg.unit !== undefined) return runUnit(cfg.unit, signal);
      if (matcher) return runProcesses(matcher);
      return Promise.reject(new Error('service check has neither process, pattern nor unit')); // unreachable after validation
    },
  };
}

export const serviceCheck = defineCheck({
  ...serviceSpec,
  create: (cfg, deps) => createServiceInstance(cfg, deps),
});
