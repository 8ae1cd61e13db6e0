import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { serviceCheck } from '../../../../../agent/checks/service/check.js';
import { neverAbort, testDeps } from '../../../../unit/agent/checks/deps.js';

const token = `outpost-svc-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
const dir = mkdtempSync(join(tmpdir(), 'outpost-svc-'));
// A copy of sleep under a unique name, so `process:` matches only what this test started.
const uniqueName = `osl${process.pid % 100000}`.slice(0, 15);
const uniqueBinary = join(dir, uniqueName);
copyFileSync('/bin/sleep', uniqueBinary);

const children = new Set<ChildProcess>();

/** `argv0` puts a unique word on the command line without changing what runs. */
async function start(command: string, args: string[], argv0?: string): Promise<ChildProcess> {
  const child = spawn(command, args, { stdio: 'ignore', ...(argv0 ? { argv0 } : {}) });
  children.add(child);
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', () => resolve());
    child.once('error', reject);
  });
  return child;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await exited; // reaped: its /proc entry is gone
  children.delete(child);
}

afterAll(async () => {
  await Promise.all([...children].map(stop));
  rmSync(dir, { recursive: true, force: true });
});

function check(cfg: Record<string, unknown>) {
  return serviceCheck.create(serviceCheck.configSchema.parse(cfg), testDeps());
}

describe('service check on processes', () => {
  it('pattern: found, crit when killed, restart detected when a new one starts', async () => {
    const svc = check({ pattern: token });
    const first = await start('sleep', ['1000'], `sleep-${token}`);

    const running = await svc.run(neverAbort());
    expect(running.state).toBe('ok');
    expect(running.metrics).toEqual({ process_count: 1, restarts: 0, up: 1 });
    expect(running.details?.main_pid).toBe(first.pid);

    await stop(first);
    const gone = await svc.run(neverAbort());
    expect(gone.state).toBe('crit');
    expect(gone.message).toBe(`processes matching /${token}/: no matching process running`);
    expect(gone.metrics.up).toBe(0);

    const second = await start('sleep', ['1000'], `sleep-${token}`);
    const restarted = await svc.run(neverAbort());
    expect(restarted.state).toBe('warn');
    expect(restarted.message).toContain(`restarted (pid ${first.pid} → ${second.pid})`);
    expect(restarted.metrics.restarts).toBe(1);

    const steady = await svc.run(neverAbort());
    expect(steady.state).toBe('ok');
    expect(steady.metrics.restarts).toBe(1);
    await stop(second);
  });

  it('a pid change without a down run in between is also a restart', async () => {
    const svc = check({ pattern: `${token}-swap` });
    const a = await start('sleep', ['1000'], `sleep-${token}-swap`);
    expect((await svc.run(neverAbort())).state).toBe('ok');
    await stop(a);
    const b = await start('sleep', ['1000'], `sleep-${token}-swap`);
    const result = await svc.run(neverAbort());
    expect(result.state).toBe('warn');
    expect(result.message).toContain(`pid ${a.pid} → ${b.pid}`);
    await stop(b);
  });

  it('process name: counts copies and enforces min_count', async () => {
    const a = await start(uniqueBinary, ['1000']);
    const b = await start(uniqueBinary, ['1000']);
    const two = await check({ process: uniqueName, min_count: 2 }).run(neverAbort());
    expect(two.state).toBe('ok');
    expect(two.metrics.process_count).toBe(2);
    expect(two.message).toBe(`process ${uniqueName}: 2 processes running, main pid ${a.pid}`);

    const tooFew = await check({ process: uniqueName, min_count: 3 }).run(neverAbort());
    expect(tooFew.state).toBe('crit');
    expect(tooFew.message).toBe(`process ${uniqueName}: 2 processes running, need at least 3`);
    await Promise.all([stop(a), stop(b)]);
    expect((await check({ process: uniqueName }).run(neverAbort())).state).toBe('crit');
  });

  it('the default target is the agent host', () => {
    expect(serviceCheck.defaultTarget(serviceCheck.configSchema.parse({ process: 'nginx' }), { hostname: 'web-1' })).toBe('web-1');
  });
});

const hasSystemd = existsSync('/run/systemd/system');
if (!hasSystemd) console.warn('SKIPPED (needs systemd as PID 1, /run/systemd/system is absent): service check on real systemd units');

describe.skipIf(hasSystemd)('service check on a unit without systemd', () => {
  it('returns unknown with a clear message', async () => {
    const result = await check({ unit: 'ssh.service' }).run(neverAbort());
    expect(result.state).toBe('unknown');
    expect(result.message).toBe('cannot check unit ssh.service: systemd is not running on this host (/run/systemd/system is missing, e.g. a container)');
  });
});

describe.skipIf(!hasSystemd)('service check on real systemd units', () => {
  it('systemd-journald.service is active', async () => {
    const result = await check({ unit: 'systemd-journald.service' }).run(neverAbort());
    expect(result.state).toBe('ok');
    expect(result.message).toMatch(/^unit systemd-journald.service active\/running/);
  });

  it('a unit that does not exist is crit "not found"', async () => {
    const result = await check({ unit: `${token}.service` }).run(neverAbort());
    expect(result.state).toBe('crit');
    expect(result.message).toBe(`unit ${token}.service not found`);
  });
});
