/**
 * `service`: a process (exact name, or regex on the command line) or a systemd unit is running, with restart
 * detection: when the main pid differs from the last one seen, that run is warn and `restarts` counts up.
 */
import { z } from 'zod';
import { defineCheck } from './types.js';
import type { CheckDeps, CheckInstance, Observation } from './types.js';
import { evaluateProcesses, evaluateUnit, INITIAL_RESTART_STATE, trackRestart, type RestartState } from './service/evaluate.js';
import { listProcesses, matchesProcess, oldestFirst, type ProcessMatcher } from './service/procs.js';
import { isSystemdRunning, parseSystemctlShow, systemctlShow, type SystemctlShow } from './service/systemd.js';

const configSchema = z
  .strictObject({
    /** Exact process name: the kernel comm (15 chars) or the basename of argv[0]. */
    process: z.string().min(1).max(255).optional(),
    /** JavaScript regular expression tested against the full command line (argv joined by spaces). */
    pattern: z
      .string()
      .min(1)
      .refine((source) => {
        try {
          new RegExp(source);
          return true;
        } catch {
          return false;
        }
      }, 'pattern must be a valid regular expression')
      .optional(),
    /** systemd unit, e.g. `nginx.service`. */
    unit: z
      .string()
      .regex(/^[A-Za-z0-9:_.\\@-]+$/, 'unit must be a systemd unit name like nginx.service')
      .refine((u) => !u.startsWith('-'), 'unit must not start with "-"')
      .optional(),
    /** Fewest matching processes that count as running (process/pattern only). */
    min_count: z.number().int().min(1).max(100_000).optional(),
  })
  .superRefine((cfg, ctx) => {
    const chosen = (['process', 'pattern', 'unit'] as const).filter((k) => cfg[k] !== undefined);
    if (chosen.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: chosen.length === 0 ? ['process'] : [chosen[1] ?? 'process'],
        message: `set exactly one of process, pattern, unit (got ${chosen.length === 0 ? 'none' : chosen.join(', ')})`,
      });
    }
    if (cfg.unit !== undefined && cfg.min_count !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['min_count'], message: 'min_count applies to process/pattern, not unit' });
    }
  });

export type ServiceConfig = z.output<typeof configSchema>;

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
  type: 'service',
  configSchema,
  // A service is judged as part of the host it runs on.
  defaultTarget: (_cfg, deps) => deps.hostname,
  create: (cfg, deps) => createServiceInstance(cfg, deps),
});
