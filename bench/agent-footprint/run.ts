/**
 * Agent footprint vs Prometheus node_exporter, measured side by side in one run.
 *   npm run bench -- agent-footprint [seconds]   (npm run package first to measure the packaged agent too)
 * Starts Mosquitto (127.0.0.1, free port), the agent with the default check set (host + a tcp check) at a
 * 10 s interval — as the checkout's systemd unit runs it (dist/agent/main.js with the unit's V8 flags), as plain
 * `outpost agent`, and, when `npm run package` has built them into dist/packages/, as the packages run it: the
 * bundle (`node outpost-agent.js`, profile host applied by the agent itself) and the single executable (profile
 * host) — and node_exporter (default collectors) scraped every 10 s by this script. Samples CPU (utime+stime from
 * /proc/<pid>/stat) and RSS (VmRSS from /proc/<pid>/status); prints a table and ratios.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { startMosquitto } from '../../test/helpers/mosquitto.js';
import { freePort, waitForPort } from '../../test/helpers/ports.js';

const ROOT = join(import.meta.dirname, '../../..');
const seconds = Number(process.argv[2] ?? 120);
const WARMUP_S = 15;
const SAMPLE_MS = 5000;
const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

interface Sample {
  cpuSeconds: number;
  rssBytes: number;
  /** Private memory: RSS minus file-backed pages (the node binary's pages are shared by every node process). */
  anonBytes: number;
}

function sample(pid: number): Sample {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14, 15 of stat)
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) * 1024;
  return { cpuSeconds: ticks / CLK_TCK, rssBytes: kb('VmRSS'), anonBytes: kb('RssAnon') };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-bench-footprint-'));
  const mosquitto = await startMosquitto();
  const target = createServer((s) => s.destroy());
  const targetPort = await freePort();
  await new Promise<void>((r) => target.listen(targetPort, '127.0.0.1', r));

  const writeConfig = (id: string): string => {
    const config = join(dir, `${id}.yaml`);
    writeFileSync(
      config,
      `agent: { id: ${id}, state_dir: ${dir}/${id}, log_level: warn }
mqtt: { url: "${mosquitto.url}" }
checks:
  - { type: host, interval: 10s, timeout: 5s }
  - { type: tcp, name: loopback, host: 127.0.0.1, port: ${targetPort}, interval: 10s, timeout: 5s }
`,
    );
    return config;
  };
  let results = 0;
  const sub = mqtt.connect(mosquitto.url, { protocolVersion: 4 });
  sub.on('message', () => results++);
  await new Promise<void>((r) => sub.once('connect', () => sub.subscribe('outpost/v1/+/results', { qos: 1 }, () => r())));

  const children: ChildProcess[] = [];
  // the systemd unit's command line (deploy/systemd/outpost-agent.service)
  const UNIT_FLAGS = ['--lite-mode', '--max-semi-space-size=1', '--optimize-for-size', '--no-expose-wasm'];
  const agent = spawn(process.execPath, [...UNIT_FLAGS, join(ROOT, 'dist/agent/main.js'), 'agent', '--config', writeConfig('bench-unit')], { stdio: ['ignore', 'ignore', 'ignore'] });
  const plain = spawn(process.execPath, [join(ROOT, 'dist/bin/outpost.js'), 'agent', '--config', writeConfig('bench-plain')], { stdio: ['ignore', 'ignore', 'inherit'] });
  children.push(agent, plain);
  const packaged: Record<string, number> = {};
  const packages = join(ROOT, 'dist/packages');
  const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  const tarball = join(packages, `outpost-agent-${version}.tar.gz`);
  const sea = join(packages, `outpost-agent-${version}-linux-x64`);
  if (existsSync(tarball)) {
    execFileSync('tar', ['-xzf', tarball, '-C', dir, 'outpost-agent.js']);
    // the packaged unit's environment (deploy/package/files/outpost-agent.service) and agent.env's default profile
    const env = { PATH: process.env.PATH, OUTPOST_AGENT_PROFILE: 'host', GLIBC_TUNABLES: 'glibc.malloc.trim_threshold=131072' };
    const bundle = spawn(process.execPath, [join(dir, 'outpost-agent.js'), 'agent', '--config', writeConfig('bench-bundle')], { env, stdio: ['ignore', 'ignore', 'inherit'] });
    children.push(bundle);
    packaged['outpost-agent.js (package unit, profile host)'] = bundle.pid as number;
    if (existsSync(sea)) {
      const exe = spawn(sea, ['agent', '--config', writeConfig('bench-sea')], { env, stdio: ['ignore', 'ignore', 'inherit'] });
      children.push(exe);
      packaged['single executable (profile host)'] = exe.pid as number;
    }
  } else process.stderr.write(`${tarball} missing: run \`npm run package\` first to measure the packaged agent too\n`);
  const exporterPort = await freePort();
  const exporter = spawn('/usr/bin/prometheus-node-exporter', [`--web.listen-address=127.0.0.1:${exporterPort}`, '--log.level=warn'], { stdio: ['ignore', 'ignore', 'ignore'] });
  children.push(exporter);
  await waitForPort(exporterPort);

  let scrapes = 0;
  let scrapeBytes = 0;
  const scrape = async () => {
    const res = await fetch(`http://127.0.0.1:${exporterPort}/metrics`);
    scrapeBytes = (await res.text()).length;
    scrapes++;
  };
  await scrape();
  const scrapeTimer = setInterval(() => void scrape().catch(() => undefined), 10_000);

  process.stderr.write(`warming up ${WARMUP_S}s, then measuring ${seconds}s...\n`);
  await sleep(WARMUP_S * 1000);
  const pids: Record<string, number> = { 'agent (systemd unit)': agent.pid as number, 'outpost agent (plain node)': plain.pid as number, ...packaged, node_exporter: exporter.pid as number };
  type Name = string;
  const names = Object.keys(pids);
  const start = Object.fromEntries(names.map((n) => [n, sample(pids[n] as number)])) as Record<Name, Sample>;
  const rss = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<Name, number[]>;
  const anon = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<Name, number[]>;
  const startedAt = performance.now();
  const resultsAtStart = results;
  const scrapesAtStart = scrapes;
  while (performance.now() - startedAt < seconds * 1000) {
    await sleep(SAMPLE_MS);
    for (const name of names) {
      const now = sample(pids[name] as number);
      rss[name]?.push(now.rssBytes);
      anon[name]?.push(now.anonBytes);
    }
  }
  const elapsed = (performance.now() - startedAt) / 1000;
  const end = Object.fromEntries(names.map((n) => [n, sample(pids[n] as number)])) as Record<Name, Sample>;

  clearInterval(scrapeTimer);
  const rows = names.map((name) => {
    const cpu = (end[name]?.cpuSeconds ?? 0) - (start[name]?.cpuSeconds ?? 0);
    const r = rss[name] ?? [];
    const avg = (xs: number[]) => xs.reduce((x, y) => x + y, 0) / xs.length;
    return { name, cpuSeconds: cpu, cpuPercent: (cpu / elapsed) * 100, rssAvg: avg(r), rssMax: Math.max(...r), anonAvg: avg(anon[name] ?? []) };
  });
  const n = rows[rows.length - 1] as (typeof rows)[0];
  const ratio = (x: (typeof rows)[0]) =>
    `${x.name} / node_exporter: CPU ${(x.cpuSeconds / Math.max(n.cpuSeconds, 1 / CLK_TCK)).toFixed(2)}x (goal <= 2x), ` +
    `RSS ${(x.rssAvg / n.rssAvg).toFixed(2)}x; RSS max ${mib(x.rssMax)} MiB (goal <= 55 MiB)`;
  const lines = [
    `Agent footprint: ${elapsed.toFixed(0)} s measured after ${WARMUP_S} s warm-up; each agent: host + tcp checks every 10 s ` +
      `(${results - resultsAtStart} results published by all); node_exporter: default collectors, ${scrapes - scrapesAtStart} scrapes of ${scrapeBytes} bytes`,
    '',
    '| process | CPU seconds | CPU % of one core | RSS avg MiB | RSS max MiB | private (RssAnon) avg MiB |',
    '|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.name} | ${r.cpuSeconds.toFixed(2)} | ${r.cpuPercent.toFixed(3)} | ${mib(r.rssAvg)} | ${mib(r.rssMax)} | ${mib(r.anonAvg)} |`),
    '',
    ...rows.slice(0, -1).map(ratio),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);

  for (const child of children) child.kill('SIGTERM');
  await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : undefined)));
  await sub.endAsync();
  target.close();
  await mosquitto.stop();
}

await main();
