/** What every phase of the fleet benchmark shares: the report, number formats, waiting on the fleet, CPU/RSS windows. */
import { loadavg } from 'node:os';
import { watchProcess, type ProcWindow } from '../collector-ingest/proc-stats.js';
import type { Fleet } from './sims.js';

export interface Report {
  /** A line of the final report (also shown as it happens). */
  say(line: string): void;
  /** Progress only (stderr). */
  note(line: string): void;
  lines(): string[];
}

export function createReport(): Report {
  const out: string[] = [];
  return {
    say(line) {
      out.push(line);
      process.stderr.write(`${line}\n`);
    },
    note: (line) => void process.stderr.write(`  … ${line}\n`),
    lines: () => out,
  };
}

export const load = (): string => loadavg().map((l) => l.toFixed(1)).join(' / ');
export const pct = (w: ProcWindow, seconds: number): string => `${((w.cpuSeconds / seconds) * 100).toFixed(0)} %`;
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
export const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

export type FleetTotals = NonNullable<ReturnType<Fleet['totals']>>;

/** Polls the fleet's summed ticks until `done` holds (fresh ticks only, newer than `afterMs`). */
export async function until(report: Report, fleet: Fleet, what: string, timeoutS: number, afterMs: number, done: (t: FleetTotals) => boolean): Promise<number> {
  const deadline = Date.now() + timeoutS * 1000;
  let lastNote = 0;
  for (;;) {
    const t = fleet.totals();
    if (t && t.atMs > afterMs && done(t)) return t.atMs;
    if (Date.now() - lastNote > 10_000 && t) {
      lastNote = Date.now();
      report.note(`${what}: ${fmt(t.connected)} connected, ${fmt(t.drained)} drained, ${fmt(t.pending)} results pending (load ${load()})`);
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutS} s waiting for ${what}`);
    await sleep(200);
  }
}

/** CPU and RSS of several processes over one window, summed. */
export function watchAll(pids: number[]): () => ProcWindow {
  const ws = pids.map((p) => watchProcess(p));
  return () => {
    const all = ws.map((w) => w.stop());
    return { cpuSeconds: all.reduce((s, w) => s + w.cpuSeconds, 0), rssMaxBytes: all.reduce((s, w) => s + w.rssMaxBytes, 0), rssEndBytes: all.reduce((s, w) => s + w.rssEndBytes, 0) };
  };
}
