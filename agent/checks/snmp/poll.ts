/**
 * One snmp check instance: polls a device (system group, interfaces, CPU/memory, custom OIDs), keeps the
 * previous counters and uptime for rates and reboot detection, and turns failures into results:
 * no answer → `timeout_state` "device unreachable (SNMP timeout)", v3 authentication failure → unknown with
 * the USM reason. The agent-wide limiter bounds concurrent polls.
 */
import type { Varbind } from 'net-snmp';
import { overThreshold, round, worst, type CheckDeps, type CheckInstance, type Observation } from '../types.js';
import type { SnmpConfig } from './config.js';
import { rebootedBetween, type UptimeSample } from './counters.js';
import { evaluateCustomOids } from './custom.js';
import { interfaceStats, type InterfaceCounters } from './interface-stats.js';
import { readInterfaces } from './interfaces.js';
import type { Limiter } from './limiter.js';
import { ALL_PROBES, pickResources, readResources, type ResourceProbe } from './resources.js';
import { classifySnmpError, SnmpRequestError, type SnmpClient } from './session.js';
import { readSystem } from './system.js';
import { ValueProblems } from './values.js';

/** Resource MIBs are re-probed this often, in case a device gained or lost one (firmware upgrade). */
const REPROBE_EVERY_POLLS = 60;

export interface PollDeps {
  client: SnmpClient;
  limiter: Limiter;
}

function unreachable(cfg: SnmpConfig, error: SnmpRequestError): Observation {
  if (error.kind === 'timeout') {
    const attempts = cfg.retries + 1;
    const hint = cfg.version === '3' ? '' : '; a wrong community gets no answer either';
    return {
      state: cfg.timeout_state,
      message: `device unreachable (SNMP timeout: no answer from ${cfg.host}:${cfg.port} in ${attempts} attempt(s) of ${cfg.request_timeout / 1000}s${hint})`,
      metrics: { up: 0 },
    };
  }
  if (error.kind === 'auth') return { state: 'unknown', message: `${error.message} (check v3.username and passwords for ${cfg.host})`, metrics: {} };
  return { state: 'unknown', message: `SNMP error from ${cfg.host}:${cfg.port}: ${error.message}`.slice(0, 2000), metrics: {} };
}

/** GET of the custom OIDs; SNMPv1 fails the whole GET for one missing OID, so then ask one by one. */
async function getCustom(client: SnmpClient, oids: string[], signal: AbortSignal): Promise<Array<Varbind | undefined>> {
  if (oids.length === 0) return [];
  try {
    return await client.get(oids, signal);
  } catch (error) {
    if (!(error instanceof SnmpRequestError) || error.kind !== 'error') throw error;
    const single = async (oid: string): Promise<Varbind | undefined> => {
      try {
        return (await client.get([oid], signal))[0];
      } catch (e) {
        if (e instanceof SnmpRequestError && e.kind === 'error') return undefined;
        throw e;
      }
    };
    const out: Array<Varbind | undefined> = [];
    for (const oid of oids) out.push(await single(oid));
    return out;
  }
}

export function createSnmpInstance(cfg: SnmpConfig, deps: CheckDeps, poll: PollDeps): CheckInstance {
  const log = deps.logger;
  let previousUptime: UptimeSample | undefined;
  let previousCounters = new Map<number, InterfaceCounters>();
  let probes: readonly ResourceProbe[] = ALL_PROBES;
  let polls = 0;

  async function pollOnce(signal: AbortSignal): Promise<Observation> {
    const started = performance.now();
    const nowMs = deps.now();
    const problems = new ValueProblems();
    const reasons: string[] = [];
    const metrics: Record<string, number> = { up: 1 };
    const details: Record<string, string> = {};
    let state: Observation['state'] = 'ok';

    const system = await readSystem(poll.client, problems, signal);
    if (system.name) details.sys_name = system.name;
    if (system.descr) details.sys_descr = system.descr;
    if (system.objectId) details.sys_object_id = system.objectId;
    let rebooted = false;
    if (system.uptimeTicks !== null) {
      const sample = { ticks: system.uptimeTicks, atMs: nowMs };
      rebooted = rebootedBetween(previousUptime, sample);
      if (rebooted) {
        state = 'warn';
        reasons.push(`device rebooted (uptime went from ${round((previousUptime?.ticks ?? 0) / 100, 0)}s to ${round(sample.ticks / 100, 0)}s)`);
        log.warn({ host: cfg.host, previous_ticks: previousUptime?.ticks, ticks: sample.ticks }, 'snmp device rebooted');
      }
      previousUptime = sample;
      metrics.uptime_s = round(sample.ticks / 100, 2);
    }
    metrics.reboots = rebooted ? 1 : 0;

    let series: Observation['series'];
    if (cfg.interfaces.enabled) {
      const readings = await readInterfaces(poll.client, cfg.version === '1', problems, signal);
      const stats = interfaceStats(readings, previousCounters, nowMs, rebooted, {
        include: cfg.interfaces.include,
        exclude: cfg.interfaces.exclude,
        max: cfg.interfaces.max,
        critical: cfg.critical_interfaces,
        utilisationWarn: cfg.utilisation_percent.warn,
        utilisationCrit: cfg.utilisation_percent.crit,
      });
      previousCounters = stats.counters;
      series = stats.series;
      Object.assign(metrics, stats.metrics);
      state = worst(state, stats.state);
      reasons.push(...stats.reasons);
      if (stats.dropped > 0) reasons.push(`${stats.dropped} more interface(s) not reported (interfaces.max ${cfg.interfaces.max})`);
    }

    let summary = '';
    if (cfg.resources) {
      if (polls % REPROBE_EVERY_POLLS === 0) probes = ALL_PROBES;
      const { readings, answered } = await readResources(poll.client, probes, problems, signal);
      probes = answered.length > 0 ? answered : ALL_PROBES;
      const { cpu, memory } = pickResources(readings);
      if (cpu) {
        metrics.cpu_percent = round(cpu.percent, 2);
        details.cpu_source = cpu.source;
        const v = overThreshold('cpu', cpu.percent, cfg.cpu_percent.warn, cfg.cpu_percent.crit, ' %');
        state = worst(state, v.state);
        if (v.reason) reasons.push(v.reason);
        summary += `, cpu ${round(cpu.percent, 1)} %`;
      }
      if (memory) {
        Object.assign(metrics, { memory_used_percent: round(memory.usedPercent, 2), memory_total_bytes: memory.totalBytes, memory_used_bytes: memory.usedBytes });
        details.memory_source = memory.source;
        const v = overThreshold('memory', memory.usedPercent, cfg.memory_percent.warn, cfg.memory_percent.crit, ' %');
        state = worst(state, v.state);
        if (v.reason) reasons.push(v.reason);
        summary += `, memory ${round(memory.usedPercent, 1)} %`;
      }
    }

    if (cfg.oids.length > 0) {
      const varbinds = await getCustom(poll.client, cfg.oids.map((o) => o.oid), signal);
      const custom = evaluateCustomOids(cfg.oids, varbinds, problems);
      Object.assign(metrics, custom.metrics);
      state = worst(state, custom.state);
      reasons.push(...custom.reasons);
    }

    metrics.ignored_values = problems.count;
    if (problems.count > 0) {
      reasons.push(`ignored ${problems.count} malformed value(s): ${problems.list.slice(0, 3).join('; ')}`);
      log.debug({ host: cfg.host, problems: problems.list }, 'snmp device sent malformed values');
    }
    metrics.poll_ms = round(performance.now() - started, 3);
    polls++;

    const name = system.name || cfg.host;
    const overview =
      metrics.interfaces_total !== undefined ? `${metrics.interfaces_total} interface(s), ${metrics.interfaces_up ?? 0} up${summary}` : summary.replace(/^, /, '') || 'answering';
    const message = reasons.length > 0 ? `${name}: ${reasons.join('; ')}` : `${name}: ${overview}`;
    return { state, message: message.slice(0, 2000), metrics, details, ...(series ? { series } : {}) };
  }

  return {
    async run(signal) {
      return poll.limiter.run(async () => {
        try {
          return await pollOnce(signal);
        } catch (error) {
          const failure = classifySnmpError(error);
          if (failure.kind === 'aborted') throw failure; // the runner already reported its timeout
          log.debug({ host: cfg.host, kind: failure.kind, err: failure.message }, 'snmp poll failed');
          return unreachable(cfg, failure);
        }
      }, signal);
    },
    close() {
      poll.client.close();
    },
  };
}
