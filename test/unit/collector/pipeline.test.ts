import { Writable } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../../common/logger.js';
import type { NoticeOutcome, NoticeSettled, StateChange } from '../../../collector/events.js';
import { createPipeline } from '../../../collector/pipeline.js';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'error', destination, format: 'json' }) };
}

const change = (checkId: string): StateChange => ({ agentId: 'a1', checkId, checkType: 'tcp', target: 'web-1', from: 'ok', to: 'crit', atMs: 1, cause: 'result', reason: '' }) as StateChange;

describe('pipeline', () => {
  it('runs sinks in registration order: each change to the per-change sinks, then the batch to the batch sinks', async () => {
    const { logger } = capture();
    const p = createPipeline(logger);
    const seen: string[] = [];
    p.onStateChange('first', (c) => void seen.push(`first ${c.checkId}`));
    p.onStateChanges('incidents', (list) => void seen.push(`batch ${list.map((c) => c.checkId).join(',')}`));
    p.onStateChange('second', (c) => void seen.push(`second ${c.checkId}`));
    await p.stateChanged([change('x'), change('y')]);
    expect(seen).toEqual(['first x', 'second x', 'first y', 'second y', 'batch x,y']);
    seen.length = 0;
    await p.stateChanged([]);
    expect(seen).toEqual([]);
  });

  it('a failing sink is logged with its name and the others still run; a failing batch is retried one change at a time', async () => {
    const { logger, lines } = capture();
    const p = createPipeline(logger);
    const seen: string[] = [];
    p.onIncidentNotice('broken', () => {
      throw new Error('channel down');
    });
    p.onIncidentNotice('stream', () => void seen.push('stream'));
    await p.incidentNotice({} as never);
    expect(seen).toEqual(['stream']);
    p.onStateChanges('incidents', (list) => {
      if (list.some((c) => c.checkId === 'bad')) throw new Error('bad change');
      seen.push(...list.map((c) => c.checkId));
    });
    await p.stateChanged([change('good'), change('bad'), change('also-good')]);
    expect(seen).toEqual(['stream', 'good', 'also-good']);
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines.map((l) => [l.sink, l.msg])).toEqual([
      ['broken', 'incident notice sink failed'],
      ['incidents', 'state-change batch failed; applying the changes one by one'],
      ['incidents', 'state change not applied'],
    ]);
  });

  it("a notice's outcome: the sink that takes it answers (later); when none takes it, done once every sink ran", async () => {
    const p = createPipeline(capture().logger);
    const outcomes: NoticeOutcome[] = [];
    let answer: NoticeSettled | undefined;
    let second: NoticeSettled | undefined;
    p.onIncidentNotice('dispatcher', (_n, paging) => void (answer = paging.take()));
    p.onIncidentNotice('stream', (_n, paging) => void (second = paging.take()));
    await p.incidentNotice({} as never, (o) => void outcomes.push(o));
    // Handed on, not settled: the dispatcher answers when its channels have their outcome.
    expect(outcomes).toEqual([]);
    expect(second).toBeUndefined();
    answer?.({ final: true, channels: [{ channel: 'hook', ok: true }] });
    expect(outcomes).toEqual([{ final: true, channels: [{ channel: 'hook', ok: true }] }]);

    const bare = createPipeline(capture().logger);
    const done: NoticeOutcome[] = [];
    bare.onIncidentNotice('injected handler', () => undefined);
    await bare.incidentNotice({} as never, (o) => void done.push(o));
    expect(done).toEqual([{ final: true, channels: [] }]);
    // A sender that does not ask gets nothing to take.
    let taken: NoticeSettled | undefined = () => undefined;
    bare.onIncidentNotice('taker', (_n, paging) => void (taken = paging.take()));
    await bare.incidentNotice({} as never);
    expect(taken).toBeUndefined();
  });

  it('asynchronous sinks are awaited in order; batches never interleave; drain waits for what was handed in', async () => {
    const p = createPipeline(capture().logger);
    const seen: string[] = [];
    const gates: Array<() => void> = [];
    p.onStateChanges('incidents', async (list) => {
      seen.push(`start ${list[0]?.checkId}`);
      await new Promise<void>((resolve) => gates.push(resolve));
      seen.push(`end ${list[0]?.checkId}`);
    });
    p.onStateChanges('after', (list) => void seen.push(`after ${list[0]?.checkId}`));
    const first = p.stateChanged([change('a')]);
    const second = p.stateChanged([change('b')]);
    expect(p.pendingBatches).toBe(2);
    const drained = p.drain();
    await vi.waitFor(() => expect(gates).toHaveLength(1));
    gates[0]?.();
    await first;
    await vi.waitFor(() => expect(gates).toHaveLength(2));
    expect(seen).toEqual(['start a', 'end a', 'after a', 'start b']);
    gates[1]?.();
    await Promise.all([second, drained]);
    expect(seen).toEqual(['start a', 'end a', 'after a', 'start b', 'end b', 'after b']);
    expect(p.pendingBatches).toBe(0);
  });

  it('result sinks run at once; an asynchronous failure is logged, not thrown at the ingest', async () => {
    const { logger, lines } = capture();
    const p = createPipeline(logger);
    const seen: number[] = [];
    p.onResult('samples', async () => {
      throw new Error('disk full');
    });
    p.onResult('influx', (_m, at) => void seen.push(at));
    p.resultAccepted({} as never, 7);
    expect(seen).toEqual([7]);
    await vi.waitFor(() => expect(lines.map((l) => [l.sink, l.msg])).toEqual([['samples', 'result sink failed']]));
  });

  it('the input is the ingest once set: publishing before is refused, setting it twice is an error', async () => {
    const p = createPipeline(capture().logger);
    await expect(p.publish('t', new Uint8Array())).rejects.toThrow('pipeline input used before the ingest was started');
    const got: string[] = [];
    p.setInput(async (topic) => void got.push(topic));
    await p.publish('outpost/v1/hb/results', new Uint8Array());
    expect(got).toEqual(['outpost/v1/hb/results']);
    expect(() => p.setInput(async () => undefined)).toThrow('pipeline input already set');
  });
});
