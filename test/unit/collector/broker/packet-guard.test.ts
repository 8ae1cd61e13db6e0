/** The MQTT framing scanner refuses a packet by its announced length, whatever the chunking. */
import { describe, expect, it } from 'vitest';
import { connectClientId, createFrameScanner } from '../../../../collector/broker/packet-guard.js';
import { varint } from '../../../helpers/mqtt-packet.js';

const packet = (type: number, bodyBytes: number) => Buffer.from([type << 4, ...varint(bodyBytes), ...new Array<number>(bodyBytes).fill(7)]);

describe('frame scanner', () => {
  it('passes packets up to the limit, split at any byte', () => {
    const stream = Buffer.concat([packet(1, 20), packet(3, 1000), packet(3, 0), packet(12, 0), packet(3, 300)]);
    for (const step of [1, 2, 3, 7, 64, stream.length]) {
      const scan = createFrameScanner(1000);
      for (let i = 0; i < stream.length; i += step) expect(scan(stream.subarray(i, i + step))).toBeNull();
    }
  });

  it('reports the first packet above the limit from its header alone', () => {
    const scan = createFrameScanner(1000);
    expect(scan(packet(3, 10))).toBeNull();
    // Only the fixed header of a 100 MB publish: refused before any of its body arrives.
    expect(scan(Buffer.from([0x32, ...varint(100 * 1024 * 1024)]))).toEqual({ type: 3, bytes: 100 * 1024 * 1024 });
  });

  it('reads a length split across chunks', () => {
    const scan = createFrameScanner(200_000);
    const header = Buffer.from([0x30, ...varint(300_000)]);
    expect(scan(header.subarray(0, 2))).toBeNull();
    expect(scan(header.subarray(2))).toEqual({ type: 3, bytes: 300_000 });
  });
});

describe('connectClientId', () => {
  it('reads the client id of a CONNECT at the start of the stream, or null', () => {
    const id = Buffer.from('web-1:probe');
    const body = Buffer.concat([Buffer.from([0, 4]), Buffer.from('MQTT'), Buffer.from([4, 0xc2, 0, 60, 0, id.length]), id, Buffer.from([0, 1, 0x61])]);
    const connect = Buffer.concat([Buffer.from([0x10, body.length]), body]);
    expect(connectClientId(connect)).toBe('web-1:probe');
    expect(connectClientId(connect.subarray(0, 14))).toBeNull();
    expect(connectClientId(packet(3, 10))).toBeNull();
  });
});
