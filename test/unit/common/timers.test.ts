import { describe, expect, it } from 'vitest';
import { clampDelay, MAX_DELAY_MS, repeat, type Timers } from '../../../common/timers.js';

/** Timers that fire when the test says (no real waiting). */
function manualTimers() {
  const pending: Array<{ fn: () => void; ms: number; cleared: boolean }> = [];
  const timers: Timers = {
    setTimeout: (fn, ms) => {
      const t = { fn, ms, cleared: false };
      pending.push(t);
      return t;
    },
    clearTimeout: (t) => void ((t as { cleared: boolean }).cleared = true),
  };
  const fire = () => {
    const live = pending.filter((t) => !t.cleared);
    pending.length = 0;
    for (const t of live) t.fn();
  };
  return { timers, pending, fire };
}

describe('repeat', () => {
  it('arms the next run after this one returned; a throw is reported and the job runs again; stop cancels', () => {
    const m = manualTimers();
    let runs = 0;
    const errors: unknown[] = [];
    const job = repeat(m.timers, 1000, () => {
      runs++;
      if (runs === 2) throw new Error('boom');
    }, (e) => errors.push(e));
    expect(m.pending).toHaveLength(1);
    expect(m.pending[0]?.ms).toBe(1000);
    m.fire();
    m.fire();
    m.fire();
    expect(runs).toBe(3);
    expect(errors).toEqual([new Error('boom')]);
    expect(m.pending.filter((t) => !t.cleared)).toHaveLength(1);
    job.stop();
    expect(m.pending.filter((t) => !t.cleared)).toHaveLength(0);
    m.fire();
    expect(runs).toBe(3);
  });
});

describe('repeat with an async job', () => {
  it('arms the next run only after the promise settled (runs never overlap); a rejection is reported', async () => {
    const m = manualTimers();
    let finish: (() => void) | null = null;
    let runs = 0;
    const errors: unknown[] = [];
    const job = repeat(m.timers, 500, () => {
      runs++;
      if (runs === 2) return Promise.reject(new Error('store down'));
      return new Promise<void>((resolve) => (finish = resolve));
    }, (e) => errors.push(e));
    m.fire();
    expect(runs).toBe(1);
    expect(m.pending.filter((t) => !t.cleared)).toHaveLength(0); // still running: nothing armed
    finish!();
    await Promise.resolve();
    await Promise.resolve();
    expect(m.pending.filter((t) => !t.cleared)).toHaveLength(1);
    m.fire();
    await new Promise((r) => setImmediate(r));
    expect(errors).toEqual([new Error('store down')]);
    expect(m.pending.filter((t) => !t.cleared)).toHaveLength(1);
    job.stop();
    m.fire();
    expect(runs).toBe(2);
  });
});

describe('clampDelay', () => {
  it('is never negative and never beyond setTimeout\'s largest delay', () => {
    expect(clampDelay(5_000, 10_000)).toBe(0);
    expect(clampDelay(15_000, 10_000)).toBe(5_000);
    expect(clampDelay(Number.MAX_SAFE_INTEGER, 0)).toBe(MAX_DELAY_MS);
  });
});
