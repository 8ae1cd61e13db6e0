import { describe, expect, it } from 'vitest';
import { createAvailabilityFeed } from '../../../../collector/influx/availability-feed.js';
import type { Point } from '../../../../collector/influx/line-protocol.js';
import { createSlaSetup } from '../../../../collector/sla/setup.js';
import { slaConfigSchema } from '../../../../collector/sla/config.js';
import type { StateInterval } from '../../../../collector/sla/availability.js';

const MIN = 60_000;
const T0 = Date.UTC(2025, 0, 1);
const row = (startMin: number, endMin: number | null, state: StateInterval['state']): StateInterval => ({
  state, startMs: T0 + startMin * MIN, endMs: endMin === null ? null : T0 + endMin * MIN,
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

describe('availability feed', async () => {
  it('first tick backfills; closed minutes are written once; a minute closes close_delay after its end', async () => {
    const { feed, minutes, written } = setup([row(0, null, 'ok')]);
    await feed.tick(T0 + 20 * MIN + 4000);
    expect(minutes()).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18]); // minute 19 closes at 20:05
    written.length = 0;
    await feed.tick(T0 + 20 * MIN + 6000);
    expect(minutes()).toEqual([19]);
    written.length = 0;
    await feed.tick(T0 + 20 * MIN + 30_000);
    expect(minutes()).toEqual([]);
  });

  it('late data rewrites the affected minutes on the next tick, bounded by max_rewrite', async () => {
    const rows = [row(0, null, 'ok')];
    const { feed, written, minutes } = setup(rows);
    await feed.tick(T0 + 30 * MIN + 6000);
    written.length = 0;
    rows.splice(0, 1, row(0, 25, 'ok'), row(25, 27, 'crit'), row(27, null, 'ok'));
    feed.markDirty('web', T0 + 25 * MIN + 30_000);
    await feed.tick(T0 + 30 * MIN + 7000);
    expect(minutes()).toEqual([25, 26, 27, 28, 29]);
    expect(written.filter((p) => p.fields.down_s?.value === 60).map((p) => (p.timeMs - T0) / MIN)).toEqual([25, 26]);
    written.length = 0;
    feed.markDirty('web', T0 - 600 * MIN); // older than max_rewrite: only the last hour is rewritten
    await feed.tick(T0 + 30 * MIN + 8000);
    expect(minutes()[0]).toBe(-30);
  });

  it('points carry target, contract, calendar and the target percent', async () => {
    const { feed, written } = setup([row(0, null, 'ok')]);
    await feed.tick(T0 + 2 * MIN);
    expect(written[0]).toMatchObject({ measurement: 'outpost_availability', tags: { target: 'web', contract: 'none', calendar: '24x7' } });
    expect(written[0]?.fields.target_percent).toEqual({ kind: 'float', value: 99.9 });
  });

  it('data marked late while a tick reads the timeline is rewritten by the next tick', async () => {
    const rows = [row(0, null, 'ok')];
    const written: Point[] = [];
    let during: (() => void) | null = null;
    const feed = createAvailabilityFeed({
      setup: () => sla,
      targets: async () => ['web'],
      timeline: async (_t, from, to) => {
        const answer = { intervals: rows.filter((r) => r.startMs < to && (r.endMs ?? Infinity) > from), maintenance: [] };
        during?.();
        during = null;
        return answer;
      },
      groupsOf: () => [],
      write: (p) => written.push(...p),
      closeDelayMs: 5000,
      backfillMs: 10 * MIN,
      maxRewriteMs: 60 * MIN,
    });
    await feed.tick(T0 + 20 * MIN + 6000);
    // A state change for minute 22 commits after the next tick read the timeline that closes minutes 20–22.
    during = () => {
      rows.splice(0, 1, row(0, 22, 'ok'), row(22, null, 'crit'));
      feed.markDirty('web', T0 + 22 * MIN);
    };
    written.length = 0;
    await feed.tick(T0 + 23 * MIN + 6000);
    expect(written.map((p) => (p.timeMs - T0) / MIN)).toEqual([20, 21, 22]);
    expect(written[2]?.fields.down_s?.value).toBe(0); // read before the change
    written.length = 0;
    await feed.tick(T0 + 23 * MIN + 7000);
    expect(written.map((p) => (p.timeMs - T0) / MIN)).toEqual([22]);
    expect(written[0]?.fields.down_s?.value).toBe(60);
  });

  it('a tick that fails writes the same minutes and rewrites the same marks next time', async () => {
    const rows = [row(0, null, 'ok')];
    let fail = false;
    const written: Point[] = [];
    const feed = createAvailabilityFeed({
      setup: () => sla,
      targets: () => ['web'],
      timeline: async (_t, from, to) => {
        if (fail) throw new Error('store unavailable');
        return { intervals: rows.filter((r) => r.startMs < to && (r.endMs ?? Infinity) > from), maintenance: [] };
      },
      groupsOf: () => [],
      write: (p) => written.push(...p),
      closeDelayMs: 5000,
      backfillMs: 10 * MIN,
      maxRewriteMs: 60 * MIN,
    });
    await feed.tick(T0 + 20 * MIN + 6000);
    feed.markDirty('web', T0 + 15 * MIN);
    fail = true;
    await expect(feed.tick(T0 + 22 * MIN + 6000)).rejects.toThrow('store unavailable');
    expect(feed.closedUntil()).toBe(T0 + 20 * MIN);
    fail = false;
    written.length = 0;
    await feed.tick(T0 + 22 * MIN + 7000);
    expect(written.map((p) => (p.timeMs - T0) / MIN)).toEqual([15, 16, 17, 18, 19, 20, 21]);
  });
});
