/**
 * Log lines for people and for machines: `outpost collector` writes human-readable lines (pino-pretty, local time)
 * when stdout is a terminal — run under `script`, which gives it a pseudo-terminal — and JSON lines when stdout is a
 * pipe (what systemd, docker and log shippers read).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../helpers/ports.js';
import { waitUntil } from '../../helpers/wait.js';

const BIN = join(import.meta.dirname, '../../../dist/bin/outpost.js');
const children: ChildProcess[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) continue;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    // Our own process group (detached): `script` and the collector under it stop together.
    process.kill(-child.pid, 'SIGTERM');
    await exited;
  }
});

async function collectorConfig(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-logs-'));
  const file = join(dir, 'collector.yaml');
  writeFileSync(file, `data_dir: ${join(dir, 'data')}\nmqtt:\n  listen: { host: 127.0.0.1, port: ${await freePort()} }\napi:\n  listen: { host: 127.0.0.1, port: ${await freePort()} }\n`);
  return file;
}

function start(command: string, args: string[]): { child: ChildProcess; output: () => string } {
  let output = '';
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: { ...process.env, TZ: 'Asia/Shanghai' } });
  children.push(child);
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  return { child, output: () => output };
}

describe('collector logs', () => {
  it('on a terminal: readable lines with local time, level, name and message, no JSON', async () => {
    const config = await collectorConfig();
    const run = start('script', ['-q', '-e', '-c', `${process.execPath} ${BIN} collector --config ${config}`, '/dev/null']);
    const text = await waitUntil(() => (run.output().includes('collector started') ? run.output() : undefined), 60_000, 'collector started (terminal)');
    // eslint-disable-next-line no-control-regex
    const line = text.replace(/\u001b\[[0-9;]*m/g, '').split(/\r?\n/).find((l) => l.includes('collector started')) as string;
    expect(line).toMatch(/^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\] INFO \(outpost\): collector started/);
    expect(line).not.toContain('{"level"');
    // Local wall time (TZ=Asia/Shanghai here), not UTC.
    const shown = /^\[(\d{4}-\d\d-\d\d \d\d):/.exec(line)?.[1];
    const hourIn = (ms: number) => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23' }).format(ms);
    expect([hourIn(Date.now()), hourIn(Date.now() - 3_600_000)]).toContain(shown); // the line may be from the hour before
  }, 90_000);

  it('piped: one JSON object per line', async () => {
    const config = await collectorConfig();
    const run = start(process.execPath, [BIN, 'collector', '--config', config]);
    const text = await waitUntil(() => (run.output().includes('collector started') ? run.output() : undefined), 60_000, 'collector started (pipe)');
    const lines = text.trim().split('\n');
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    expect(lines.map((l) => JSON.parse(l) as { msg: string; name: string }).find((l) => l.msg === 'collector started')).toMatchObject({ name: 'outpost' });
  }, 90_000);
});
