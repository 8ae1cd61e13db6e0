import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listProcesses, matchesProcess, oldestFirst, parseCmdline, parseProcStat, type ProcInfo } from '../../../../../agent/checks/service/procs.js';

// Real /proc/PID/stat lines (trimmed kernels differ only after field 22).
const NGINX_STAT = '812 (nginx) S 1 812 812 0 -1 4211008 40 0 0 0 0 0 0 0 20 0 1 0 1534 10891264 377 18446744073709551615';
const ODD_STAT = '900 (my (odd) name) S 1 900 900 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 77 0 0 0';

describe('parseProcStat', () => {
  it('reads comm and start time (field 22)', () => {
    expect(parseProcStat(NGINX_STAT)).toEqual({ comm: 'nginx', startTicks: 1534 });
  });
  it('handles parentheses and spaces inside comm', () => {
    expect(parseProcStat(ODD_STAT)).toEqual({ comm: 'my (odd) name', startTicks: 77 });
  });
  it('returns null for garbage', () => {
    expect(parseProcStat('nonsense')).toBeNull();
    expect(parseProcStat('1 (x) S 1')).toBeNull();
  });
});

describe('parseCmdline', () => {
  it('splits NUL-separated argv and drops the trailing NUL', () => {
    expect(parseCmdline(Buffer.from('nginx: master process\0-g\0daemon off;\0'))).toEqual(['nginx: master process', '-g', 'daemon off;']);
  });
  it('kernel threads have an empty cmdline', () => {
    expect(parseCmdline('')).toEqual([]);
  });
});

const proc = (pid: number, comm: string, argv: string[], startTicks = pid): ProcInfo => ({ pid, comm, argv, startTicks });

describe('matchesProcess', () => {
  const longName = proc(10, 'postgres-export', ['/usr/local/bin/postgres-exporter', '--web.listen-address=:9187']);
  it('name matches comm or the basename of argv[0]', () => {
    expect(matchesProcess(longName, { kind: 'name', name: 'postgres-export' })).toBe(true);
    expect(matchesProcess(longName, { kind: 'name', name: 'postgres-exporter' })).toBe(true);
    expect(matchesProcess(longName, { kind: 'name', name: 'postgres' })).toBe(false);
  });
  it('pattern is tested against the joined command line, never against kernel threads', () => {
    expect(matchesProcess(longName, { kind: 'pattern', regex: /listen-address=:9187/ })).toBe(true);
    expect(matchesProcess(proc(2, 'kthreadd', []), { kind: 'pattern', regex: /kthreadd/ })).toBe(false);
  });
});

describe('oldestFirst', () => {
  it('orders by start time, then pid', () => {
    const sorted = [proc(30, 'a', ['a'], 5), proc(20, 'a', ['a'], 9), proc(10, 'a', ['a'], 5)].sort(oldestFirst);
    expect(sorted.map((p) => p.pid)).toEqual([10, 30, 20]);
  });
});

describe('listProcesses on a fixture /proc', () => {
  function fixture(): string {
    const root = mkdtempSync(join(tmpdir(), 'outpost-proc-'));
    const add = (pid: number, stat: string, cmdline: string) => {
      mkdirSync(join(root, String(pid)));
      writeFileSync(join(root, String(pid), 'stat'), stat);
      writeFileSync(join(root, String(pid), 'cmdline'), cmdline);
    };
    add(812, NGINX_STAT, 'nginx: master process\0');
    add(900, ODD_STAT, '/opt/odd\0--flag\0');
    add(4242, '4242 (node) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5000 0 0', 'node\0agent.js\0');
    mkdirSync(join(root, '77')); // exited between readdir and read: no files
    mkdirSync(join(root, 'self'));
    writeFileSync(join(root, 'uptime'), '1 1');
    return root;
  }

  it('reads numeric entries, skips vanished pids and the excluded (own) pid', async () => {
    const procs = await listProcesses(fixture(), 4242);
    expect(procs.sort(oldestFirst)).toEqual([
      { pid: 900, comm: 'my (odd) name', argv: ['/opt/odd', '--flag'], startTicks: 77 },
      { pid: 812, comm: 'nginx', argv: ['nginx: master process'], startTicks: 1534 },
    ]);
  });
});
