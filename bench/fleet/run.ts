/**
 * Fleet benchmark (issue 13): N simulated agents against one collector, then a collector restart.
 *   npm run bench -- fleet [--agents 10000] [--mode a|b|both] [--steady 120] [--peer 60] [--ramp 0] [--procs P] [--cpu-prof DIR] [--keep]
 * (a) one collector, embedded broker, SQLite — each agent its own MQTT connection with a Last Will, in a few simulator
 *     processes apart from the collector's: connect all → steady state (CPU %, RSS of every process) → restart the
 *     collector (SIGTERM, start again at once, as `systemctl restart`) → until every agent is back online and its spool
 *     drained: time, results lost (seqs sent vs stored), false incidents; then the store's growth per agent and day.
 * (b) two collectors on PostgreSQL behind Mosquitto (mode-b.ts): steady state, restart of both, `kill -9` of one.
 *     With --mode both, (a) runs first and (b) reports its collectors' CPU as a ratio of (a)'s.
 * Peer in the same run: Mosquitto alone holding the same N connections with the same traffic.
 * Everything on 127.0.0.1. Results and how to read them: BENCHMARKS.md "Fleet".
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { newEnrolmentSecret } from '../../collector/enrolment.js';
import { startMosquitto } from '../../test/helpers/mosquitto.js';
import { freePort } from '../../test/helpers/ports.js';
import { mib } from '../collector-ingest/proc-stats.js';
import { collectorProc } from './collector-proc.js';
import { createReport, fmt, load, pct, sleep, until as untilIn, watchAll, type FleetTotals } from './kit.js';
import { growth, growthLine } from './growth.js';
import { ensureOpenFiles } from './limits.js';
import { runModeB } from './mode-b.js';
import { launchFleet, type Fleet } from './sims.js';
import { storeBytes, storeCounts } from './store-figures.js';

const { values: args } = parseArgs({
  options: {
    agents: { type: 'string', default: '10000' },
    mode: { type: 'string', default: 'a' },
    steady: { type: 'string', default: '120' },
    peer: { type: 'string', default: '60' },
    procs: { type: 'string' },
    checks: { type: 'string', default: '10' },
    interval: { type: 'string', default: '60' },
    'storm-timeout': { type: 'string', default: '900' },
    /** Spread the agents' first connects over this many seconds (installing a fleet); the restart storm is all at once. */
    ramp: { type: 'string', default: '0' },
    'cpu-prof': { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
const N = Number(args.agents);
const mode = args.mode;
if (!Number.isInteger(N) || N < 1) throw new Error(`--agents must be a positive integer (got ${args.agents})`);
if (mode !== 'a' && mode !== 'b' && mode !== 'both') throw new Error(`--mode must be a, b or both (got ${mode})`);
const PROCS = Number(args.procs ?? Math.max(2, Math.ceil(N / 2500)));
const CHECKS = Number(args.checks);
const INTERVAL_S = Number(args.interval);
const STEADY_S = Number(args.steady);
const PEER_S = Number(args.peer);
const STORM_TIMEOUT_S = Number(args['storm-timeout']);
const RAMP_MS = Number(args.ramp) * 1000;

const report = createReport();
const { say } = report;
const until = (fleet: Fleet, what: string, timeoutS: number, afterMs: number, done: (t: FleetTotals) => boolean): Promise<number> => untilIn(report, fleet, what, timeoutS, afterMs, done);
/** (a)'s collector CPU in its steady phase, in cores: the base of (b)'s ratio. */
let aCollectorCores: number | undefined;

/** Interrupted (Ctrl-C, SIGTERM): the simulators, the collector and Mosquitto go too. */
const cleanups: Array<() => Promise<void>> = [];
const onInterrupt = (fn: () => Promise<void>): void => void cleanups.push(fn);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void Promise.allSettled(cleanups.map((fn) => fn())).then(() => process.exit(130));
  });
}

say(`Fleet: ${fmt(N)} simulated agents in ${PROCS} processes, ${CHECKS} checks at ${INTERVAL_S} s each (${fmt((N * CHECKS) / INTERVAL_S)} results/s), QoS 1, Last Will; (a) embedded broker with enrolment logins, (b) Mosquitto, anonymous on 127.0.0.1`);
say(ensureOpenFiles(N + 4096));
say(`machine: load average at start ${load()} (1 / 5 / 15 min)`);

// ---- peer: Mosquitto alone, same connections and traffic ----
if (PEER_S > 0) {
  const mosquitto = await startMosquitto();
  const peerFleet = launchFleet({ url: mosquitto.url, prefix: 'peer', checks: CHECKS, intervalS: INTERVAL_S, rampMs: 0 }, N, PROCS);
  onInterrupt(async () => {
    await peerFleet.kill();
    await mosquitto.stop();
  });
  const t0 = Date.now();
  await until(peerFleet, 'peer: all connected', 600, 0, (t) => t.everConnected === N && t.connected === N);
  say(`peer: ${fmt(N)} agents connected to Mosquitto in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const stopMosq = watchAll([mosquitto.pid ?? 0]);
  const stopSims = watchAll(peerFleet.pids);
  await sleep(PEER_S * 1000);
  const m = stopMosq();
  const s = stopSims();
  say(`peer: Mosquitto over ${PEER_S} s: CPU ${pct(m, PEER_S)} of a core, RSS ${mib(m.rssMaxBytes)} MiB (simulators: ${pct(s, PEER_S)}, ${mib(s.rssMaxBytes)} MiB together); load ${load()}`);
  await peerFleet.kill();
  await mosquitto.stop();
}

if (mode === 'a' || mode === 'both') {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-bench-fleet-'));
  const [mqttPort, apiPort] = [await freePort(), await freePort()];
  const secret = newEnrolmentSecret();
  const collector = collectorProc({ dir, mqttPort, apiPort, enrolmentSecret: secret });
  const profile = args['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${args['cpu-prof']}`] : [];
  await collector.start(profile);
  const prefix = 'fleet';
  const fleet = launchFleet({ url: `mqtt://127.0.0.1:${mqttPort}`, prefix, checks: CHECKS, intervalS: INTERVAL_S, enrolmentSecret: secret, rampMs: RAMP_MS }, N, PROCS);
  onInterrupt(async () => {
    await fleet.kill();
    await collector.stop();
  });
  try {
    // 1. connect all
    const t0 = Date.now();
    await until(fleet, 'first connect', 900 + RAMP_MS / 1000, 0, (t) => t.everConnected === N && t.connected === N);
    say(`(a) connect: ${fmt(N)} agents online in ${((Date.now() - t0) / 1000).toFixed(1)} s (fresh store${RAMP_MS > 0 ? `, first connects spread over ${RAMP_MS / 1000} s` : ', all at once'})`);

    // 2. steady state, once every check reported once (first results create rows; the steady phase shows the rate)
    await sleep(INTERVAL_S * 1000);
    await until(fleet, 'backlog of the first connect', 600, Date.now(), (t) => t.pending <= N);
    const bytesBefore = storeBytes(collector.dataDir);
    const steadyStartMs = Date.now();
    const producedBefore = fleet.totals()?.produced ?? 0;
    const stopCollector = watchAll([collector.pid]);
    const stopSims = watchAll(fleet.pids);
    await sleep(STEADY_S * 1000);
    const c = stopCollector();
    const s = stopSims();
    const steadyS = (Date.now() - steadyStartMs) / 1000;
    const bytesAfter = storeBytes(collector.dataDir);
    const producedSteady = (fleet.totals()?.produced ?? 0) - producedBefore;
    say(`(a) steady ${steadyS.toFixed(0)} s: collector CPU ${pct(c, steadyS)} of a core, RSS max ${mib(c.rssMaxBytes)} MiB; simulators ${pct(s, steadyS)}, ${mib(s.rssMaxBytes)} MiB together; ${fmt(producedSteady / steadyS)} results/s; load ${load()}`);
    aCollectorCores = c.cpuSeconds / steadyS;
    say(`${growthLine('(a) SQLite', growth(bytesBefore, bytesAfter, N, steadyS, CHECKS), steadyS)}; file ${mib(bytesAfter.fileBytes)} MiB`);

    // 3. restart (SIGTERM, start again at once) and the reconnect storm
    fleet.send('mark');
    const linesBefore = collector.logLines();
    const restartAtMs = Date.now();
    const stopMs = await collector.stop();
    await collector.start(profile);
    const upMs = Date.now() - restartAtMs;
    const stormCollector = watchAll([collector.pid]);
    const series: string[] = [];
    let nextSample = restartAtMs + 10_000;
    const stormDone = until(fleet, 'storm: all online', STORM_TIMEOUT_S, restartAtMs, (t) => {
      if (t.atMs >= nextSample) {
        series.push(`${Math.round((t.atMs - restartAtMs) / 1000)} s: ${fmt(t.connected)}`);
        nextSample += 10_000;
      }
      return t.connected === N;
    }).then(async (onlineAt) => ({ onlineAt, drainedAt: await until(fleet, 'storm: every spool drained', STORM_TIMEOUT_S, restartAtMs, (t) => t.drained === N) }));
    const outcome = await stormDone.catch((error: unknown) => error as Error);
    if (outcome instanceof Error) {
      const t = fleet.totals();
      say(`(a) restart: NOT drained within ${STORM_TIMEOUT_S} s (${outcome.message}): ${fmt(t?.connected ?? 0)} of ${fmt(N)} online, ${fmt(t?.drained ?? 0)} drained; load ${load()}`);
      say(`(a) online after restart: ${series.join(', ')}`);
      throw outcome;
    }
    const { onlineAt: allOnlineAt, drainedAt } = outcome;
    const lastDrained = fleet.totals()?.lastDrainedAtMs ?? drainedAt;
    const storm = stormCollector();
    const stormS = (lastDrained - restartAtMs) / 1000;
    say(
      `(a) restart: graceful stop ${(stopMs / 1000).toFixed(1)} s, listening again after ${(upMs / 1000).toFixed(1)} s; every agent online after ${((allOnlineAt - restartAtMs) / 1000).toFixed(1)} s, ` +
        `every spool drained after ${stormS.toFixed(1)} s (tick resolution 1 s); collector CPU ${pct(storm, Math.max(1, (Date.now() - restartAtMs - upMs) / 1000))} of a core, RSS max ${mib(storm.rssMaxBytes)} MiB; ` +
        `${fmt(collector.logLines() - linesBefore)} log lines; load ${load()}`,
    );
    if (series.length > 0) say(`(a) online after restart: ${series.join(', ')}`);

    // 4. nothing lost, no false incident
    fleet.send('quiesce');
    const quietAt = Date.now() + 1500; // past every simulator's last scheduled result
    await sleep(1500);
    await until(fleet, 'last results acknowledged', 600, quietAt, (t) => t.pending === 0);
    const finals = await fleet.final();
    await collector.stop();
    const counts = storeCounts(collector.dataDir, prefix, restartAtMs);
    const sent = finals.reduce((sum, a) => sum + a.lastSeq, 0);
    const short = finals.filter((a) => (counts.perAgent.get(a.id) ?? 0) < a.lastSeq);
    const lost = finals.reduce((sum, a) => sum + Math.max(0, a.lastSeq - (counts.perAgent.get(a.id) ?? 0)), 0);
    say(
      `(a) results: ${fmt(sent)} sent, ${fmt(counts.observations)} stored, ${fmt(lost)} lost (${short.length} agents short${short.length > 0 ? `, e.g. ${short.slice(0, 3).map((a) => a.id).join(', ')}` : ''}); ` +
        `incidents opened since the restart: ${counts.incidentsSince}${counts.incidentTitles.length > 0 ? ` (${counts.incidentTitles.join('; ')})` : ''}; UNKNOWN intervals (agent lost/stopped/silence) since the restart: ${counts.unknownSince}; synthetic observations (Last Will, stop, silence; whole run, not counted as results): ${fmt(counts.synthetic)}`,
    );
  } finally {
    await fleet.kill();
    await collector.stop();
    if (!args.keep) rmSync(dir, { recursive: true, force: true });
    else say(`kept ${dir}`);
  }
}
if (mode === 'b' || mode === 'both') {
  await runModeB(
    report,
    { agents: N, procs: PROCS, checks: CHECKS, intervalS: INTERVAL_S, steadyS: STEADY_S, stormTimeoutS: STORM_TIMEOUT_S, rampMs: RAMP_MS, keep: args.keep, ...(aCollectorCores !== undefined ? { aCollectorCores } : {}) },
    onInterrupt,
  );
}
say(`machine: load average at the end ${load()}`);
process.stdout.write(`${report.lines().join('\n')}\n`);
process.exit(0);
