/** The lean agent entry (built dist/agent/main.js, what the systemd unit runs) as a child process. */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultMessageSchema } from '../../../common/protocol.js';
import { OUTPOST_VERSION } from '../../../common/version.js';
import { buildOnce, ROOT, tcpTarget } from './support.js';
import { countProcesses } from '../../helpers/procs.js';
import { waitUntil } from '../../helpers/wait.js';

const MAIN = join(ROOT, 'dist/agent/main.js');
const dir = mkdtempSync(join(tmpdir(), 'outpost-agent-main-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

async function runMain(args: string[], nodeFlags: string[] = []): Promise<{ code: number | null; stdout: string; stderr: string }> {
  // the unit's V8 flags, so a flag that breaks the entry fails here
  const child = spawn(process.execPath, ['--lite-mode', '--max-semi-space-size=1', '--optimize-for-size', '--no-expose-wasm', ...nodeFlags, MAIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  return { code, stdout, stderr };
}

let target: Awaited<ReturnType<typeof tcpTarget>>;
beforeAll(async () => {
  await buildOnce();
  target = await tcpTarget();
}, 180_000);
afterAll(() => target?.close());

describe('dist/agent/main.js (no commander)', () => {
  it('--version prints the package version', async () => {
    expect(await runMain(['--version'])).toMatchObject({ code: 0, stdout: `${OUTPOST_VERSION}\n` });
  });

  it('a bad option: exit 2 with a one-line reason', async () => {
    expect(await runMain(['agent', '--confg', 'x.yaml'])).toMatchObject({ code: 2, stderr: "outpost: unknown option '--confg' for 'agent'\n" });
    expect(await runMain(['check-config'])).toMatchObject({ code: 2, stderr: 'outpost: check-config needs --agent FILE\n' });
  });

  it('check-config --agent: ok, and every problem with its path', async () => {
    const ok = file('ok.yaml', `agent: { id: main-ok, state_dir: ${dir}/s }\nchecks:\n  - { type: tcp, host: 127.0.0.1, port: 22 }\n`);
    expect(await runMain(['check-config', '--agent', ok])).toMatchObject({ code: 0, stdout: `${ok}: ok (agent config)\n` });
    const bad = file('bad.yaml', 'checks:\n  - { type: tcp, host: h, port: "x" }\n');
    const run = await runMain(['check-config', '--agent', bad]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('checks[0].port: Invalid input: expected number, received string');
  });

  it('check-config --collector is refused: the agent never loads the collector config (outpost check-config does)', async () => {
    const run = await runMain(['check-config', '--collector', join(ROOT, 'deploy/collector.example.yaml')]);
    expect(run).toMatchObject({ code: 2, stdout: '', stderr: "outpost: option '--collector' is not part of the agent: run `outpost check-config --collector <file>`\n" });
  });

  it('check-config --agent deploy/agent.example.yaml (the unit\'s ExecStartPre) passes', async () => {
    const example = join(ROOT, 'deploy/agent.example.yaml');
    expect(await runMain(['check-config', '--agent', example])).toMatchObject({ code: 0, stdout: `${example}: ok (agent config)\n` });
  });

  it('agent --once runs every check (host without systeminformation) and prints valid results', async () => {
    const config = file(
      'once.yaml',
      `agent: { id: main-once, state_dir: ${dir}/once }\nchecks:\n  - { type: host, mounts: { exclude_types: [] } }\n  - { type: tcp, name: t, host: 127.0.0.1, port: ${target.port} }\n`,
    );
    const run = await runMain(['agent', '--once', '--config', config]);
    const results = JSON.parse(run.stdout) as unknown[];
    expect(results).toHaveLength(2);
    const host = resultMessageSchema.parse(results[0]);
    expect(host.check_type).toBe('host');
    expect(host.metrics.memory_used_percent).toBeGreaterThan(0);
    expect(host.series?.some((s) => s.tags.mount === '/')).toBe(true);
  }, 30_000);

  it('agent --once with a hanging backup command exits once the check\'s timeout is over, and no child of the command survives', async () => {
    const marker = ['sleep', '987.321'];
    const config = file(
      'hang.yaml',
      `agent: { id: main-hang, state_dir: ${dir}/hang }\nchecks:\n  - { type: backup, name: repo, interval: 10s, timeout: 1s, max_age: 1d, command: [/bin/sh, -c, "${marker.join(' ')} & ${marker.join(' ')}"] }\n`,
    );
    const run = await runMain(['agent', '--once', '--config', config]);
    expect(run.code).toBe(1);
    const [result] = JSON.parse(run.stdout) as Array<Record<string, unknown>>;
    expect(result).toMatchObject({ check_id: 'repo', state: 'crit', code: 'backup.command_timeout', message: `/bin/sh -c ${marker.join(' ')} & ${marker.join(' ')} did not finish within 0.9s and was killed with its process group` });
    await waitUntil(() => countProcesses(marker) === 0, 10_000, 'no orphan of the backup command');
  }, 30_000);

  it('agent --once with host + tcp loads no check implementation it does not run, nor worker-timers, nor thread-stream', async () => {
    // records every ES module URL (loader hook) and every CommonJS file (require.cache at exit)
    const log = join(dir, 'loaded.txt');
    file('hooks.mjs', `import { appendFileSync } from 'node:fs';\nexport async function load(url, context, next) { appendFileSync(${JSON.stringify(log)}, url + '\\n'); return next(url, context); }\n`);
    const preload = file(
      'preload.mjs',
      `import { register, createRequire } from 'node:module';\nimport { appendFileSync } from 'node:fs';\nregister(${JSON.stringify(`file://${dir}/hooks.mjs`)});\n` +
        `const cache = createRequire(import.meta.url).cache;\nprocess.on('exit', () => appendFileSync(${JSON.stringify(log)}, Object.values(cache).map((m) => m.filename).join('\\n')));\n`,
    );
    const config = file('lean.yaml', `agent: { id: main-lean, state_dir: ${dir}/lean }\nchecks:\n  - { type: host, thresholds: { load_per_core: { warn: 999, crit: 1000 }, cpu_percent: { warn: 100, crit: 100 } } }\n  - { type: tcp, name: t, host: 127.0.0.1, port: ${target.port} }\n`);
    // thresholds out of reach: a busy test machine must not turn the exit code into 1
    const run = await runMain(['agent', '--once', '--config', config], ['--import', preload]);
    expect(run.code).toBe(0);
    const loaded = readFileSync(log, 'utf8');
    expect(loaded).toContain('/agent/checks/host/check.js');
    expect(loaded).toContain('/node_modules/mqtt/');
    for (const absent of ['/agent/checks/ping/check.js', '/agent/checks/http/check.js', '/agent/checks/service/check.js', '/agent/checks/backup/check.js', '/agent/checks/snmp/check.js', '/node_modules/croner/', '/node_modules/ping/', '/node_modules/net-snmp/', '/node_modules/@babel/runtime/', '/node_modules/broker-factory/', '/node_modules/thread-stream/lib/']) {
      expect(loaded, absent).not.toContain(absent);
    }
  }, 30_000);
});
