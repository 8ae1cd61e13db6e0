/** Parent side of sim-agents.ts: spawn, wait until every client is connected, start, collect the report. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import type { SimAgentsOptions, SimAgentsReport } from './sim-agents.js';

export interface SimAgents {
  pid: number;
  /** Sends the start signal; resolves with the report once every result was acknowledged. */
  run(): Promise<SimAgentsReport>;
  kill(): void;
}

export async function launchSimAgents(opts: SimAgentsOptions): Promise<SimAgents> {
  const child: ChildProcess = spawn(process.execPath, [join(import.meta.dirname, 'sim-agents.js'), JSON.stringify(opts)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const messages: Array<Record<string, unknown>> = [];
  let wake: (() => void) | null = null;
  lines.on('line', (line) => {
    messages.push(JSON.parse(line) as Record<string, unknown>);
    wake?.();
  });
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`sim-agents exited (${code})`))));
  exited.catch(() => undefined);
  const next = async (key: string): Promise<Record<string, unknown>> => {
    for (;;) {
      const found = messages.find((m) => m[key] === true);
      if (found) return found;
      await Promise.race([new Promise<void>((resolve) => (wake = resolve)), exited]);
    }
  };
  await next('ready');
  return {
    pid: child.pid as number,
    async run() {
      child.stdin?.write('go\n');
      return (await next('done')) as unknown as SimAgentsReport;
    },
    kill: () => void child.kill('SIGKILL'),
  };
}
