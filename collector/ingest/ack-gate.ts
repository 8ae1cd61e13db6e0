/**
 * Holds outgoing acknowledgements on a stream until the messages they acknowledge are durable.
 *
 * mqtt.js hands over one message at a time and sends its PUBACK when `handleMessage` calls back; waiting for the
 * commit there allows one message per transaction. Instead the stream is corked while any message is pending:
 * the callback runs at once (so mqtt.js hands over the next message and a whole socket read shares one
 * transaction), its PUBACK waits in the corked stream's buffer, and the stream is uncorked only when every
 * message taken since it was corked has committed. A failed commit destroys the stream, which discards the
 * buffered PUBACKs: the broker redelivers those messages to the persistent session (seq dedupe makes that safe).
 * Before the commit no PUBACK byte reaches the socket, so a crash still loses nothing acknowledged.
 *
 * Under a steady stream the count may never reach zero (a new message is always taken before the last one
 * committed): the stream would stay corked for the whole run, its buffer growing by one PUBACK per message (measured:
 * 475,000 buffered writes after 300,000 results). So the caller also stops taking messages once `takenSinceCork`
 * reaches its bound, until the stream uncorked (./external-source.ts).
 */
export interface GatedStream {
  cork(): void;
  uncork(): void;
  destroy(error?: Error): void;
}

export interface AckGate {
  /** Call before the message's acknowledgement is written; returns the token to settle it with. */
  hold(stream: GatedStream): GatedStream;
  /** The message held on `stream` committed. */
  committed(stream: GatedStream): void;
  /** The message held on `stream` did not commit: its acknowledgement (and those queued with it) must never go out. */
  failed(stream: GatedStream, error: Error): void;
  /** Messages held since the stream was last corked (their acknowledgements wait in its buffer); 0 while uncorked. */
  takenSinceCork(): number;
}

export function createAckGate(): AckGate {
  let corked: GatedStream | null = null;
  let pending = 0;
  let taken = 0;
  return {
    hold(stream) {
      // A new stream (reconnect) starts its own count; the old one is gone with whatever it buffered.
      if (corked !== stream) {
        corked = stream;
        pending = 0;
        taken = 0;
      }
      if (pending === 0) stream.cork();
      pending++;
      taken++;
      return stream;
    },
    committed(stream) {
      if (stream !== corked) return;
      pending--;
      if (pending === 0) {
        corked = null;
        taken = 0;
        stream.uncork();
      }
    },
    failed(stream, error) {
      if (stream !== corked) return;
      corked = null;
      pending = 0;
      taken = 0;
      stream.destroy(error);
    },
    takenSinceCork: () => taken,
  };
}
