/**
 * CPU and memory of a device from whichever MIB it answers: Cisco (CISCO-PROCESS-MIB cpmCPUTotal5minRev,
 * CISCO-MEMORY-POOL-MIB), HOST-RESOURCES-MIB (hrProcessorLoad, hrStorageRam) or UCD-SNMP-MIB (ssCpuIdle,
 * memTotalReal/memAvailReal). The first poll probes all of them; later polls ask only the ones that answered.
 */
import { SnmpRequestError, type SnmpClient } from './session.js';
import { readTable } from './table.js';
import { readNumber, readOid, readText, type ValueProblems } from './values.js';

export const OIDS = {
  ciscoCpu5min: '1.3.6.1.4.1.9.9.109.1.1.1.1.8',
  ciscoMemPoolEntry: '1.3.6.1.4.1.9.9.48.1.1.1',
  hrProcessorLoad: '1.3.6.1.2.1.25.3.3.1.2',
  hrStorageEntry: '1.3.6.1.2.1.25.2.3.1',
  hrStorageRam: '1.3.6.1.2.1.25.2.1.2',
  ucdCpuIdle: '1.3.6.1.4.1.2021.11.11.0',
  ucdMemTotal: '1.3.6.1.4.1.2021.4.5.0',
  ucdMemAvail: '1.3.6.1.4.1.2021.4.6.0',
  ucdMemBuffer: '1.3.6.1.4.1.2021.4.14.0',
  ucdMemCached: '1.3.6.1.4.1.2021.4.15.0',
} as const;

export type CpuSource = 'cisco' | 'host-resources' | 'ucd';
export type MemorySource = 'cisco' | 'ucd' | 'host-resources';

export interface ResourceReadings {
  ciscoCpu: number[];
  hrCpu: number[];
  ucdCpuIdle: number | null;
  ciscoPools: Array<{ name: string; usedBytes: number; freeBytes: number }>;
  ucdMemory: { totalKb: number; availKb: number; bufferKb: number; cachedKb: number } | null;
  hrRam: Array<{ totalBytes: number; usedBytes: number }>;
}

export interface Resources {
  cpu: { percent: number; source: CpuSource } | null;
  memory: { usedPercent: number; totalBytes: number; usedBytes: number; source: MemorySource } | null;
}

const average = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;
const percent = (v: number): boolean => v >= 0 && v <= 100;

/**
 * UCD memory figures that cannot all be true (available above total, or available + buffers + cached above
 * total: some net-snmp versions count buffers/cache inside memAvailReal) are not used; HOST-RESOURCES is.
 */
export function ucdConsistent(m: NonNullable<ResourceReadings['ucdMemory']>): boolean {
  return m.totalKb > 0 && m.availKb >= 0 && m.availKb <= m.totalKb && m.availKb + m.bufferKb + m.cachedKb <= m.totalKb;
}

/** Pure: picks the most specific CPU and memory source present. */
export function pickResources(r: ResourceReadings): Resources {
  const ciscoCpu = r.ciscoCpu.filter(percent);
  const hrCpu = r.hrCpu.filter(percent);
  let cpu: Resources['cpu'] = null;
  if (ciscoCpu.length > 0) cpu = { percent: average(ciscoCpu), source: 'cisco' };
  else if (hrCpu.length > 0) cpu = { percent: average(hrCpu), source: 'host-resources' };
  else if (r.ucdCpuIdle !== null && percent(r.ucdCpuIdle)) cpu = { percent: 100 - r.ucdCpuIdle, source: 'ucd' };

  let memory: Resources['memory'] = null;
  // the "Processor" pool is the routing engine's heap; I/O pools are buffers sized at boot
  const pools = r.ciscoPools.filter((p) => p.usedBytes + p.freeBytes > 0);
  const processor = pools.find((p) => /^processor$/i.test(p.name)) ?? pools[0];
  if (processor) {
    const total = processor.usedBytes + processor.freeBytes;
    memory = { usedPercent: (processor.usedBytes / total) * 100, totalBytes: total, usedBytes: processor.usedBytes, source: 'cisco' };
  } else if (r.ucdMemory && ucdConsistent(r.ucdMemory)) {
    const m = r.ucdMemory;
    const usedKb = Math.max(0, m.totalKb - m.availKb - m.bufferKb - m.cachedKb);
    memory = { usedPercent: (usedKb / m.totalKb) * 100, totalBytes: m.totalKb * 1024, usedBytes: usedKb * 1024, source: 'ucd' };
  } else {
    const ram = r.hrRam.filter((s) => s.totalBytes > 0);
    if (ram.length > 0) {
      const total = ram.reduce((a, s) => a + s.totalBytes, 0);
      const used = ram.reduce((a, s) => a + Math.min(s.usedBytes, s.totalBytes), 0);
      memory = { usedPercent: (used / total) * 100, totalBytes: total, usedBytes: used, source: 'host-resources' };
    } else if (r.ucdMemory && r.ucdMemory.totalKb > 0 && r.ucdMemory.availKb <= r.ucdMemory.totalKb) {
      // inconsistent buffers/cache and nothing better: total − available alone
      const m = r.ucdMemory;
      const usedKb = m.totalKb - m.availKb;
      memory = { usedPercent: (usedKb / m.totalKb) * 100, totalBytes: m.totalKb * 1024, usedBytes: usedKb * 1024, source: 'ucd' };
    }
  }
  return { cpu, memory };
}

const LIMIT = 256;

/** SNMPv1 fails a whole request for one missing OID (noSuchName): that MIB is simply absent. */
async function optional<T>(read: () => Promise<T>, empty: T): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof SnmpRequestError && error.kind === 'error') return empty;
    throw error;
  }
}

export type ResourceProbe = 'ciscoCpu' | 'hrCpu' | 'ucd' | 'ciscoMem' | 'hrRam';
export const ALL_PROBES: readonly ResourceProbe[] = ['ciscoCpu', 'hrCpu', 'ucd', 'ciscoMem', 'hrRam'];

/** Reads the MIBs named in `probes`; returns the readings and which probes found something. */
export async function readResources(
  client: SnmpClient,
  probes: readonly ResourceProbe[],
  problems: ValueProblems,
  signal?: AbortSignal,
): Promise<{ readings: ResourceReadings; answered: ResourceProbe[] }> {
  const want = new Set(probes);
  const column = (oid: string, label: string) =>
    optional(async () => (await client.walk(oid, LIMIT, signal)).map((vb) => readNumber(vb, `${label}.${vb.oid.slice(oid.length + 1)}`, problems)).filter((v): v is number => v !== null), []);

  const readings: ResourceReadings = { ciscoCpu: [], hrCpu: [], ucdCpuIdle: null, ciscoPools: [], ucdMemory: null, hrRam: [] };
  if (want.has('ciscoCpu')) readings.ciscoCpu = await column(OIDS.ciscoCpu5min, 'cpmCPUTotal5minRev');
  if (want.has('hrCpu') && readings.ciscoCpu.length === 0) readings.hrCpu = await column(OIDS.hrProcessorLoad, 'hrProcessorLoad');
  if (want.has('ucd')) {
    const vbs = await optional(() => client.get([OIDS.ucdCpuIdle, OIDS.ucdMemTotal, OIDS.ucdMemAvail, OIDS.ucdMemBuffer, OIDS.ucdMemCached], signal), []);
    const [idle, total, avail, buffer, cached] = [0, 1, 2, 3, 4].map((i) => readNumber(vbs[i], ['ssCpuIdle', 'memTotalReal', 'memAvailReal', 'memBuffer', 'memCached'][i] ?? '', problems));
    readings.ucdCpuIdle = idle ?? null;
    if (total !== null && total !== undefined && avail !== null && avail !== undefined) {
      readings.ucdMemory = { totalKb: total, availKb: avail, bufferKb: buffer ?? 0, cachedKb: cached ?? 0 };
    }
  }
  if (want.has('ciscoMem')) {
    const rows = await optional(() => readTable(client, OIDS.ciscoMemPoolEntry, { name: 2, used: 5, free: 6 }, LIMIT, signal), new Map());
    for (const [index, row] of rows) {
      const used = readNumber(row.used, `ciscoMemoryPoolUsed.${index}`, problems);
      const free = readNumber(row.free, `ciscoMemoryPoolFree.${index}`, problems);
      if (used !== null && free !== null) readings.ciscoPools.push({ name: readText(row.name, `ciscoMemoryPoolName.${index}`, problems) ?? '', usedBytes: used, freeBytes: free });
    }
  }
  if (want.has('hrRam') && readings.ciscoPools.length === 0 && (readings.ucdMemory === null || !ucdConsistent(readings.ucdMemory))) {
    const rows = await optional(() => readTable(client, OIDS.hrStorageEntry, { type: 2, units: 4, size: 5, used: 6 }, LIMIT, signal), new Map());
    for (const [index, row] of rows) {
      if (readOid(row.type, `hrStorageType.${index}`, problems) !== OIDS.hrStorageRam) continue;
      const units = readNumber(row.units, `hrStorageAllocationUnits.${index}`, problems);
      const size = readNumber(row.size, `hrStorageSize.${index}`, problems);
      const used = readNumber(row.used, `hrStorageUsed.${index}`, problems);
      if (units !== null && size !== null && used !== null && units > 0) readings.hrRam.push({ totalBytes: size * units, usedBytes: used * units });
    }
  }
  const answered = ALL_PROBES.filter((p) =>
    p === 'ciscoCpu' ? readings.ciscoCpu.length > 0
    : p === 'hrCpu' ? readings.hrCpu.length > 0
    : p === 'ucd' ? readings.ucdCpuIdle !== null || readings.ucdMemory !== null
    : p === 'ciscoMem' ? readings.ciscoPools.length > 0
    : readings.hrRam.length > 0,
  );
  return { readings, answered };
}
