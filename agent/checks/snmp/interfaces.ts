/** Reads IF-MIB ifTable + ifXTable into typed interface readings (untrusted values checked one by one). */
import type { CounterWidth } from './counters.js';
import type { SnmpClient } from './session.js';
import { readTable } from './table.js';
import { readCounter, readNumber, readText, type ValueProblems } from './values.js';

export const IF_ENTRY = '1.3.6.1.2.1.2.2.1';
export const IFX_ENTRY = '1.3.6.1.2.1.31.1.1.1';

const IF_COLUMNS = { descr: 2, speed: 5, admin: 7, oper: 8, inOctets: 10, inDiscards: 13, inErrors: 14, outOctets: 16, outDiscards: 19, outErrors: 20 };
const IFX_COLUMNS = { name: 1, hcInOctets: 6, hcOutOctets: 10, highSpeed: 15, alias: 18 };
const IFX_COLUMNS_V1 = { name: 1, highSpeed: 15, alias: 18 };

/** Hard bound on rows read per column, whatever the filters: a device cannot make the agent read forever. */
export const MAX_INTERFACE_ROWS = 10_000;

export interface Counter {
  value: bigint;
  width: CounterWidth;
}

export interface InterfaceReading {
  index: number;
  name: string;
  /** ifDescr as the device sent it ('' when absent). */
  descr: string;
  alias: string;
  /** ifAdminStatus/ifOperStatus: 1 up, 2 down, 3 testing, 4 unknown, 5 dormant, 6 notPresent, 7 lowerLayerDown. */
  adminStatus: number | null;
  operStatus: number | null;
  /** bits/s from ifHighSpeed (Mbit/s) when set, else ifSpeed; null when the device does not say. */
  speedBps: number | null;
  inOctets: Counter | null;
  outOctets: Counter | null;
  inErrors: Counter | null;
  outErrors: Counter | null;
  inDiscards: Counter | null;
  outDiscards: Counter | null;
}

/** Pure: assembles readings from table rows (exported for tests with hand-made varbinds). */
export function toReadings(
  ifRows: Awaited<ReturnType<typeof readTable<keyof typeof IF_COLUMNS>>>,
  ifxRows: Awaited<ReturnType<typeof readTable<keyof typeof IFX_COLUMNS>>>,
  problems: ValueProblems,
): InterfaceReading[] {
  const readings: InterfaceReading[] = [];
  for (const [key, row] of ifRows) {
    const index = Number(key);
    if (!/^\d{1,10}$/.test(key) || !Number.isSafeInteger(index)) continue; // not an ifIndex row
    const x = ifxRows.get(key) ?? {};
    const counter32 = (label: string, vb: (typeof row)['inOctets']): Counter | null => {
      const value = readCounter(vb, `${label}.${key}`, problems);
      return value === null ? null : { value, width: vb?.type === 70 ? 64 : 32 };
    };
    const hcIn = counter32('ifHCInOctets', x.hcInOctets);
    const hcOut = counter32('ifHCOutOctets', x.hcOutOctets);
    const highSpeed = readNumber(x.highSpeed, `ifHighSpeed.${key}`, problems);
    const speed = readNumber(row.speed, `ifSpeed.${key}`, problems);
    const descr = readText(row.descr, `ifDescr.${key}`, problems) ?? '';
    readings.push({
      index,
      name: readText(x.name, `ifName.${key}`, problems) || descr || `if${index}`,
      descr,
      alias: readText(x.alias, `ifAlias.${key}`, problems) ?? '',
      adminStatus: readNumber(row.admin, `ifAdminStatus.${key}`, problems),
      operStatus: readNumber(row.oper, `ifOperStatus.${key}`, problems),
      speedBps: highSpeed !== null && highSpeed > 0 ? highSpeed * 1e6 : speed !== null && speed > 0 ? speed : null,
      // the 64-bit HC counters when the device has them: Counter32 octets wrap every 34 s at 1 Gbit/s
      inOctets: hcIn ?? counter32('ifInOctets', row.inOctets),
      outOctets: hcOut ?? counter32('ifOutOctets', row.outOctets),
      inErrors: counter32('ifInErrors', row.inErrors),
      outErrors: counter32('ifOutErrors', row.outErrors),
      inDiscards: counter32('ifInDiscards', row.inDiscards),
      outDiscards: counter32('ifOutDiscards', row.outDiscards),
    });
  }
  return readings.sort((a, b) => a.index - b.index);
}

/** Polls both tables (no HC columns on SNMPv1, which has no Counter64). */
export async function readInterfaces(client: SnmpClient, v1: boolean, problems: ValueProblems, signal?: AbortSignal): Promise<InterfaceReading[]> {
  const ifRows = await readTable(client, IF_ENTRY, IF_COLUMNS, MAX_INTERFACE_ROWS, signal);
  if (ifRows.size === 0) return [];
  const ifxRows = await readTable(client, IFX_ENTRY, (v1 ? IFX_COLUMNS_V1 : IFX_COLUMNS) as typeof IFX_COLUMNS, MAX_INTERFACE_ROWS, signal);
  return toReadings(ifRows, ifxRows, problems);
}
