/**
 * One snmp check instance: polls a device (system group, interfaces, CPU/memory, custom OIDs), keeps the
 * previous counters and uptime for rates and reboot detection, and turns failures into results.
 *
 * The whole poll is budgeted inside the check's `timeout` (a poll deadline a little before it), so the result is
 * always the check's own, never the runner's "timed out": nothing answers → `timeout_state` "device unreachable";
 * the device answered the system group but a later part failed or was cut by the deadline → that part is reported
 * (a slow interface walk says so) and the rest of the poll stands. v3 authentication failure → unknown with the
 * USM reason. The agent-wide limiter bounds concurrent polls.
 */
import type { Varbind } from 'net-snmp';
import { round, type CheckDeps, type CheckInstance, type Observation } from '../types.js';
import { createVerdict, type Verdict } from '../verdict.js';
import type { SnmpConfig } from './config.js';
import { rebootedBetween, type UptimeSample } from './counters.js';
import { evaluateCustomOids } from './custom.js';
import { interfaceStats, type InterfaceCounters } from './interface-stats.js';
import { readInterfaces } from './interfaces.js';
import type { Limiter } from './limiter.js';
import { ALL_PROBES, pickResources, readResources, type ResourceProbe } from './resources.js';
import { classifySnmpError, SnmpRequestError, type SnmpClient } from './session.js';
import { readSystem } from './system.js';
import { unreachable } from './unreachable.js';
import { ValueProblems } from './values.js';

/** Resource MIBs are re-probed this often, in case a device gained or lost one (firmware upgrade). */
const REPROBE_EVERY_POLLS = 60;
/** The common `timeout` default, for instances created without one (tests). */
const DEFAULT_TIMEOUT_MS = 10_000;

export interface PollDeps {
  client: SnmpClient;
  limiter: Limiter;
}

/** The poll's own deadline: 10 % of the timeout (50 ms … 1 s) before the runner's, to build and send the result. */
export function pollBudgetMs(timeoutMs: number): number {
  return Math.max(50, timeoutMs - Math.min(1000, Math.max(50, timeoutMs * 0.1)));
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

/** Why one part of a poll has no answer: cut by the poll deadline, no answer (timeout), or an error. */
type PartFailure = { why: 'deadline' } | { why: 'timeout' } | { why: 'error'; message: string };

export function createSnmpInstance(cfg: SnmpConfig, deps: CheckDeps, poll: PollDeps): CheckInstance {
  const log = deps.logger;
  const budgetMs = pollBudgetMs(deps.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const budgetS = budgetMs / 1000;
  let previousUptime: UptimeSample | undefined;
  let previousCounters = new Map<number, InterfaceCounters>();
  let probes: readonly ResourceProbe[] = ALL_PROBES;
  let polls = 0;

  async function pollOnce(signal: AbortSignal, runner: AbortSignal): Promise<Observation> {
    const started = performance.now();
    const nowMs = deps.now();
    const problems = new ValueProblems();
    const verdict: Verdict = createVerdict();
    const metrics: Record<string, number> = { up: 1 };
    const details: Record<string, string> = {};
    const notPolled: string[] = [];
    let cut = false;

    /** Runs one part of the poll after the device answered; a failure is reported, the rest of the poll stands. */
    async function part<T>(label: string, read: () => Promise<T>): Promise<{ value: T } | PartFailure> {
      if (cut) {
        notPolled.push(label);
        return { why: 'deadline' };
      }
      try {
        return { value: await read() };
      } catch (error) {
        const failure = classifySnmpError(error);
        if (runner.aborted) throw failure; // the runner's own timeout: it reports the run
        if (failure.kind === 'aborted') {
          cut = true;
          return { why: 'deadline' };
        }
        log.debug({ host: cfg.host, part: label, kind: failure.kind, err: failure.message }, 'snmp poll part failed');
        return failure.kind === 'timeout' ? { why: 'timeout' } : { why: 'error', message: failure.message };
      }
    }
    const failureText = (f: PartFailure): string =>
      f.why === 'deadline' ? `did not finish within the poll deadline (${budgetS}s): slow device` : f.why === 'timeout' ? 'no answer (SNMP timeout)' : f.message;

    let system;
    try {
      system = await readSystem(poll.client, problems, signal);
    } catch (error) {
      const failure = classifySnmpError(error);
      if (runner.aborted) throw failure;
      log.debug({ host: cfg.host, kind: failure.kind, err: failure.message }, 'snmp poll failed');
      return unreachable(cfg, failure.kind === 'aborted' ? new SnmpRequestError('timeout', 'poll deadline') : failure, budgetS);
    }
    if (system.name) details.sys_name = system.name;
    if (system.descr) details.sys_descr = system.descr;
    if (system.objectId) details.sys_object_id = system.objectId;
    let rebooted = false;
    if (system.uptimeTicks !== null) {
      const sample = { ticks: system.uptimeTicks, atMs: nowMs };
      rebooted = rebootedBetween(previousUptime, sample);
      if (rebooted) {
        const from = round((previousUptime?.ticks ?? 0) / 100, 0);
        const to = round(sample.ticks / 100, 0);
        verdict.add('warn', 'snmp.rebooted', { from_s: from, to_s: to }, `device rebooted (uptime went from ${from}s to ${to}s)`);
        log.warn({ host: cfg.host, previous_ticks: previousUptime?.ticks, ticks: sample.ticks }, 'snmp device rebooted');
      }
      previousUptime = sample;
      metrics.uptime_s = round(sample.ticks / 100, 2);
    }
    metrics.reboots = rebooted ? 1 : 0;

    let series: Observation['series'];
    if (cfg.interfaces.enabled) {
      const read = await part('interfaces', () => readInterfaces(poll.client, cfg.version === '1', problems, signal));
      if (!('value' in read)) {
        const reason = failureText(read);
        verdict.add('warn', 'snmp.no_interfaces', { reason: read.why === 'error' ? read.message : read.why, deadline_s: budgetS }, `no interfaces readable: interface table walk ${reason}`);
      } else if (read.value.length === 0) {
        verdict.add('warn', 'snmp.no_interfaces', { reason: 'empty', deadline_s: budgetS }, 'no interfaces readable: the interface table is empty (or not in the view of this community/user)');
      } else {
        deps.interfaceDirectory?.record(cfg.host, new Map(read.value.map((r) => [r.index, { name: r.name, descr: r.descr }])));
        const stats = interfaceStats(read.value, previousCounters, nowMs, rebooted, {
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
        for (const f of stats.findings) verdict.add(f.state, f.code, f.params, f.text);
        if (stats.dropped > 0) {
          verdict.add('ok', 'snmp.interfaces_dropped', { count: stats.dropped, max: cfg.interfaces.max }, `${stats.dropped} more interface(s) not reported (interfaces.max ${cfg.interfaces.max})`);
        }
      }
    }

    let summary = '';
    if (cfg.resources) {
      if (polls % REPROBE_EVERY_POLLS === 0) probes = ALL_PROBES;
      const read = await part('cpu/memory', () => readResources(poll.client, probes, problems, signal));
      if (!('value' in read)) {
        if (read.why !== 'deadline' || !notPolled.includes('cpu/memory')) {
          verdict.add('warn', 'snmp.resources_unread', { reason: read.why === 'error' ? read.message : read.why, deadline_s: budgetS }, `cpu/memory not read: ${failureText(read)}`);
        }
      } else {
        const { readings, answered } = read.value;
        probes = answered.length > 0 ? answered : ALL_PROBES;
        const { cpu, memory } = pickResources(readings);
        if (cpu) {
          metrics.cpu_percent = round(cpu.percent, 2);
          details.cpu_source = cpu.source;
          judge(verdict, 'snmp.cpu_high', cpu.percent, cfg.cpu_percent, 'cpu');
          summary += `, cpu ${round(cpu.percent, 1)} %`;
        }
        if (memory) {
          Object.assign(metrics, { memory_used_percent: round(memory.usedPercent, 2), memory_total_bytes: memory.totalBytes, memory_used_bytes: memory.usedBytes });
          details.memory_source = memory.source;
          judge(verdict, 'snmp.memory_high', memory.usedPercent, cfg.memory_percent, 'memory');
          summary += `, memory ${round(memory.usedPercent, 1)} %`;
        }
      }
    }

    if (cfg.oids.length > 0) {
      const read = await part('custom OIDs', () => getCustom(poll.client, cfg.oids.map((o) => o.oid), signal));
      if (!('value' in read)) {
        if (read.why !== 'deadline' || !notPolled.includes('custom OIDs')) {
          verdict.add('unknown', 'snmp.oids_unread', { names: cfg.oids.map((o) => o.name).join(', '), reason: read.why === 'error' ? read.message : read.why, deadline_s: budgetS }, `custom OIDs not read: ${failureText(read)}`);
        }
      } else {
        const custom = evaluateCustomOids(cfg.oids, read.value, problems);
        Object.assign(metrics, custom.metrics);
        for (const f of custom.findings) verdict.add(f.state, f.code, f.params, f.text);
      }
    }

    if (notPolled.length > 0) {
      verdict.add('warn', 'snmp.not_polled', { parts: notPolled.join(', '), deadline_s: budgetS }, `not polled (poll deadline ${budgetS}s reached): ${notPolled.join(', ')}`);
    }
    metrics.ignored_values = problems.count;
    if (problems.count > 0) {
      verdict.add('ok', 'snmp.malformed_values', { count: problems.count, examples: problems.list.slice(0, 3).join('; ') }, `ignored ${problems.count} malformed value(s): ${problems.list.slice(0, 3).join('; ')}`);
      log.debug({ host: cfg.host, problems: problems.list }, 'snmp device sent malformed values');
    }
    metrics.poll_ms = round(performance.now() - started, 3);
    polls++;

    const name = system.name || cfg.host;
    const ok =
      metrics.interfaces_total !== undefined
        ? { code: 'snmp.ok', params: { interfaces: metrics.interfaces_total, up: metrics.interfaces_up ?? 0, ...resourceParams(metrics) }, text: `${metrics.interfaces_total} interface(s), ${metrics.interfaces_up ?? 0} up${summary}` }
        : { code: 'snmp.ok', params: resourceParams(metrics), text: summary.replace(/^, /, '') || 'answering' };
    return verdict.observation(ok, { metrics, details, ...(series ? { series } : {}) }, name);
  }

  return {
    async run(signal) {
      const deadline = AbortSignal.timeout(budgetMs);
      const both = AbortSignal.any([signal, deadline]);
      let started = false;
      try {
        return await poll.limiter.run(() => {
          started = true;
          return pollOnce(both, signal);
        }, both);
      } catch (error) {
        if (signal.aborted || started) throw classifySnmpError(error); // the runner already reported its timeout
        // still queued behind other devices when the deadline came: this device was not asked at all
        return { state: 'unknown', message: `not polled: other SNMP polls of this agent kept it waiting past the poll deadline (${budgetS}s)`, code: 'snmp.queued', params: { deadline_s: budgetS }, metrics: {} };
      }
    },
    close() {
      poll.client.close();
    },
  };
}

function resourceParams(metrics: Record<string, number>): Record<string, number> {
  return {
    ...(metrics.cpu_percent !== undefined ? { cpu_percent: metrics.cpu_percent } : {}),
    ...(metrics.memory_used_percent !== undefined ? { memory_percent: metrics.memory_used_percent } : {}),
  };
}

/** "Higher is worse" percentage against its warn/crit pair. */
function judge(verdict: Verdict, code: string, value: number, t: { warn: number; crit: number }, label: string): void {
  const v = round(value);
  if (value >= t.crit) verdict.add('crit', code, { value: v, threshold: t.crit, level: 'crit' }, `${label} ${v} % >= ${t.crit} %`);
  else if (value >= t.warn) verdict.add('warn', code, { value: v, threshold: t.warn, level: 'warn' }, `${label} ${v} % >= ${t.warn} %`);
}
