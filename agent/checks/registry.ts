/**
 * The one literal map of check types. Adding a check = one file in this folder + one line here.
 * The agent config schema and the README reference are derived from it.
 */
import type { CheckPlugin } from './types.js';
import { tcpCheck } from './tcp.js';
import { pingCheck } from './ping.js';
import { httpCheck } from './http.js';
import { serviceCheck } from './service.js';
import { hostCheck } from './host.js';
import { snmpConfigSchema } from './snmp/config.js';
import { lazyCheck } from './lazy.js';
import { backupCheck } from './backup.js';

export const checkRegistry = {
  tcp: tcpCheck,
  ping: pingCheck,
  http: httpCheck,
  service: serviceCheck,
  host: hostCheck,
  // net-snmp is loaded only when an snmp check first runs
  snmp: lazyCheck({ type: 'snmp', configSchema: snmpConfigSchema, defaultTarget: (cfg) => cfg.host }, async () => (await import('./snmp.js')).snmpCheck),
  backup: backupCheck,
} as const satisfies Record<string, CheckPlugin>;

export type CheckType = keyof typeof checkRegistry;
