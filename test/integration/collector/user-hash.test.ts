/** `outpost user hash`: the password from a pipe (a trailing newline is not part of it) → one scrypt line. */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runProgram } from '../../../bin/program.js';
import type { CliIo } from '../../../common/cli.js';
import { verifyPassword } from '../../../collector/api/passwords.js';

async function hash(input: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const stdin = new PassThrough();
  stdin.end(input);
  const io: CliIo = { env: {}, stdout, stderr, stdin, cwd: process.cwd(), onShutdownSignal: () => {} };
  const code = await runProgram(io, ['node', 'outpost', 'user', 'hash']);
  await new Promise((r) => setImmediate(r));
  return { code, stdout: out, stderr: err };
}

describe('outpost user hash', () => {
  it('prints one line that verifies the piped password without its newline', async () => {
    const { code, stdout } = await hash('s3cret-pass\n');
    expect(code).toBe(0);
    const lines = stdout.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(await verifyPassword(lines[0]!, 's3cret-pass')).toBe(true);
    expect(await verifyPassword(lines[0]!, 's3cret-pass\n')).toBe(false);
    const crlf = await hash('s3cret-pass\r\n');
    expect(await verifyPassword(crlf.stdout.trim(), 's3cret-pass')).toBe(true);
  });

  it('refuses a short password with a one-line reason and prints nothing', async () => {
    const { code, stdout, stderr } = await hash('short\n');
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe('outpost: password too short: at least 8 characters\n');
  });
});
