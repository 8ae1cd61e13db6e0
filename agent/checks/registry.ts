/**
 * The one literal map of check types. Adding a check = one file in this folder + one line here.
 * The agent config schema and the README reference are derived from it.
 * Only the checks' specs (config schema + default target, in <check>/config.ts) are imported here; an
 * implementation (child_process, node:http, croner, net-snmp...) is imported when its first instance first runs
 * (./lazy.ts), so an agent loads only the checks it has (BENCHMARKS.md "Agent footprint"). tcp and host are the
 * default check set and small, so they stay eager.
 */
import type { CheckPlugin } from './types.js';
import { tcpCheck } from './tcp/check.js';
import { hostCheck } from './host/check.js';
import { lazyCheck } from './lazy.js';
import { pingSpec } from './ping/config.js';
import { httpSpec } from './http/config.js';
import { serviceSpec } from './service/config.js';
import { snmpSpec } from './snmp/config.js';
import { backupSpec } from './backup/config.js';

export const checkRegistry = {
  tcp: tcpCheck,
  ping: lazyCheck(pingSpec, async () => (await import('./ping/check.js')).pingCheck),
  http: lazyCheck(httpSpec, async () => (await import('./http/check.js')).httpCheck),
  service: lazyCheck(serviceSpec, async () => (await import('./service/check.js')).serviceCheck),
  host: hostCheck,
  snmp: lazyCheck(snmpSpec, async () => (await import('./snmp/check.js')).snmpCheck),
  backup: lazyCheck(backupSpec, async () => (await import('./backup/check.js')).backupCheck),
} as const satisfies Record<string, CheckPlugin>;

export type CheckType = keyof typeof checkRegistry;
