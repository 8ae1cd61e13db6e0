/** State changes beyond 50 a second are summarised in one line per second; none is dropped from the count. */
import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { createStateChangeLog } from '../../../collector/state-change-log.js';
import type { StateChange } from '../../../collector/events.js';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, lines };
}

const change = (i: number, to: StateChange['to'] = 'ok'): StateChange => ({ agentId: `a${i}`, target: `a${i}`, checkId: 'port', checkType: 'tcp', from: null, to, atMs: 1000, reason: '', cause: 'result' });

describe('state change log', () => {
  it('logs the first 50 of a second one by one and the rest as one summary', () => {
    const { logger, lines } = capture();
    let nowMs = 10_000;
    const log = createStateChangeLog(logger, { now: () => nowMs });
    for (let i = 0; i < 1000; i++) log.record(change(i, i % 2 === 0 ? 'ok' : 'crit'));
    expect(lines.filter((l) => l.msg === 'state change')).toHaveLength(50);
    nowMs += 1000;
    log.record(change(1000));
    const summary = lines.find((l) => typeof l.state_changes === 'number');
    expect(summary).toMatchObject({ state_changes: 950, by_state_and_cause: { 'ok/result': 475, 'crit/result': 475 } });
    expect(summary?.msg).toBe('950 more state changes in one second (not logged one by one)');
    expect(lines.at(-1)).toMatchObject({ msg: 'state change', agent_id: 'a1000' });
  });

  it('writes a pending summary on flush (shutdown) and nothing when there is none', () => {
    const { logger, lines } = capture();
    const log = createStateChangeLog(logger, { perSecond: 1, now: () => 5000 });
    log.flush();
    expect(lines).toEqual([]);
    log.record(change(1));
    log.record(change(2));
    log.flush();
    expect(lines.map((l) => l.state_changes ?? l.msg)).toEqual(['state change', 1]);
  });
});
