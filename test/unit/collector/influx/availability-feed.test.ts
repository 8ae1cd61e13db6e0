import { describe, expect, it } from 'vitest';
import { createAvailabilityFeed } from '../../../../collector/influx/availability-feed.js';
import type { Point } from '../../../../collector/influx/line-protocol.js';
import { createSlaSetup } from '../../../../collector/sla/setup.js';
import { slaConfigSchema } from '../../../../collector/sla/config.js';
import type { StateInterval } from '../../../../collector/store/intervals-store.js';

const MIN = 60_000;
const T0 = Date.UTC(2025, 0, 1);
const row = (startMin: number, endMin: number | null, state: StateInterval['state']): StateInterval => ({
  id: 0, agentId: 'a', checkId: 'c', checkType: 'tcp', target: 'web', state, startMs: T0 + startMin * MIN, endMs: endMin === null ? null : T0 + endMin * MIN, reason: '', cause: 'result',
});

const sla = createSlaSetup(slaConfigSchema.parse({}));

function setup(rows: StateInterval[]) {
  const written: Point[] = [];
  const feed = createAvailabilityFeed({
    setup: () => sla,
    targets: () => ['web'],
    timeline: (_t, from, to) => ({ intervals: rows.filter((r) => r.startMs < to && (r.endMs ?? Infinity) > from), maintenance: [] }),
    groupsOf: () => [],
    write: (p) => written.push(...p),
    closeDelayMs: 5000,
    backfillMs: 10 * MIN,
    maxRewriteMs: 60 * MIN,
  });
  return { feed, written, minutes: () => written.map((p) => (p.timeMs - T0) / MIN) };
}

describe('availability feed', () => {
  it('first tick backfills; closed minutes are written once; a minute closes close_delay after its end', () => {
    const { feed, minutes, written } = setup([row(0, null, 'ok')]);
    feed.tick(T0 + 20 * MIN + 4000);
    expect(minutes()).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18]); // minute 19 closes at 20:05
    written.length = 0;
    feed.tick(T0 + 20 * MIN + 6000);
    expect(minutes()).toEqual([19]);
    written.length = 0;
    feed.tick(T0 + 20 * MIN + 30_000);
    expect(minutes()).toEqual([]);
  });

  it('late data rewrites the affected minutes on the next tick, bounded by max_rewrite', () => {
    const rows = [row(0, null, 'ok')];
    const { feed, written, minutes } = setup(rows);
    feed.tick(T0 + 30 * MIN + 6000);
    written.length = 0;
    rows.splice(0, 1, row(0, 25, 'ok'), row(25, 27, 'crit'), row(27, null, 'ok'));
    feed.markDirty('web', T0 + 25 * MIN + 30_000);
    feed.tick(T0 + 30 * MIN + 7000);
    expect(minutes()).toEqual([25, 26, 27, 28, 29]);
    expect(written.filter((p) => p.fields.down_s?.value === 60).map((p) => (p.timeMs - T0) / MIN)).toEqual([25, 26]);
    written.length = 0;
    feed.markDirty('web', T0 - 600 * MIN); // older than max_rewrite: only the last hour is rewritten
    feed.tick(T0 + 30 * MIN + 8000);
    expect(minutes()[0]).toBe(-30);
  });

  it('points carry target, contract, calendar and the target percent', () => {
    const { feed, written } = setup([row(0, null, 'ok')]);
    feed.tick(T0 + 2 * MIN);
    expect(written[0]).toMatchObject({ measurement: 'outpost_availability', tags: { target: 'web', contract: 'none', calendar: '24x7' } });
    expect(written[0]?.fields.target_percent).toEqual({ kind: 'float', value: 99.9 });
  });
});
