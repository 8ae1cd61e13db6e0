import { describe, expect, it } from 'vitest';
import { createAckQueue } from '../../../../collector/ingest/ack-queue.js';
import { pubackBytes } from '../../../../collector/ingest/external-source.js';

/** The PUBACKs that reached the socket, in order. */
function harness() {
  const sent: number[] = [];
  const writes: number[][] = [];
  const queue = createAckQueue((ids) => {
    writes.push(ids);
    sent.push(...ids);
  });
  const ready = (id: number) => queue.ackReady(id);
  return { queue, sent, ready, writes };
}

describe('ack queue', () => {
  it('a PUBACK goes out only after its message committed', () => {
    const { queue, sent, ready } = harness();
    queue.taken(1);
    expect(ready(1)).toBe(true);
    expect(sent).toEqual([]);
    queue.committed(1);
    expect(sent).toEqual([1]);
    expect(queue.size()).toBe(0);
  });

  it('in arrival order: a later message committed first waits for the earlier one; released together in one write', () => {
    const { queue, sent, ready, writes } = harness();
    for (const id of [7, 8, 9]) {
      queue.taken(id);
      ready(id);
    }
    queue.committed(9);
    queue.committed(8);
    expect(sent).toEqual([]);
    queue.committed(7);
    expect(sent).toEqual([7, 8, 9]);
    expect(writes).toEqual([[7, 8, 9]]);
  });

  it('a steady stream: each batch is acknowledged at its commit while the next one is still being taken', () => {
    const { queue, sent, ready } = harness();
    const take = (id: number) => {
      queue.taken(id);
      ready(id);
    };
    [1, 2].forEach(take);
    [3, 4].forEach(take); // the next batch arrives before the first commits
    queue.committed(1);
    queue.committed(2);
    expect(sent).toEqual([1, 2]);
    expect(queue.size()).toBe(2);
    queue.taken(5);
    queue.committed(3);
    queue.committed(4);
    expect(sent).toEqual([1, 2, 3, 4]);
  });

  it('a committed message whose PUBACK mqtt.js has not handed over yet holds back the later ones until it does', () => {
    const { queue, sent, ready } = harness();
    queue.taken(1);
    queue.taken(2);
    ready(2);
    queue.committed(1);
    queue.committed(2);
    expect(sent).toEqual([]);
    ready(1);
    expect(sent).toEqual([1, 2]);
  });

  it('not ours (QoS 0, another connection) → false, sent at once by the caller; clear() drops every waiting PUBACK', () => {
    const { queue, sent, ready } = harness();
    expect(ready(42)).toBe(false);
    queue.taken(1);
    ready(1);
    queue.clear();
    queue.committed(1);
    expect(sent).toEqual([]);
    expect(queue.size()).toBe(0);
  });

  it('a packet id reused after its PUBACK went out is a new message', () => {
    const { queue, sent, ready } = harness();
    queue.taken(1);
    ready(1);
    queue.committed(1);
    queue.taken(1);
    ready(1);
    expect(sent).toEqual([1]);
    queue.committed(1);
    expect(sent).toEqual([1, 1]);
  });

  it('stays compact over a long run', () => {
    const { queue, sent, ready } = harness();
    for (let id = 0; id < 10_000; id++) {
      queue.taken(id % 65_535);
      ready(id % 65_535);
      queue.committed(id % 65_535);
    }
    expect(sent).toHaveLength(10_000);
    expect(queue.size()).toBe(0);
  });

  it('PUBACK bytes: 0x40, remaining length 2, the packet id big-endian, back to back', () => {
    expect([...pubackBytes([1, 0x1234, 65_535])]).toEqual([0x40, 2, 0, 1, 0x40, 2, 0x12, 0x34, 0x40, 2, 0xff, 0xff]);
  });

  it('a packet id used again (after its PUBACK, or twice outstanding) is matched to its entries in arrival order', () => {
    const { queue, sent, ready } = harness();
    queue.taken(1);
    ready(1);
    queue.committed(1);
    queue.taken(1); // the broker reuses the id once it was acknowledged
    ready(1);
    expect(sent).toEqual([1]);
    queue.committed(1);
    expect(sent).toEqual([1, 1]);
    queue.taken(3);
    queue.taken(3);
    ready(3);
    ready(3);
    queue.committed(3);
    expect(sent).toEqual([1, 1, 3]);
    expect(queue.size()).toBe(1);
    queue.committed(3);
    expect(sent).toEqual([1, 1, 3, 3]);
    expect(ready(3)).toBe(false);
  });
});
