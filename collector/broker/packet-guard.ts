/**
 * Refuses an MQTT packet larger than the ingest limit before any of it is buffered. aedes' parser (mqtt-packet)
 * has no size limit and keeps a whole packet in memory (twice, while it is assembled), so the socket is wrapped in
 * a stream that follows the MQTT framing (fixed header, remaining length, body) and destroys the connection as
 * soon as a fixed header announces a packet above the limit. Bodies pass through untouched.
 */
import { Duplex } from 'node:stream';
import type { Socket } from 'node:net';

export interface OversizedPacket {
  /** MQTT control packet type (3 = PUBLISH). */
  type: number;
  /** Announced remaining length in bytes. */
  bytes: number;
}

/** Pure framing scanner: feed it every chunk in order; it returns the first oversized packet announced, if any. */
export function createFrameScanner(maxPacketBytes: number) {
  let skip = 0; // body bytes still to pass of the current packet
  let header = -1; // the fixed header byte while the remaining length is being read
  let length = 0;
  let shift = 0;
  return (chunk: Uint8Array): OversizedPacket | null => {
    let i = 0;
    while (i < chunk.length) {
      if (skip > 0) {
        const n = Math.min(skip, chunk.length - i);
        skip -= n;
        i += n;
        continue;
      }
      const byte = chunk[i++] as number;
      if (header < 0) {
        header = byte;
        length = 0;
        shift = 0;
        continue;
      }
      length += (byte & 0x7f) * 2 ** shift;
      shift += 7;
      if (byte & 0x80 && shift < 28) continue;
      const type = header >> 4;
      header = -1;
      if (length > maxPacketBytes) return { type, bytes: length };
      skip = length;
    }
    return null;
  };
}

/** The client id of the MQTT CONNECT packet at the start of `head`, if it is all there. */
export function connectClientId(head: Uint8Array): string | null {
  const buf = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  if (buf.length < 2 || (buf[0] as number) >> 4 !== 1) return null;
  let i = 1;
  while (i < buf.length && (buf[i] as number) & 0x80) i++;
  i++; // last remaining-length byte
  if (i + 2 > buf.length) return null;
  i += 2 + buf.readUInt16BE(i); // protocol name
  i += 4; // level, flags, keepalive
  if (i + 2 > buf.length) return null;
  const length = buf.readUInt16BE(i);
  if (i + 2 + length > buf.length) return null;
  return buf.toString('utf8', i + 2, i + 2 + length);
}

/** Bytes of a connection's start kept to name the client in a refusal (a CONNECT fits easily). */
const HEAD_BYTES = 1024;

/**
 * The socket as the duplex aedes reads: an oversized packet destroys the connection and is reported once, with the
 * client id of the connection's CONNECT packet (aedes may not have processed it yet).
 */
export function guardConnection(socket: Socket, maxPacketBytes: number, onOversized: (packet: OversizedPacket, clientId: string | null) => void): Duplex {
  const scan = createFrameScanner(maxPacketBytes);
  let head = Buffer.alloc(0);
  const conn: Duplex = new Duplex({
    read() {
      socket.resume();
    },
    write(chunk: Buffer, _encoding, callback) {
      if (socket.destroyed) return callback();
      if (socket.write(chunk)) callback();
      else socket.once('drain', () => callback());
    },
    final(callback) {
      socket.end(() => callback());
    },
    destroy(error, callback) {
      socket.destroy();
      callback(error);
    },
  });
  socket.on('data', (chunk: Buffer) => {
    if (head.length < HEAD_BYTES) head = Buffer.concat([head, chunk.subarray(0, HEAD_BYTES - head.length)]);
    const oversized = scan(chunk);
    if (oversized) {
      socket.pause();
      onOversized(oversized, connectClientId(head));
      conn.destroy();
      return;
    }
    if (!conn.push(chunk)) socket.pause();
  });
  socket.on('end', () => conn.push(null));
  socket.on('error', (error) => conn.destroy(error));
  socket.on('close', () => {
    if (!conn.destroyed) conn.destroy();
  });
  socket.setNoDelay(true);
  return conn;
}
