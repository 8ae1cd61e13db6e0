/** SNMPv2-MIB system group: sysDescr, sysObjectID, sysUpTime, sysName — one GET, also the reachability probe. */
import type { SnmpClient } from './session.js';
import { readNumber, readOid, readText, type ValueProblems } from './values.js';

export const SYSTEM_OIDS = {
  sysDescr: '1.3.6.1.2.1.1.1.0',
  sysObjectID: '1.3.6.1.2.1.1.2.0',
  sysUpTime: '1.3.6.1.2.1.1.3.0',
  sysName: '1.3.6.1.2.1.1.5.0',
} as const;

export interface SystemInfo {
  descr: string | null;
  objectId: string | null;
  /** TimeTicks, 1/100 s since the agent (re)started. */
  uptimeTicks: number | null;
  name: string | null;
}

export async function readSystem(client: SnmpClient, problems: ValueProblems, signal?: AbortSignal): Promise<SystemInfo> {
  const vbs = await client.get([SYSTEM_OIDS.sysDescr, SYSTEM_OIDS.sysObjectID, SYSTEM_OIDS.sysUpTime, SYSTEM_OIDS.sysName], signal);
  return {
    descr: readText(vbs[0], 'sysDescr', problems, 500),
    objectId: readOid(vbs[1], 'sysObjectID', problems),
    uptimeTicks: readNumber(vbs[2], 'sysUpTime', problems),
    name: readText(vbs[3], 'sysName', problems),
  };
}
