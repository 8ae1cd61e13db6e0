/** Runs `outpost …` in-process through the real program (bin/program.ts) with captured stdout/stderr. */
import { PassThrough } from 'node:stream';
import { runProgram } from '../../bin/program.js';
import type { CliIo } from '../../common/cli.js';

function sink() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { stream, text: () => text };
}

export async function runOutpost(args: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = sink();
  const err = sink();
  const io: CliIo = { env, stdout: out.stream, stderr: err.stream, cwd: process.cwd(), onShutdownSignal: () => {} };
  const code = await runProgram(io, ['node', 'outpost', ...args]);
  await new Promise((resolve) => setImmediate(resolve)); // let the sinks drain
  return { code, stdout: out.text(), stderr: err.text() };
}
