/**
 * SNMP polling benchmark against snmpsim serving the Cisco Catalyst 3750 recording (59 interfaces, 64-bit
 * counters, Cisco CPU and memory-pool MIBs):
 *  1. one device polled repeatedly: wall time and agent CPU per poll; peer: net-snmp's C `snmpbulkwalk` of
 *     ifTable + ifXTable in the same run;
 *  2. 200 devices (200 check instances, one shared limiter of 32, against 4 snmpsim processes) polled in one
 *     burst, twice (the second round computes rates): wall time and agent CPU per round.
 * Build and run: npm run bench -- snmp
 * Only 127.0.0.1 is contacted.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { createSnmpPlugin } from '../../agent/checks/snmp/check.js';
import type { SnmpConfig } from '../../agent/checks/snmp/config.js';
import type { CheckInstance } from '../../agent/checks/types.js';
import { createLogger } from '../../common/logger.js';
import { startSnmpsim, type SnmpsimServer } from '../../test/helpers/snmpsim.js';

const DEVICE = 'cisco_16_switch';
const SINGLE_POLLS = 30;
const DEVICES = 200;
const SIMULATORS = 4;

const deps = { logger: createLogger({ level: 'silent' }), now: Date.now, hostname: 'bench', stateDir: '/tmp', timeoutMs: 60_000 }; // the 60 s budget of one poll round
const cpuSeconds = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1e6;
const out = (s: string) => process.stdout.write(`${s}\n`);

/** CPU seconds a process used so far (utime + stime from /proc, in clock ticks of 1/100 s). */
function processCpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function instance(plugin: ReturnType<typeof createSnmpPlugin>, port: number): CheckInstance {
  const cfg = plugin.configSchema.parse({ host: '127.0.0.1', port, community: DEVICE, request_timeout: '5s', retries: 1 }) as SnmpConfig;
  return plugin.create(cfg, deps);
}

async function singleDevice(sim: SnmpsimServer): Promise<void> {
  const plugin = createSnmpPlugin();
  const check = instance(plugin, sim.port);
  const warm = await check.run(new AbortController().signal);
  if (warm.state === 'unknown' || warm.metrics.interfaces_total !== 59) throw new Error(`unexpected first poll: ${warm.message}`);
  await check.run(new AbortController().signal);
  const times: number[] = [];
  const cpu0 = process.cpuUsage();
  const sim0 = sim.pid ? processCpuSeconds(sim.pid) : 0;
  for (let i = 0; i < SINGLE_POLLS; i++) {
    const t = performance.now();
    const obs = await check.run(new AbortController().signal);
    times.push(performance.now() - t);
    if (obs.metrics.up !== 1) throw new Error(obs.message);
  }
  const cpu = cpuSeconds(process.cpuUsage(cpu0));
  const simCpu = sim.pid ? processCpuSeconds(sim.pid) - sim0 : NaN;
  await check.close?.();
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)] ?? 0;
  const last = await (async () => {
    const c = instance(plugin, sim.port);
    await c.run(new AbortController().signal);
    const o = await c.run(new AbortController().signal);
    await c.close?.();
    return o;
  })();
  out(`1 device, ${SINGLE_POLLS} polls of ${DEVICE} (59 interfaces, ${last.series?.length} series, ${Object.keys(last.metrics).length} metrics):`);
  out(`  wall per poll: median ${median.toFixed(1)} ms, min ${times[0]?.toFixed(1)} ms, max ${times.at(-1)?.toFixed(1)} ms`);
  out(`  agent CPU per poll: ${((cpu / SINGLE_POLLS) * 1000).toFixed(2)} ms; simulator CPU per poll: ${((simCpu / SINGLE_POLLS) * 1000).toFixed(1)} ms`);

  // peer: net-snmp's C tools walking the same two tables (whole tables: more columns than the check reads)
  const walk = promisify(execFile);
  const t = performance.now();
  for (let i = 0; i < 5; i++) {
    for (const table of ['1.3.6.1.2.1.2.2', '1.3.6.1.2.1.31.1.1']) {
      await walk('snmpbulkwalk', ['-v2c', '-c', DEVICE, '-Cr20', '-On', `127.0.0.1:${sim.port}`, table], { env: { ...process.env, MIBS: '' }, maxBuffer: 16 * 1024 * 1024 });
    }
  }
  out(`  peer: snmpbulkwalk ifTable + ifXTable (all 22 + 19 columns, 2 processes): ${((performance.now() - t) / 5).toFixed(1)} ms per device`);
}

async function fleet(sims: Array<SnmpsimServer>): Promise<void> {
  const plugin = createSnmpPlugin();
  const checks = Array.from({ length: DEVICES }, (_, i) => instance(plugin, sims[i % sims.length]?.port ?? 0));
  for (const round of [1, 2]) {
    const cpu0 = process.cpuUsage();
    const sim0 = sims.map((s) => (s.pid ? processCpuSeconds(s.pid) : 0));
    const t = performance.now();
    const results = await Promise.all(checks.map((c) => c.run(new AbortController().signal)));
    const wall = (performance.now() - t) / 1000;
    const cpu = cpuSeconds(process.cpuUsage(cpu0));
    const simCpu = sims.reduce((a, s, i) => a + (s.pid ? processCpuSeconds(s.pid) - (sim0[i] ?? 0) : 0), 0);
    const failed = results.filter((r) => r.metrics.up !== 1).length;
    const withRates = results.filter((r) => r.series?.some((s) => s.metrics.in_bits_per_s !== undefined)).length;
    out(`${DEVICES} devices in one burst (round ${round}${round === 2 ? ', with rates' : ''}), limiter 32, ${sims.length} snmpsim processes:`);
    out(`  wall ${wall.toFixed(2)} s (budget 60 s), agent CPU ${cpu.toFixed(2)} s = ${((cpu / 60) * 100).toFixed(1)} % of one core per minute; simulators CPU ${simCpu.toFixed(1)} s; failed ${failed}; with rates ${withRates}`);
  }
  await Promise.all(checks.map((c) => c.close?.()));
}

const sims: Array<SnmpsimServer> = [];
try {
  for (let i = 0; i < SIMULATORS; i++) sims.push(await startSnmpsim({ examples: [DEVICE] }));
  out(`SNMP polling benchmark — node ${process.version}, snmpsim serving ${DEVICE}`);
  await singleDevice(sims[0]!);
  await fleet(sims);
} finally {
  await Promise.all(sims.map((s) => s.stop()));
}
