/** The periodic async pass behind the SLA singleton jobs: never overlapping, restartable, stop waits for a running pass. */
import { describe, expect, it } from 'vitest';
import type { Timers } from '../../../../common/timers.js';
import { periodicPass } from '../../../../collector/sla-service/periodic.js';

function manualTimers() {
  const armed: Array<{ callback: () => void; ms: number }> = [];
  const timers: Timers = {
    setTimeout: (callback, ms) => {
      const entry = { callback, ms };
      armed.push(entry);
      return entry;
    },
    clearTimeout: (handle) => {
      const i = armed.indexOf(handle as (typeof armed)[number]);
      if (i >= 0) armed.splice(i, 1);
    },
  };
  /** Fires the one armed timer. */
  const fire = (): void => {
    const entry = armed.shift();
    if (!entry) throw new Error('no timer armed');
    entry.callback();
  };
  return { timers, armed, fire };
}

function gate() {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('periodicPass', () => {
  it('a tick while a pass runs is skipped; the next is armed when the pass ended', async () => {
    const { timers, armed, fire } = manualTimers();
    let passes = 0;
    let hold = gate();
    const job = periodicPass(timers, 1000, async () => {
      passes++;
      await hold.promise;
      return passes;
    }, () => undefined);
    job.start();
    expect(armed).toHaveLength(1);
    fire();
    expect(passes).toBe(1);
    expect(armed).toHaveLength(0);
    // Asked for while it runs: the same pass.
    const joined = job.run();
    expect(passes).toBe(1);
    hold.open();
    expect(await joined).toBe(1);
    await settle();
    expect(armed).toHaveLength(1);
    hold = gate();
    fire();
    expect(passes).toBe(2);
    hold.open();
    await settle();
    expect(armed).toHaveLength(1);
    await job.stop();
  });

  it('stop resolves once the running pass ended; start again re-arms', async () => {
    const { timers, armed, fire } = manualTimers();
    const hold = gate();
    let ended = false;
    const job = periodicPass(timers, 1000, async () => {
      await hold.promise;
      ended = true;
    }, () => undefined);
    job.start();
    fire();
    let stopped = false;
    const stopping = job.stop().then(() => (stopped = true));
    await settle();
    expect(stopped).toBe(false);
    hold.open();
    await stopping;
    expect(ended).toBe(true);
    await settle();
    expect(armed).toHaveLength(0);
    expect(job.started()).toBe(false);
    job.start();
    job.start();
    expect(armed).toHaveLength(1);
    await job.stop();
    expect(armed).toHaveLength(0);
  });

  it('a throwing pass goes to onError and the job goes on', async () => {
    const { timers, armed, fire } = manualTimers();
    const errors: unknown[] = [];
    const job = periodicPass(timers, 1000, () => Promise.reject(new Error('store unreachable')), (error) => errors.push(error));
    job.start();
    fire();
    await settle();
    expect(errors).toHaveLength(1);
    expect(armed).toHaveLength(1);
    await expect(job.run()).rejects.toThrow('store unreachable');
    await job.stop();
  });
});
