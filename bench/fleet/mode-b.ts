/**
 * Fleet benchmark, mode (b): Mosquitto with two collectors on PostgreSQL (docs/ha.md), each agent its own connection.
 * Mosquitto is the benchmark's own, configured like deploy/mosquitto/mosquitto.conf (persistent sessions, 1,000,000
 * queued messages per session, 100 in flight) except for logins: anonymous on 127.0.0.1, because the simulated agents
 * log in as enrolled agents of the embedded broker would, and a per-agent password file for thousands of agents is
 * not what is measured here. PostgreSQL is a cluster of the benchmark's own, started as the tests start theirs
 * (test/helpers/postgres.ts: `fsync=off`, so commits cost less than on a production server).
 * Phases: connect → steady (CPU, RSS of both collectors, Mosquitto, the simulators; store growth) → restart both
 * collectors (as `systemctl restart`) → until the store holds everything sent before it and the lag is back → `kill -9`
 * one collector → until the survivor alone receives the steady rate and holds every singleton job (its /healthz) →
 * the dead one restarted (as systemd would) → results lost, duplicated, incidents and UNKNOWN intervals opened.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMosquitto, type MosquittoServer } from '../../test/helpers/mosquitto.js';
import { freePort } from '../../test/helpers/ports.js';
import { startPostgres } from '../../test/helpers/postgres.js';
import { isRoot } from '../../test/helpers/root.js';
import { mib } from '../collector-ingest/proc-stats.js';
import { collectorProc, type CollectorProc, type Health } from './collector-proc.js';
import { growth, growthLine } from './growth.js';
import { fmt, load, pct, sleep, until, watchAll, type Report } from './kit.js';
import { pgFigures, type PgFigures } from './pg-figures.js';
import { launchFleet, type Fleet } from './sims.js';

export interface ModeBOptions {
  agents: number;
  procs: number;
  checks: number;
  intervalS: number;
  steadyS: number;
  stormTimeoutS: number;
  rampMs: number;
  keep: boolean;
  /** (a)'s collector CPU in the steady phase of the same run, in cores (for the ratio), when (a) ran. */
  aCollectorCores?: number;
}

const PREFIX = 'fleetb';

/** Mosquitto as deploy/mosquitto/mosquitto.conf sizes it, anonymous on 127.0.0.1 (see above). */
async function startDeployLikeMosquitto(dir: string): Promise<MosquittoServer> {
  const data = join(dir, 'mosquitto-data');
  mkdirSync(data);
  if (isRoot) {
    // As root Mosquitto drops to the user `mosquitto`, which must write its persistence file.
    const id = (flag: string) => Number(spawnSync('id', [flag, 'mosquitto'], { encoding: 'utf8' }).stdout.trim());
    const [uid, gid] = [id('-u'), id('-g')];
    if (Number.isInteger(uid) && Number.isInteger(gid)) chownSync(data, uid, gid);
  }
  return startMosquitto({ extraConfig: ['persistence true', `persistence_location ${data}/`, 'max_queued_messages 1000000', 'max_inflight_messages 100'].join('\n') });
}

/** Polls `probe` every second until `done` holds; null after `timeoutS`. */
/** How long after the kill the lag is sampled (the victim is restarted after this, as systemd would, ~30 s). */
const LAG_WINDOW_S = 25;

async function poll<T>(report: Report, what: string, timeoutS: number, probe: () => Promise<T>, done: (v: T) => boolean, show: (v: T) => string): Promise<{ atMs: number; value: T } | null> {
  const deadline = Date.now() + timeoutS * 1000;
  let lastNote = Date.now();
  for (;;) {
    const value = await probe();
    if (done(value)) return { atMs: Date.now(), value };
    if (Date.now() - lastNote > 10_000) {
      lastNote = Date.now();
      report.note(`${what}: ${show(value)} (load ${load()})`);
    }
    if (Date.now() > deadline) return null;
    await sleep(1000);
  }
}

export async function runModeB(report: Report, o: ModeBOptions, onInterrupt: (fn: () => Promise<void>) => void): Promise<void> {
  const { say } = report;
  const N = o.agents;
  const dir = mkdtempSync(join(tmpdir(), 'outpost-bench-fleet-b-'));
  chmodSync(dir, 0o755); // Mosquitto, as the user `mosquitto` when started by root, reaches its data dir inside
  const pgServer = await startPostgres();
  const storeUrl = await pgServer.createDatabase('outpost_fleet');
  const mosquitto = await startDeployLikeMosquitto(dir);
  const figures: PgFigures = pgFigures(storeUrl);
  const members: CollectorProc[] = [];
  for (const id of ['a', 'b'] as const) {
    const memberDir = join(dir, id);
    mkdirSync(memberDir);
    members.push(
      collectorProc({
        dir: memberDir,
        apiPort: await freePort(),
        pair: { mqttUrl: mosquitto.url, clientId: `outpost-collector-${id}`, sharedGroup: 'outpost', storeUrl, collectorId: id },
      }),
    );
  }
  const [ca, cb] = members as [CollectorProc, CollectorProc];
  let fleet: Fleet | null = null;
  const teardown = async (): Promise<void> => {
    await fleet?.kill();
    await Promise.allSettled(members.map((m) => m.stop()));
    await mosquitto.stop();
    await figures.close().catch(() => undefined);
    await pgServer.stop();
  };
  onInterrupt(teardown);
  try {
    // Both at once: migrations must be safe when two collectors start on an empty database together.
    const t0 = Date.now();
    await Promise.all(members.map((m) => m.start()));
    say(`(b) two collectors up on an empty PostgreSQL database in ${((Date.now() - t0) / 1000).toFixed(1)} s (started together)`);
    const f = launchFleet({ url: mosquitto.url, prefix: PREFIX, checks: o.checks, intervalS: o.intervalS, rampMs: o.rampMs }, N, o.procs);
    fleet = f;
    const produced = () => f.totals()?.produced ?? 0;
    const lag = async () => produced() - (await figures.stored(PREFIX));

    // 1. connect all
    const tc = Date.now();
    await until(report, f, '(b) first connect', 900 + o.rampMs / 1000, 0, (t) => t.everConnected === N && t.connected === N);
    say(`(b) connect: ${fmt(N)} agents online at Mosquitto in ${((Date.now() - tc) / 1000).toFixed(1)} s (anonymous logins${o.rampMs > 0 ? `, first connects spread over ${o.rampMs / 1000} s` : ', all at once'})`);

    // 2. steady state, once every check reported once and the collectors caught up with the first results
    await sleep(o.intervalS * 1000);
    const settled = await poll(report, '(b) backlog of the first connect', 600, lag, (l) => l <= N, (l) => `${fmt(l)} results not yet stored`);
    if (!settled) throw new Error('(b) the collectors did not catch up with the first connect within 600 s');
    const bytesBefore = await figures.bytes();
    const inBefore = await Promise.all(members.map((m) => m.resultMessagesIn()));
    const producedBefore = produced();
    const steadyStart = Date.now();
    const stopA = watchAll([ca.pid]);
    const stopB = watchAll([cb.pid]);
    const stopMosq = watchAll([mosquitto.pid ?? 0]);
    const stopSims = watchAll(f.pids);
    await sleep(o.steadyS * 1000);
    const [wa, wb, wm, ws] = [stopA(), stopB(), stopMosq(), stopSims()];
    const steadyS = (Date.now() - steadyStart) / 1000;
    const inAfter = await Promise.all(members.map((m) => m.resultMessagesIn()));
    const bytesAfter = await figures.bytes();
    const rate = (produced() - producedBefore) / steadyS;
    const split = inAfter.map((n, i) => fmt((n - (inBefore[i] ?? 0)) / steadyS)).join(' + ');
    const cores = (wa.cpuSeconds + wb.cpuSeconds) / steadyS;
    say(
      `(b) steady ${steadyS.toFixed(0)} s: collector A CPU ${pct(wa, steadyS)} of a core, RSS max ${mib(wa.rssMaxBytes)} MiB; collector B ${pct(wb, steadyS)}, ${mib(wb.rssMaxBytes)} MiB; ` +
        `together ${(cores * 100).toFixed(0)} %; Mosquitto ${pct(wm, steadyS)}, ${mib(wm.rssMaxBytes)} MiB; simulators ${pct(ws, steadyS)}, ${mib(ws.rssMaxBytes)} MiB; ` +
        `${fmt(rate)} results/s produced, result messages received ${split} per s (A + B); load ${load()}`,
    );
    say(
      o.aCollectorCores !== undefined && o.aCollectorCores > 0
        ? `(b) ÷ (a): the two collectors' CPU together is ${(cores / o.aCollectorCores).toFixed(2)} × (a)'s single collector (goal ≤ 1.3)`
        : '(b) ÷ (a): (a) not run in this run (--mode both gives the ratio)',
    );
    const g = growth(bytesBefore, bytesAfter, N, steadyS, o.checks);
    say(`${growthLine('(b) PostgreSQL', g, steadyS)}; pg_database_size ${mib(bytesAfter.databaseBytes)} MiB`);

    // 3. restart both collectors (systemctl restart on each host, at once)
    f.send('mark');
    const lagBefore = await lag();
    const producedAtRestart = produced();
    const linesBefore = members.map((m) => m.logLines());
    const restartAt = Date.now();
    const stopMs = await Promise.all(members.map((m) => m.stop()));
    await Promise.all(members.map((m) => m.start()));
    const upMs = Date.now() - restartAt;
    const stormCpu = watchAll([ca.pid, cb.pid]);
    const backlog = await poll(report, '(b) storm: sent before the restart stored', o.stormTimeoutS, () => figures.stored(PREFIX), (s) => s >= producedAtRestart, (s) => `${fmt(producedAtRestart - s)} to go`);
    const caughtUp = backlog && (await poll(report, '(b) storm: lag back to steady', o.stormTimeoutS, lag, (l) => l <= Math.max(N, 2 * lagBefore), (l) => `lag ${fmt(l)}`));
    const storm = stormCpu();
    const secs = (at: number) => ((at - restartAt) / 1000).toFixed(1);
    say(
      `(b) restart of both: graceful stops ${stopMs.map((ms) => (ms / 1000).toFixed(1)).join(' s and ')} s, both healthy again after ${(upMs / 1000).toFixed(1)} s; ` +
        `everything sent before the restart stored after ${backlog ? `${secs(backlog.atMs)} s` : `NOT within ${o.stormTimeoutS} s`}, lag back to steady (≤ ${fmt(Math.max(N, 2 * lagBefore))} results) after ${caughtUp ? `${secs(caughtUp.atMs)} s` : 'NOT reached'}; ` +
        `collectors' CPU together ${pct(storm, Math.max(1, (Date.now() - restartAt - upMs) / 1000))}, RSS max ${mib(storm.rssMaxBytes)} MiB (both); ` +
        `${fmt(members.reduce((s, m, i) => s + m.logLines() - (linesBefore[i] ?? 0), 0))} log lines; agents stayed connected to Mosquitto (${fmt(f.totals()?.connected ?? 0)} online); load ${load()}`,
    );

    // 4. kill -9 of collector A: the survivor takes the whole stream and every singleton job
    // The survivor's rate: results applied per second (dedupe-set rows by receive time; the victim is dead, so all are the survivor's),
    // against the same measure over the steady window. The lease poll runs alongside.
    const steadyApplied = (await figures.appliedSince(PREFIX, steadyStart)) - (await figures.appliedSince(PREFIX, steadyStart + steadyS * 1000));
    const appliedRate = steadyApplied / steadyS;
    // The victim is the collector holding the SLA timers (the failover that matters); `b` below is the survivor.
    const jobsBefore = (await ca.health()).jobs ?? {};
    const victimId = jobsBefore['sla-timers']?.holder === 'b' ? 'b' : 'a';
    const [a, b] = victimId === 'a' ? [ca, cb] : [cb, ca];
    const survivorId = victimId === 'a' ? 'b' : 'a';
    const killAt = Date.now();
    await a.kill9();
    const rate3s = async (): Promise<number> => ((await figures.appliedSince(PREFIX, Date.now() - 3000)) / 3);
    const victimSession = `outpost-collector-${victimId}`;
    // Carrying the whole load = the lag (produced − stored) stays within one second of production from then on; the
    // rate over a few seconds is too bursty a measure (PUBACK windows, batches). Sampled for LAG_WINDOW_S after the kill.
    const lagBound = Math.max(2 * lagBefore, appliedRate);
    const lagSamples: Array<{ atMs: number; lag: number }> = [];
    const sampling = (async () => {
      while (Date.now() - killAt < LAG_WINDOW_S * 1000) {
        lagSamples.push({ atMs: Date.now(), lag: await lag() });
        await sleep(500);
      }
    })();
    const [carries, jobs, adopted] = await Promise.all([
      poll(report, '(b) survivor rate', 120, rate3s, (r) => Date.now() - killAt >= 3000 && r >= 0.9 * appliedRate, (r) => `survivor applies ${fmt(r)} results/s of ${fmt(appliedRate)}`),
      poll(
        report,
        '(b) survivor jobs',
        120,
        (): Promise<Health> => b.health().catch(() => ({ ok: false })),
        (h) => h.jobs !== undefined && Object.keys(h.jobs).length > 0 && Object.values(h.jobs).every((j) => j.held),
        (h) => `survivor holds ${Object.values(h.jobs ?? {}).filter((j) => j.held).length} of ${Object.keys(h.jobs ?? {}).length} jobs`,
      ),
      // The survivor adopts the victim's broker session (docs/ha.md "Failover"): that is how it gets the victim's share.
      poll(
        report,
        '(b) survivor adopts the session',
        120,
        (): Promise<Health> => b.health().catch(() => ({ ok: false })),
        (h) => (h.adopted_sessions ?? []).some((s) => s.client_id === victimSession && s.connected),
        (h) => `survivor runs sessions ${(h.adopted_sessions ?? []).map((s) => s.client_id).join(', ') || 'none'}`,
      ),
    ]);
    await sampling;
    const lastOver = lagSamples.reduce((at, x) => (x.lag > lagBound ? x.atMs : at), killAt);
    const lagPeak = Math.max(0, ...lagSamples.map((x) => x.lag));
    const carriedFromS = lastOver === lagSamples[lagSamples.length - 1]?.atMs ? null : (lastOver - killAt) / 1000;
    say(
      `(b) after the kill the lag (produced − stored) peaked at ${fmt(lagPeak)} results and stayed within ${fmt(lagBound)} (1 s of production) ` +
        `${carriedFromS === null ? `NOT by ${LAG_WINDOW_S} s` : `from ${carriedFromS.toFixed(1)} s on (sampled every 0.5 s until ${LAG_WINDOW_S} s)`}: the survivor carries the whole load; goal ≤ 10 s`,
    );
    const rateAtEnd = await rate3s();
    const heldBefore = Object.entries(jobsBefore).filter(([, j]) => j.holder === victimId).map(([name]) => name);
    say(
      `(b) kill -9 of collector ${victimId.toUpperCase()} (the SLA timers' holder): ${survivorId.toUpperCase()} alone applies the steady rate (≥ 90 % of ${fmt(appliedRate)} results/s over 3 s) after ${carries ? `${((carries.atMs - killAt) / 1000).toFixed(1)} s (the 3 s window from ${((carries.atMs - 3000 - killAt) / 1000).toFixed(1)} s: ${fmt(carries.value)}/s)` : `NOT within 120 s (${fmt(rateAtEnd)}/s at the end)`}; ` +
        `it adopted the victim's broker session after ${adopted ? `${((adopted.atMs - killAt) / 1000).toFixed(1)} s` : 'NOT within 120 s'}; ` +
        `the survivor holds every singleton job after ${jobs ? `${((jobs.atMs - killAt) / 1000).toFixed(1)} s (${Object.keys(jobs.value.jobs ?? {}).join(', ')}; the victim held ${heldBefore.join(', ') || 'none'} before)` : Object.keys(jobsBefore).length === 0 ? 'n/a: /healthz shows no jobs' : 'NOT within 120 s'}; goal ≤ 10 s; load ${load()}`,
    );

    const perSecond = await figures.appliedPerSecond(PREFIX, killAt - 5000, Date.now());
    say(`(b) results applied per second of receive time around the kill (0 = the kill): ${perSecond.map((n, i) => `${i - 5}: ${fmt(n)}`).join(', ')}`);

    // 5. the victim restarted (as systemd would): what its session kept is delivered; then count
    await a.start();
    f.send('quiesce');
    const quietAt = Date.now() + 1500;
    await sleep(1500);
    await until(report, f, '(b) last results acknowledged by Mosquitto', 600, quietAt, (t) => t.pending === 0);
    const finals = await f.final();
    const sent = finals.reduce((s, x) => s + x.lastSeq, 0);
    // Until every result is applied (the dedupe set), or nothing more is applied for 60 s: a collector catching up
    // with a late backlog (what the victim's session queued) re-derives history and may commit slowly.
    let last = -1;
    let still = 0;
    const settledAll = (n: number): boolean => {
      still = n === last ? still + 1 : 0;
      last = n;
      return n >= sent || still >= 60;
    };
    await poll(report, '(b) last results applied', 1800, () => figures.appliedSince(PREFIX, 0), settledAll, (n) => `${fmt(sent - n)} to go`);
    await Promise.all(members.map((m) => m.stop()));
    const counts = await figures.counts(PREFIX, restartAt);
    const applied = await figures.appliedPerAgent(PREFIX);
    const notApplied = finals.reduce((s, x) => s + Math.max(0, x.lastSeq - (applied.get(x.id) ?? 0)), 0);
    const lost = finals.reduce((s, x) => s + Math.max(0, x.lastSeq - (counts.perAgent.get(x.id) ?? 0)), 0);
    const extra = finals.reduce((s, x) => s + Math.max(0, (counts.perAgent.get(x.id) ?? 0) - x.lastSeq), 0);
    const short = finals.filter((x) => (counts.perAgent.get(x.id) ?? 0) < x.lastSeq);
    say(
      `(b) results: ${fmt(sent)} sent, ${fmt(counts.observations)} stored, ${fmt(lost)} lost (${short.length} agents short${short.length > 0 ? `, e.g. ${short.slice(0, 3).map((x) => x.id).join(', ')}` : ''}), ${fmt(extra)} applied twice; ` +
        `dedupe set: ${fmt([...applied.values()].reduce((s, n) => s + n, 0))} seqs applied, ${fmt(notApplied)} sent but never applied; ` +
        `incidents opened since the restart: ${counts.incidentsSince}${counts.incidentTitles.length > 0 ? ` (${counts.incidentTitles.join('; ')})` : ''}; UNKNOWN intervals (agent lost/stopped/silence) since the restart: ${counts.unknownSince}; synthetic observations (Last Will, stop, silence; whole run, not counted as results): ${fmt(counts.synthetic)}`,
    );
  } finally {
    await teardown();
    if (!o.keep) rmSync(dir, { recursive: true, force: true });
    else say(`kept ${dir}`);
  }
}
