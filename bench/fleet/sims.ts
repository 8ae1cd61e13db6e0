/** Parent side of sim-fleet.ts: a few processes of simulated agents, their ticks summed, commands broadcast. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import type { SimFleetOptions, SimTick } from './sim-fleet.js';

export interface FinalAgent {
  id: string;
  incarnation: string;
  lastSeq: number;
  acked: number;
}

export interface Fleet {
  pids: number[];
  /** The latest tick of every process, summed (undefined until each process reported once). */
  totals(): SimTick | undefined;
  send(cmd: 'mark' | 'quiesce'): void;
  final(): Promise<FinalAgent[]>;
  kill(): Promise<void>;
}

export function launchFleet(base: Omit<SimFleetOptions, 'first' | 'count'>, agents: number, processes: number): Fleet {
  const children: ChildProcess[] = [];
  const latest = new Map<number, SimTick>();
  const finals = new Map<number, FinalAgent[]>();
  let wakeFinal: (() => void) | null = null;
  const per = Math.ceil(agents / processes);
  for (let p = 0; p < processes; p++) {
    const first = p * per;
    const count = Math.max(0, Math.min(per, agents - first));
    if (count === 0) break;
    const child = spawn(process.execPath, [join(import.meta.dirname, 'sim-fleet.js'), JSON.stringify({ ...base, first, count } satisfies SimFleetOptions)], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const index = children.length;
    children.push(child);
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      const message = JSON.parse(line) as (SimTick & { final?: undefined }) | { final: true; agents: FinalAgent[] };
      if (message.final === true) {
        finals.set(index, message.agents);
        wakeFinal?.();
      } else latest.set(index, message);
    });
    child.once('exit', (code, signal) => {
      if (signal !== 'SIGKILL') process.stderr.write(`fleet: simulator process ${index} exited (${code ?? signal})\n`);
    });
  }
  const broadcast = (o: object): void => {
    for (const c of children) c.stdin?.write(`${JSON.stringify(o)}\n`);
  };
  return {
    pids: children.map((c) => c.pid as number),
    totals() {
      if (latest.size < children.length) return undefined;
      const sum: SimTick = { tick: true, atMs: Number.POSITIVE_INFINITY, agents: 0, connected: 0, everConnected: 0, pending: 0, produced: 0, connects: 0, drained: 0, lastDrainedAtMs: 0 };
      for (const t of latest.values()) {
        sum.atMs = Math.min(sum.atMs, t.atMs); // the oldest process's tick: all are at least this fresh
        sum.agents += t.agents;
        sum.connected += t.connected;
        sum.everConnected += t.everConnected;
        sum.pending += t.pending;
        sum.produced += t.produced;
        sum.connects += t.connects;
        sum.drained += t.drained;
        sum.lastDrainedAtMs = Math.max(sum.lastDrainedAtMs, t.lastDrainedAtMs);
      }
      return sum;
    },
    send: (cmd) => broadcast({ cmd }),
    async final() {
      finals.clear();
      broadcast({ cmd: 'final' });
      while (finals.size < children.length) await new Promise<void>((resolve) => (wakeFinal = resolve));
      return [...finals.values()].flat();
    },
    async kill() {
      await Promise.all(
        children.map((c) => {
          if (c.exitCode !== null || c.signalCode !== null) return Promise.resolve();
          const gone = new Promise<void>((resolve) => c.once('exit', () => resolve()));
          c.kill('SIGKILL');
          return gone;
        }),
      );
    },
  };
}
