/**
 * `npm run package` (deploy/package/): the files a server without internet or build tools gets.
 * - the tarball's outpost-agent.js runs `agent --once` with PATH holding only node, outside the checkout;
 * - the single executable runs `agent --once` with no node on PATH;
 * - as root: `dpkg -i` installs the layout and the installed agent runs; an upgrade to a newer .deb keeps the
 *   config, the spool and the seq state (results spooled by the old version are delivered by the new one, seqs
 *   go on); `dpkg -r` keeps /etc/outpost/agent.yaml; the package is purged afterwards;
 * - `rpm -qlp` lists the same layout as the .deb; as root the .rpm installs with rpm (own database), its scriptlets
 *   run, an upgrade keeps the edited config and an erase keeps it as .rpmsave;
 * - as root: outpost-agent-bin replaces outpost-agent; the tarball's install.sh installs the same layout.
 * Builds twice (this version with the single executable, a newer one without) into a temp dir: a few minutes.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inventoryMessageSchema, resultMessageSchema } from '../../../common/protocol.js';
import { startMosquitto, type MosquittoServer } from '../../helpers/mosquitto.js';
import { isRoot, rootSkipReason } from '../../helpers/root.js';
import { stopProcess } from '../../helpers/process.js';
import { waitUntil } from '../../helpers/wait.js';

const root = join(import.meta.dirname, '../../..');
const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
const [major, minor, patch] = version.split(/[.-]/).map(Number) as [number, number, number];
const newer = `${major}.${minor}.${patch + 1}`;
const dir = mkdtempSync(join(tmpdir(), 'outpost-package-'));
const out = join(dir, 'v1');
const out2 = join(dir, 'v2');
let target: Server;
let targetPort = 0;

function buildPackages(args: string[]): void {
  execFileSync('npm', ['run', '--silent', 'package', '--', ...args], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
}

/** A PATH directory holding only `node`. */
function onlyNodePath(): string {
  const bin = join(dir, 'only-node');
  if (!existsSync(bin)) {
    mkdirSync(bin);
    symlinkSync(process.execPath, join(bin, 'node'));
  }
  return bin;
}

function tcpOnlyConfig(file: string, id: string, stateDir: string, mqttUrl = 'mqtt://127.0.0.1:1'): string {
  writeFileSync(
    file,
    `agent: { id: ${id}, state_dir: ${stateDir}, log_level: warn }\nmqtt: { url: "${mqttUrl}" }\n` +
      `checks:\n  - { type: tcp, name: loopback, host: 127.0.0.1, port: ${targetPort}, interval: 1s, timeout: 500ms }\n`,
  );
  return file;
}

function expectOneOkResult(stdout: string, id: string): void {
  const results = (JSON.parse(stdout) as unknown[]).map((r) => resultMessageSchema.parse(r));
  expect(results).toHaveLength(1);
  expect(results[0]).toMatchObject({ agent_id: id, check_type: 'tcp', state: 'ok' });
}

beforeAll(async () => {
  target = createServer((s) => s.destroy());
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  targetPort = (target.address() as { port: number }).port;
  buildPackages(['--out', out]);
}, 900_000);

afterAll(() => {
  target?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('npm run package', () => {
  it('writes the tarball, the single executable, two .deb, two .rpm and their checksums', () => {
    expect(readdirSync(out).filter((f) => !f.startsWith('.')).sort()).toEqual(
      [
        `outpost-agent-${version}-1.noarch.rpm`,
        `outpost-agent-${version}-linux-x64`,
        `outpost-agent-${version}.tar.gz`,
        `outpost-agent-bin-${version}-1.x86_64.rpm`,
        `outpost-agent-bin_${version}_amd64.deb`,
        `outpost-agent_${version}_all.deb`,
        'SHA256SUMS',
      ].sort(),
    );
    const listing = execFileSync('tar', ['-tzf', join(out, `outpost-agent-${version}.tar.gz`)], { encoding: 'utf8' }).trim().split('\n').sort();
    expect(listing).toEqual(['agent.env', 'agent.example.yaml', 'install.sh', 'outpost-agent.js', 'outpost-agent.service']);
  });

  it("the tarball's outpost-agent.js runs `agent --once` with only node on PATH and no node_modules", () => {
    const unpacked = join(dir, 'unpacked');
    mkdirSync(unpacked);
    execFileSync('tar', ['-xzf', join(out, `outpost-agent-${version}.tar.gz`), '-C', unpacked]);
    const config = tcpOnlyConfig(join(unpacked, 'agent.yaml'), 'pkg-bundle', join(unpacked, 'state'));
    const env = { PATH: onlyNodePath(), HOME: unpacked };
    const run = spawnSync('node', ['outpost-agent.js', 'agent', '--once', '--config', config], { cwd: unpacked, env, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expectOneOkResult(run.stdout, 'pkg-bundle');
    expect(spawnSync('node', ['outpost-agent.js', '--version'], { cwd: unpacked, env, encoding: 'utf8' }).stdout).toBe(`${version}\n`);
    // an unknown profile is refused before anything runs, naming the setting
    const bad = spawnSync('node', ['outpost-agent.js', '--version'], { cwd: unpacked, env: { ...env, OUTPOST_AGENT_PROFILE: 'fast' }, encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe('outpost-agent: OUTPOST_AGENT_PROFILE: unknown profile "fast" (expected one of: host, poller)\n');
  });

  it('the single executable runs `agent --once` with no node on PATH', () => {
    const exe = join(out, `outpost-agent-${version}-linux-x64`);
    const work = mkdtempSync(join(dir, 'sea-'));
    const config = tcpOnlyConfig(join(work, 'agent.yaml'), 'pkg-sea', join(work, 'state'));
    const env = { PATH: join(work, 'empty-bin'), OUTPOST_AGENT_PROFILE: 'poller' };
    const run = spawnSync(exe, ['agent', '--once', '--config', config], { cwd: work, env, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expectOneOkResult(run.stdout, 'pkg-sea');
  });

  it('rpm -qlp lists the same layout as the .deb, for both packages', () => {
    const debPaths = (file: string) =>
      execFileSync('dpkg-deb', ['-c', file], { encoding: 'utf8' })
        .trim()
        .split('\n')
        .map((line) => (line.split(/\s+/)[5] ?? '').replace(/^\./, '').replace(/\/$/, ''))
        .filter((p) => p && !['/etc', '/usr', '/usr/bin', '/usr/lib', '/usr/lib/systemd', '/usr/lib/systemd/system', '/usr/share', '/var', '/var/lib'].includes(p))
        .sort();
    const rpmPaths = (file: string) => execFileSync('rpm', ['-qlp', file], { encoding: 'utf8' }).trim().split('\n').sort();
    for (const [deb, rpm] of [
      [`outpost-agent_${version}_all.deb`, `outpost-agent-${version}-1.noarch.rpm`],
      [`outpost-agent-bin_${version}_amd64.deb`, `outpost-agent-bin-${version}-1.x86_64.rpm`],
    ] as const) {
      const paths = debPaths(join(out, deb));
      expect(paths).toContain('/etc/outpost/agent.yaml');
      expect(paths).toContain('/usr/lib/systemd/system/outpost-agent.service');
      expect(paths).toContain('/var/lib/outpost-agent');
      expect(rpmPaths(join(out, rpm))).toEqual(paths);
    }
    const configFiles = execFileSync('rpm', ['-qcp', join(out, `outpost-agent-${version}-1.noarch.rpm`)], { encoding: 'utf8' }).trim().split('\n');
    expect(configFiles.sort()).toEqual(['/etc/outpost/agent.env', '/etc/outpost/agent.yaml']);
    const requires = execFileSync('rpm', ['-qp', '--requires', join(out, `outpost-agent-${version}-1.noarch.rpm`)], { encoding: 'utf8' });
    expect(requires).toContain('nodejs >= 20');
  });
});

const rootSkip = rootSkipReason('dpkg -i / -r / --purge of the outpost-agent package');

describe.skipIf(rootSkip !== null)('the .deb, installed (root)', () => {
  let mosquitto: MosquittoServer | null = null;
  let agent: ChildProcess | null = null;
  const dpkg = (...args: string[]) => execFileSync('dpkg', args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });

  afterAll(async () => {
    await stopProcess(agent);
    await mosquitto?.stop();
    if (isRoot) spawnSync('dpkg', ['--purge', 'outpost-agent', 'outpost-agent-bin'], { stdio: 'ignore' });
  });

  it('installs the layout; the installed agent runs; an upgrade keeps config, spool and seq; remove keeps agent.yaml; purge cleans', async () => {
    const upgrade = out2Packages();
    spawnSync('dpkg', ['--purge', 'outpost-agent', 'outpost-agent-bin'], { stdio: 'ignore' });
    dpkg('-i', join(out, `outpost-agent_${version}_all.deb`));
    for (const path of ['/usr/lib/outpost-agent/outpost-agent.js', '/usr/lib/systemd/system/outpost-agent.service', '/etc/outpost/agent.env', '/usr/share/outpost-agent/agent.example.yaml']) {
      expect(existsSync(path), path).toBe(true);
    }
    expect(readFileSync('/etc/outpost/agent.yaml', 'utf8')).toBe(readFileSync(join(root, 'deploy/agent.example.yaml'), 'utf8'));
    expect(dpkg('-L', 'outpost-agent')).toContain('/usr/bin/outpost-agent');
    const uid = Number(execFileSync('id', ['-u', 'outpost'], { encoding: 'utf8' }));
    const gid = Number(execFileSync('id', ['-g', 'outpost'], { encoding: 'utf8' }));
    expect(statSync('/var/lib/outpost-agent')).toMatchObject({ uid, gid });
    expect(statSync('/etc/outpost/agent.yaml')).toMatchObject({ uid: 0, gid });
    expect(statSync('/etc/outpost/agent.yaml').mode & 0o777).toBe(0o640);
    expect(statSync('/usr/lib/systemd/system/outpost-agent.service').isFile()).toBe(true);
    expect(readFileSync('/usr/lib/systemd/system/outpost-agent.service', 'utf8')).toContain('AmbientCapabilities=CAP_NET_RAW');

    // agent --once from the installed path, as the service user
    const onceConfig = tcpOnlyConfig(join(dir, 'once.yaml'), 'pkg-deb', join(dir, 'deb-once'));
    const once = spawnSync('/usr/bin/outpost-agent', ['agent', '--once', '--config', onceConfig], { env: { PATH: '/usr/bin:/bin' }, encoding: 'utf8' });
    expect(once.stderr).toBe('');
    expectOneOkResult(once.stdout, 'pkg-deb');

    // run 1 (this version): results reach the broker, then the broker goes away and results are spooled
    mosquitto = await startMosquitto();
    const received: number[] = [];
    const bySeq = new Map<number, number>();
    const incarnations = new Set<string>();
    const inventories: string[] = [];
    const sub = mqtt.connect(mosquitto.url, { protocolVersion: 4, clean: false, clientId: 'pkg-upgrade-sub', reconnectPeriod: 100 });
    sub.on('message', (topic, payload) => {
      if (topic.endsWith('/results')) {
        const { seq, observed_at_ms: at, incarnation } = resultMessageSchema.parse(JSON.parse(payload.toString()));
        incarnations.add(incarnation ?? 'none');
        // QoS 1 may deliver a result twice (at least once); a seq must never stand for two different results
        expect(bySeq.get(seq) ?? at, `seq ${seq} reused`).toBe(at);
        bySeq.set(seq, at);
        received.push(seq);
      }
      else if (topic.endsWith('/inventory')) inventories.push(inventoryMessageSchema.parse(JSON.parse(payload.toString())).agent_version);
    });
    const subscribe = () => new Promise<void>((r) => sub.subscribe(['outpost/v1/pkg-upgrade/results', 'outpost/v1/pkg-upgrade/inventory'], { qos: 1 }, () => r()));
    await new Promise<void>((r) => sub.once('connect', () => r()));
    await subscribe();
    tcpOnlyConfig('/etc/outpost/agent.yaml', 'pkg-upgrade', '/var/lib/outpost-agent', mosquitto.url);
    const config = readFileSync('/etc/outpost/agent.yaml', 'utf8');
    const startAgent = () =>
      spawn('/usr/bin/outpost-agent', ['agent', '--config', '/etc/outpost/agent.yaml'], { uid, gid, env: { PATH: '/usr/bin:/bin' }, stdio: ['ignore', 'ignore', 'inherit'] });
    agent = startAgent();
    await waitUntil(() => received.length >= 3 && inventories.includes(version), 60_000, 'results and inventory of run 1');
    await mosquitto.stop();
    const spooled = () =>
      readdirSync('/var/lib/outpost-agent/spool')
        .filter((f) => f.endsWith('.jsonl'))
        .flatMap((f) => readFileSync(join('/var/lib/outpost-agent/spool', f), 'utf8').trim().split('\n').filter(Boolean))
        .map((line) => (JSON.parse(line) as { seq: number; kind: string }))
        .filter((e) => e.kind === 'results' && e.seq > Math.max(...received))
        .map((e) => e.seq);
    const pending = await waitUntil(() => (spooled().length >= 2 ? spooled() : false), 60_000, 'results spooled while the broker is down');
    await stopProcess(agent);
    agent = null;
    const lastOfRun1 = Math.max(...received, ...spooled());

    // upgrade in place; the new version delivers what the old one spooled and goes on with higher seqs
    dpkg('-i', join(upgrade, `outpost-agent_${newer}_all.deb`));
    expect(readFileSync('/etc/outpost/agent.yaml', 'utf8')).toBe(config);
    expect(execFileSync('/usr/bin/outpost-agent', ['--version'], { env: { PATH: '/usr/bin:/bin' }, encoding: 'utf8' })).toBe(`${newer}\n`);
    await mosquitto.start();
    await waitUntil(() => sub.connected, 30_000, 'the subscriber back');
    await subscribe();
    agent = startAgent();
    await waitUntil(() => received.filter((s) => s > lastOfRun1).length >= 2 && inventories.includes(newer), 60_000, 'results and inventory of run 2');
    await stopProcess(agent);
    agent = null;
    await sub.endAsync();
    for (const seq of pending) expect(received, `spooled seq ${seq} delivered after the upgrade`).toContain(seq);
    // the seq state survived: the new version goes on in the same incarnation (the collector dedupes within it)
    expect(incarnations.size, [...incarnations].join(', ')).toBe(1);
    const run2 = received.slice(received.findIndex((s) => s > lastOfRun1));
    expect(run2.filter((s) => !pending.includes(s)).every((s) => s > lastOfRun1), 'new results go on above the old seqs').toBe(true);

    // remove keeps the config; purge removes config, state and directory
    dpkg('-r', 'outpost-agent');
    expect(existsSync('/usr/lib/outpost-agent/outpost-agent.js')).toBe(false);
    expect(readFileSync('/etc/outpost/agent.yaml', 'utf8')).toBe(config);
    dpkg('--purge', 'outpost-agent');
    expect(existsSync('/etc/outpost/agent.yaml')).toBe(false);
    expect(existsSync('/var/lib/outpost-agent')).toBe(false);
  }, 300_000);

  it('outpost-agent-bin installs the single executable, runs with no node on PATH, and replaces outpost-agent', () => {
    dpkg('-i', join(out, `outpost-agent_${version}_all.deb`));
    writeFileSync('/etc/outpost/agent.yaml', '# edited\n' + readFileSync('/etc/outpost/agent.yaml', 'utf8'));
    dpkg('-i', join(out, `outpost-agent-bin_${version}_amd64.deb`));
    expect(dpkg('-s', 'outpost-agent-bin')).toContain('Status: install ok installed');
    expect(spawnSync('dpkg', ['-s', 'outpost-agent']).stdout.toString()).not.toContain('Status: install ok installed');
    expect(readFileSync('/etc/outpost/agent.yaml', 'utf8')).toMatch(/^# edited\n/);
    expect(existsSync('/usr/lib/outpost-agent/outpost-agent.js')).toBe(false);
    const config = tcpOnlyConfig(join(dir, 'bin.yaml'), 'pkg-bin', join(dir, 'bin-once'));
    const once = spawnSync('/usr/bin/outpost-agent', ['agent', '--once', '--config', config], { env: { PATH: join(dir, 'no-bin') }, encoding: 'utf8' });
    expect(once.stderr).toBe('');
    expectOneOkResult(once.stdout, 'pkg-bin');
    dpkg('--purge', 'outpost-agent-bin');
    expect(existsSync('/usr/bin/outpost-agent')).toBe(false);
    expect(existsSync('/etc/outpost/agent.yaml')).toBe(false);
  }, 120_000);

  it('the .rpm (installed with rpm on this Debian machine, own database): scriptlets, upgrade keeps the edited config, erase keeps it as .rpmsave', () => {
    const db = mkdtempSync(join(dir, 'rpmdb-'));
    const rpm = (...args: string[]) => execFileSync('rpm', ['--dbpath', db, ...args], { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
    try {
      // --nodeps: this machine's nodejs is a .deb, unknown to rpm
      rpm('-i', '--nodeps', join(out, `outpost-agent-${version}-1.noarch.rpm`));
      const gid = Number(execFileSync('id', ['-g', 'outpost'], { encoding: 'utf8' }));
      expect(statSync('/etc/outpost/agent.yaml')).toMatchObject({ uid: 0, gid });
      expect(statSync('/etc/outpost/agent.yaml').mode & 0o777).toBe(0o640);
      expect(statSync('/var/lib/outpost-agent').uid).toBe(Number(execFileSync('id', ['-u', 'outpost'], { encoding: 'utf8' })));
      const config = tcpOnlyConfig(join(dir, 'rpm.yaml'), 'pkg-rpm', join(dir, 'rpm-once'));
      const once = spawnSync('/usr/bin/outpost-agent', ['agent', '--once', '--config', config], { env: { PATH: '/usr/bin:/bin' }, encoding: 'utf8' });
      expect(once.stderr).toBe('');
      expectOneOkResult(once.stdout, 'pkg-rpm');
      writeFileSync('/etc/outpost/agent.yaml', '# edited\n' + readFileSync('/etc/outpost/agent.yaml', 'utf8'));
      rpm('-U', '--nodeps', join(out2Packages(), `outpost-agent-${newer}-1.noarch.rpm`));
      expect(execFileSync('/usr/bin/outpost-agent', ['--version'], { env: { PATH: '/usr/bin:/bin' }, encoding: 'utf8' })).toBe(`${newer}\n`);
      expect(readFileSync('/etc/outpost/agent.yaml', 'utf8')).toMatch(/^# edited\n/);
      expect(statSync('/etc/outpost/agent.yaml').gid).toBe(gid);
      rpm('-e', 'outpost-agent');
      expect(existsSync('/usr/bin/outpost-agent')).toBe(false);
      expect(readFileSync('/etc/outpost/agent.yaml.rpmsave', 'utf8')).toMatch(/^# edited\n/);
    } finally {
      spawnSync('rpm', ['--dbpath', db, '-e', '--nodeps', 'outpost-agent'], { stdio: 'ignore' });
      for (const path of ['/etc/outpost/agent.yaml.rpmsave', '/etc/outpost/agent.yaml', '/etc/outpost/agent.env', '/var/lib/outpost-agent']) rmSync(path, { recursive: true, force: true });
      spawnSync('rmdir', ['/etc/outpost']);
    }
  }, 180_000);

  it("the tarball's install.sh installs the same layout with the enrolment password, keeps the config when run again", () => {
    const unpacked = mkdtempSync(join(dir, 'install-'));
    execFileSync('tar', ['-xzf', join(out, `outpost-agent-${version}.tar.gz`), '-C', unpacked]);
    const install = (...args: string[]) => spawnSync('sh', [join(unpacked, 'install.sh'), ...args], { env: { PATH: `${onlyNodePath()}:/usr/sbin:/usr/bin:/sbin:/bin` }, encoding: 'utf8' });
    try {
      const bad = install('--profile', 'fast');
      expect(bad.status).toBe(2);
      expect(bad.stderr).toBe('install.sh: --profile "fast": expected host or poller\n');
      expect(existsSync('/usr/bin/outpost-agent')).toBe(false);
      const first = install('--id', 'pkg-tar', '--mqtt-url', 'mqtt://127.0.0.1:1883', '--mqtt-password', 's3cret/+=', '--profile', 'poller');
      expect(first.stderr).toBe('');
      expect(first.status).toBe(0);
      expect(first.stdout).toContain(`outpost-agent ${version} installed`);
      const yaml = readFileSync('/etc/outpost/agent.yaml', 'utf8');
      expect(yaml).toMatch(/^ {2}id: pkg-tar$/m);
      expect(yaml).toMatch(/^ {2}username: pkg-tar$/m);
      expect(yaml).toMatch(/^ {2}password: \$\{OUTPOST_MQTT_PASSWORD\}$/m);
      const env = readFileSync('/etc/outpost/agent.env', 'utf8');
      expect(env).toMatch(/^OUTPOST_MQTT_PASSWORD='s3cret\/\+='$/m);
      expect(env).toMatch(/^OUTPOST_AGENT_PROFILE='poller'$/m);
      expect(statSync('/etc/outpost/agent.env').mode & 0o777).toBe(0o640);
      expect(readFileSync('/etc/systemd/system/outpost-agent.service', 'utf8')).toBe(readFileSync(join(root, 'deploy/package/files/outpost-agent.service'), 'utf8'));
      const again = install('--id', 'other');
      expect(again.status).toBe(0);
      expect(again.stdout).toContain('keeping existing /etc/outpost/agent.yaml');
      expect(readFileSync('/etc/outpost/agent.yaml', 'utf8')).toBe(yaml);
    } finally {
      for (const path of ['/usr/bin/outpost-agent', '/usr/lib/outpost-agent', '/usr/share/outpost-agent', '/etc/outpost/agent.yaml', '/etc/outpost/agent.env', '/var/lib/outpost-agent', '/etc/systemd/system/outpost-agent.service']) {
        rmSync(path, { recursive: true, force: true });
      }
      spawnSync('rmdir', ['/etc/outpost']);
    }
  }, 120_000);
});

/** The newer version (for the upgrade), built on first use without the single executable. */
function out2Packages(): string {
  if (!existsSync(join(out2, `outpost-agent_${newer}_all.deb`))) buildPackages(['--out', out2, '--version', newer, '--no-sea']);
  return out2;
}
