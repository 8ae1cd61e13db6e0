import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { buildProgram, commandWord } from '../../../bin/program.js';
import type { CliIo } from '../../../common/cli.js';

const io: CliIo = { env: {}, stdout: new PassThrough(), stderr: new PassThrough(), cwd: '/', onShutdownSignal: () => undefined };
const names = async (...args: string[]) => (await buildProgram(io, { code: 0 }, ['node', 'outpost', ...args])).commands.map((c) => c.name());

describe('bin/program', () => {
  it('finds the command word after global options', () => {
    expect(commandWord(['node', 'outpost', 'sla', 'due', '--calendar', '5x8'])).toBe('sla');
    expect(commandWord(['node', 'outpost', '--help'])).toBeUndefined();
    expect(commandWord(['node', 'outpost', '-h', 'report', 'sla'])).toBe('report');
  });

  it('loads only the group of the command being run', async () => {
    expect(await names('sla', 'due')).toEqual(['sla']);
    expect(await names('check-config', '--agent', 'a.yaml')).toEqual(['check-config']);
    expect(await names('--version')).toEqual([]);
  });

  it('loads every group for help and for an unknown command (so commander can list them)', async () => {
    const all = ['agent', 'check-config', 'collector', 'incident', 'sla', 'maintenance', 'report', 'store', 'up', 'user'];
    expect(await names('--help')).toEqual(all);
    expect(await names('help')).toEqual(all);
    expect(await names('nosuch')).toEqual(all);
  });
});
