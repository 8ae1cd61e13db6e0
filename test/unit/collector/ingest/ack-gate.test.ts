import { describe, expect, it } from 'vitest';
import { createAckGate, type GatedStream } from '../../../../collector/ingest/ack-gate.js';

/** Records what the gate did to a stream, and which acknowledgements would have reached the socket. */
function recordingStream() {
  const calls: string[] = [];
  let corks = 0;
  const queued: number[] = [];
  const sent: number[] = [];
  const stream: GatedStream & { write(ack: number): void } = {
    cork: () => void (calls.push('cork'), corks++),
    uncork: () => {
      calls.push('uncork');
      corks--;
      if (corks === 0) sent.push(...queued.splice(0));
    },
    destroy: () => void (calls.push('destroy'), queued.splice(0)),
    write: (ack) => (corks > 0 ? queued.push(ack) : sent.push(ack)),
  };
  return { stream, calls, sent };
}

describe('ack gate', () => {
  it('keeps every PUBACK of a batch in the corked stream until the last message committed', () => {
    const gate = createAckGate();
    const { stream, calls, sent } = recordingStream();
    for (const ack of [1, 2, 3]) {
      gate.hold(stream);
      stream.write(ack);
    }
    gate.committed(stream);
    gate.committed(stream);
    expect(sent).toEqual([]);
    gate.committed(stream);
    expect(sent).toEqual([1, 2, 3]);
    expect(calls).toEqual(['cork', 'uncork']);
  });

  it('a message taken while an earlier batch commits keeps the stream corked (no ack before its own commit)', () => {
    const gate = createAckGate();
    const { stream, sent } = recordingStream();
    gate.hold(stream);
    stream.write(1);
    gate.hold(stream);
    stream.write(2);
    gate.committed(stream); // message 1 durable, message 2 not yet
    expect(sent).toEqual([]);
    gate.committed(stream);
    expect(sent).toEqual([1, 2]);
    gate.hold(stream); // the next batch corks again
    stream.write(3);
    expect(sent).toEqual([1, 2]);
    gate.committed(stream);
    expect(sent).toEqual([1, 2, 3]);
  });

  it('a failed commit destroys the stream: its queued acks never go out; late settlements are ignored', () => {
    const gate = createAckGate();
    const { stream, calls, sent } = recordingStream();
    gate.hold(stream);
    stream.write(1);
    gate.hold(stream);
    stream.write(2);
    gate.failed(stream, new Error('disk I/O error'));
    gate.committed(stream);
    expect(sent).toEqual([]);
    expect(calls).toEqual(['cork', 'destroy']);
  });

  it('after a reconnect the new stream is counted on its own', () => {
    const gate = createAckGate();
    const old = recordingStream();
    const fresh = recordingStream();
    gate.hold(old.stream);
    old.stream.write(1);
    gate.hold(fresh.stream);
    fresh.stream.write(7);
    gate.committed(old.stream); // the old connection's message committed after the reconnect
    expect(fresh.sent).toEqual([]);
    gate.committed(fresh.stream);
    expect(fresh.sent).toEqual([7]);
  });

  it('counts the messages whose acknowledgements wait in the corked stream, back to 0 when it uncorks', () => {
    const gate = createAckGate();
    const { stream } = recordingStream();
    expect(gate.takenSinceCork()).toBe(0);
    gate.hold(stream);
    gate.hold(stream);
    gate.committed(stream);
    gate.hold(stream); // taken while the first batch commits: all three PUBACKs wait
    expect(gate.takenSinceCork()).toBe(3);
    gate.committed(stream);
    gate.committed(stream);
    expect(gate.takenSinceCork()).toBe(0);
    const other = recordingStream().stream;
    gate.hold(stream);
    gate.hold(other); // a reconnect starts its own count
    expect(gate.takenSinceCork()).toBe(1);
  });
});
