/**
 * Collector ingest benchmark (issue 3 item 9). Everything on 127.0.0.1 free ports (+ a network namespace for ping).
 *   npm run bench -- collector-ingest [total] [agents] [window] [--ingest-only]
 * (--ingest-only: only phase 2, e.g. the RSS run: `collector-ingest 1000000 50 100 --ingest-only`)
 * 1. raw ceilings: simulated agents (a separate process) → Mosquitto / bare aedes → mosquitto_sub counting
 * 2. collector ingest through the embedded aedes broker and through Mosquitto (PUBACK only after the SQLite commit),
 *    zero loss checked, collector CPU and RSS
 * 3. LWT detection (kill -9 of an agent process) with both brokers; 4. ping detection (root only)
 */
import { startMosquitto } from '../../test/helpers/mosquitto.js';
import { isRoot } from '../../test/helpers/root.js';
import { measurePingDetection, measureLwt } from './detection.js';
import { measureIngest, type IngestFigures } from './ingest-phase.js';
import { mib } from './proc-stats.js';
import { measureCeiling, startBareAedes } from './raw-ceiling.js';

const ingestOnly = process.argv.includes('--ingest-only');
const positional = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const total = Number(positional[0] ?? 300_000);
const agents = Number(positional[1] ?? 50);
const window = Number(positional[2] ?? 100);
const LWT_ROUNDS = 5;
const PING_ROUNDS = 3;
const out: string[] = [];
const say = (line: string) => {
  out.push(line);
  process.stderr.write(`${line}\n`);
};
const sim = (tag: string) => ({ agents, total, window, checks: 10, prefix: `${tag}${Date.now().toString(36)}` });
const rate = (r: number) => Math.round(r).toLocaleString('en-US');
const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return `median ${s[Math.floor(s.length / 2)]?.toFixed(0)} ms, max ${s[s.length - 1]?.toFixed(0)} ms (${xs.map((x) => x.toFixed(0)).join(', ')})`;
};

say(`Collector ingest: ${total.toLocaleString('en-US')} results per run from ${agents} simulated agents (one separate process), QoS 1, window ${window} per agent, 10 checks per agent`);
say('');
// A burst faster than the collector queues up in its session at the broker: let the queue hold the whole run
// (the helper's 100,000 would drop the excess silently, which is the broker's loss, not the collector's).
// Holding PUBACKs until the commit, the collector is the broker's slow subscriber: `max_inflight_messages` bounds
// what Mosquitto pushes ahead of the acknowledgements (0 = unlimited, the old setting: the collector's keepalive
// PINGRESP then queues behind the whole backlog and the connection times out under backpressure).
const inflight = Number(process.argv.find((a) => a.startsWith('--inflight='))?.slice('--inflight='.length) ?? 1000);
const mosquitto = await startMosquitto({ extraConfig: `max_queued_messages 0\nmax_inflight_messages ${inflight}` });
const skipped = { resultsPerSecond: Number.NaN, seconds: Number.NaN, received: 0 };
const ceilingMosq = ingestOnly ? skipped : await measureCeiling(mosquitto.port, sim('cm'));
const aedes = ingestOnly ? null : await startBareAedes();
const ceilingAedes = aedes ? await measureCeiling(aedes.port, sim('ca')) : skipped;
await aedes?.stop();
const mosquittoOnly = process.argv.includes('--mosquitto-only');
const embedded = mosquittoOnly ? null : await measureIngest(sim('ie'));
const external = await measureIngest(sim('ix'), mosquitto.url);

const lossFree = (f: IngestFigures) =>
  f.messagesIn === total && f.observations === total && f.duplicates === 0 && f.rejected === 0 ? 'zero loss' : `LOSS: in ${f.messagesIn}, stored ${f.observations}, dup ${f.duplicates}, rejected ${f.rejected}`;
say('| path | results/s | vs raw ceiling | seconds | collector CPU s (µs/result) | collector RSS max MiB | check |');
say('|---|---|---|---|---|---|---|');
say(`| raw ceiling: → Mosquitto → mosquitto_sub | ${rate(ceilingMosq.resultsPerSecond)} | 1.00 | ${ceilingMosq.seconds.toFixed(2)} | — | — | ${ceilingMosq.received} received |`);
say(`| peer: → bare aedes → mosquitto_sub | ${rate(ceilingAedes.resultsPerSecond)} | ${(ceilingAedes.resultsPerSecond / ceilingMosq.resultsPerSecond).toFixed(2)} | ${ceilingAedes.seconds.toFixed(2)} | — | — | ${ceilingAedes.received} received |`);
for (const [name, f] of [['collector, embedded aedes', embedded], [`collector via Mosquitto (max_inflight_messages ${inflight})`, external]] as const) {
  if (!f) continue;
  say(
    `| ${name} | ${rate(f.resultsPerSecond)} | ${(f.resultsPerSecond / ceilingMosq.resultsPerSecond).toFixed(2)} | ${f.seconds.toFixed(2)} | ` +
      `${f.collector.cpuSeconds.toFixed(2)} (${((f.collector.cpuSeconds / total) * 1e6).toFixed(1)}) | ${mib(f.collector.rssMaxBytes)} | ${lossFree(f)} |`,
  );
}
const rssLine = (f: IngestFigures) => [...f.rssAt].sort(([a], [b]) => a - b).map(([n, bytes]) => `${mib(bytes)} MiB after ${n.toLocaleString('en-US')}`).join(', ');
say(`Collector RSS (peak so far) by results ingested — embedded aedes: ${embedded ? rssLine(embedded) : 'not run'}; via Mosquitto: ${rssLine(external)}`);
say(`(simulated agents' CPU: ${embedded?.publishers.cpuSeconds.toFixed(2) ?? '—'} s embedded run, ${external.publishers.cpuSeconds.toFixed(2)} s Mosquitto run)`);
say('');
if (ingestOnly) {
  await mosquitto.stop();
  process.stdout.write(`${out.join('\n')}\n`);
  process.exit(0);
}
say(`LWT detection, kill -9 of an agent process → checks UNKNOWN (agent_offline) committed, goal < 1 s:`);
say(`- embedded aedes: ${stats(await measureLwt(LWT_ROUNDS))}`);
say(`- via Mosquitto: ${stats(await measureLwt(LWT_ROUNDS, mosquitto.url))}`);
await mosquitto.stop();
if (isRoot) {
  const ping = await measurePingDetection(PING_ROUNDS);
  say(`Ping detection, namespace link down → incident opened (interval ${ping.intervalS} s, confirmations ${ping.confirmations}, goal ≤ ${ping.confirmations * ping.intervalS + 1} s): ${stats(ping.latencies)}`);
} else {
  say('Ping detection skipped: needs root (network namespace).');
}
process.stdout.write(`${out.join('\n')}\n`);
process.exit(0);
