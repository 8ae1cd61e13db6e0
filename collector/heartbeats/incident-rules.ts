/**
 * A heartbeat's `severity` as incident rules: `{check_type: heartbeat, check_id: <name>}` → severity, placed
 * before the configured rules. The incident engine reads `config.rules` on every state change, so a getter
 * keeps API-created heartbeats in effect without restarting. Heartbeats without a severity fall through to
 * the configured and built-in rules (crit → P2 by default).
 */
import type { IncidentRule, IncidentsConfig } from '../incidents/config.js';
import type { Severity } from '../events.js';
import { HEARTBEAT_CHECK_TYPE } from './service.js';

export function heartbeatRules(list: ReadonlyArray<{ name: string; severity: Severity | null }>): IncidentRule[] {
  return list
    .filter((hb): hb is { name: string; severity: Severity } => hb.severity !== null)
    .map((hb) => ({ match: { check_type: [HEARTBEAT_CHECK_TYPE], check_id: [hb.name], state: ['crit', 'warn', 'unknown'] }, severity: hb.severity, open: true }));
}

export function withHeartbeatRules(config: IncidentsConfig, list: () => ReadonlyArray<{ name: string; severity: Severity | null }>): IncidentsConfig {
  return {
    ...config,
    get rules(): IncidentRule[] {
      return [...heartbeatRules(list()), ...config.rules];
    },
  };
}
