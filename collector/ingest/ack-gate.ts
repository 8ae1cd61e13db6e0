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
}

export function createAckGate(): AckGate {
  let corked: GatedStream | null = null;
  let pending = 0;
  return {
    hold(stream) {
      // A new stream (reconnect) starts its own count; the old one is gone with whatever it buffered.
      if (corked !== stream) {
        corked = stream;
        pending = 0;
      }
      if (pending === 0) stream.cork();
      pending++;
      return stream;
    },
    committed(stream) {
      if (stream !== corked) return;
      pending--;
      if (pending === 0) {
        corked = null;
        stream.uncork();
      }
    },
    failed(stream, error) {
      if (stream !== corked) return;
      corked = null;
      pending = 0;
      stream.destroy(error);
    },
  };
}
