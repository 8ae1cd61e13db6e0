/** Device address → device name, from the agent's snmp checks, so a trap is attributed to the polled target. */
import type { SnmpConfig } from '../checks/snmp/config.js';
import type { CheckConfig } from '../config.js';

export function snmpDevices(checks: readonly CheckConfig[]): Map<string, string> {
  const devices = new Map<string, string>();
  for (const check of checks) {
    if (check.type !== 'snmp') continue;
    const host = (check.options as SnmpConfig).host;
    if (!devices.has(host)) devices.set(host, check.target); // the first check of a device names it
  }
  return devices;
}
