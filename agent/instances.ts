/** Turns configured checks into plugin instances, each with its own state directory under state_dir/checks. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../common/logger.js';
import type { CheckDescriptor, ResultMessage } from '../common/protocol.js';
import { PROTOCOL_VERSION } from '../common/protocol.js';
import { checkRegistry } from './checks/registry.js';
import type { CheckPlugin } from './checks/types.js';
import type { CheckConfig } from './config.js';
import type { InterfaceDirectory } from './traps/interfaces.js';
import type { RunOutcome } from './runner.js';
import type { ScheduledCheck } from './scheduler.js';

export function createCheckInstances(
  checks: CheckConfig[],
  deps: { logger: Logger; now: () => number; hostname: string; stateDir: string; interfaceDirectory?: InterfaceDirectory },
): ScheduledCheck[] {
  return checks.map((config) => {
    const plugin = (checkRegistry as Record<string, CheckPlugin>)[config.type] as CheckPlugin;
    const stateDir = join(deps.stateDir, 'checks', config.name.replace(/[^A-Za-z0-9._-]/g, '_'));
    mkdirSync(stateDir, { recursive: true, mode: 0o750 });
    const logger = deps.logger.child({ check: config.name });
    return { config, instance: plugin.create(config.options, { logger, now: deps.now, hostname: deps.hostname, stateDir, timeoutMs: config.timeoutMs, interfaceDirectory: deps.interfaceDirectory }) };
  });
}

export function describeChecks(checks: CheckConfig[]): CheckDescriptor[] {
  return checks.map((c) => ({
    check_id: c.name,
    check_type: c.type,
    target: c.target,
    interval_s: c.intervalMs / 1000,
    ...(Object.keys(c.tags).length > 0 ? { tags: c.tags } : {}),
  }));
}

/** The protocol envelope around one run's outcome, without `seq`/`sent_at_ms` (set when queued / published). */
export function toResult(agentId: string, check: CheckConfig, outcome: RunOutcome): Omit<ResultMessage, 'seq' | 'sent_at_ms'> {
  return {
    v: PROTOCOL_VERSION,
    agent_id: agentId,
    check_id: check.name,
    check_type: check.type,
    target: check.target,
    interval_s: check.intervalMs / 1000,
    ...(Object.keys(check.tags).length > 0 ? { tags: check.tags } : {}),
    observed_at_ms: outcome.startedAtMs,
    duration_ms: outcome.durationMs,
    ...outcome.observation,
  };
}
