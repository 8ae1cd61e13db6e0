/**
 * Subscribes to an external broker (Mosquitto, EMQX) with mqtt.js. A persistent session (clean: false, fixed
 * client id) and PUBACKs held back until the ingest committed (./ack-queue.ts; the next message is taken meanwhile,
 * so many messages share one transaction) mean unacknowledged QoS 1 messages are redelivered after a crash.
 * `shared_group` subscribes via `$share/<group>/…`. The broker must let several messages be in flight to us
 * (Mosquitto `max_inflight_messages`, default 20) or batches stay that small.
 *
 * Backpressure: at most `maxPending` messages are taken before they committed. At the limit the message's callback
 * is held back until a commit brings the count down: mqtt.js handles no further packet meanwhile, so it stops
 * consuming the socket, the kernel's receive window fills and the broker stops sending (it keeps the rest in our
 * session's queue: Mosquitto `max_queued_messages`). Memory stays bounded however far the broker is ahead. On
 * MQTT 5 the same bound is also announced as `receiveMaximum`, so the broker itself keeps at most that many
 * unacknowledged messages in flight to us.
 *
 * Retained replays: every SUBSCRIBE makes the broker send each retained message on the filter again (flag retain=1),
 * shared subscriptions included (Mosquitto 2.0) — every agent's status and inventory, twice the fleet in messages,
 * each costing store writes. When the CONNACK says our session was kept, the session already delivered or queued
 * everything newer (live deliveries carry retain=0), so replays are acknowledged without being processed; an
 * adopted session does not subscribe at all (`subscribe: false`). (MQTT 5's retain handling 1 would spare sending
 * them, but Mosquitto 2.0.11 then sends none on a new shared subscription either: measured.) After a kill -9 the
 * survivor adopting the dead collector's session (../jobs/session-adoption.ts) would otherwise spend its catch-up on
 * 2 × agents stale messages.
 */
import { readFileSync } from 'node:fs';
import mqtt, { type IClientOptions, type MqttClient, type PacketHandler } from 'mqtt';
import type { Logger } from '../../common/logger.js';
import { topics } from '../../common/protocol.js';
import { createAckQueue } from './ack-queue.js';

type Packet = Parameters<PacketHandler>[1];
type SendPacket = (packet: Packet, done?: (error?: Error) => void, ...rest: unknown[]) => void;

export interface ExternalSourceOptions {
  url: string;
  clientId: string;
  username?: string;
  password?: string;
  /** PEM file paths. */
  ca?: string;
  cert?: string;
  key?: string;
  sharedGroup?: string;
  /** 4 = MQTT 3.1.1 (works everywhere), 5 = MQTT 5. */
  protocolVersion: 4 | 5;
  logger: Logger;
  /** Messages taken but not yet committed before reading stops (default 4000). */
  maxPending?: number;
  onMessage(topic: string, payload: Uint8Array): Promise<void>;
  /** The collector's own connection to the broker came up (true) or went down (false). */
  onConnectionChange?(connected: boolean): void;
  /**
   * false: one connection only, never re-established (an adopted session, ../jobs/session-adoption.ts: when its owner
   * comes back the broker hands it the session and disconnects us; we must not take it back). Default true.
   */
  reconnect?: boolean;
  /**
   * false: never SUBSCRIBE (an adopted session: the subscription is its owner's, kept with the session; subscribing
   * again would only make the broker replay every retained message). Default true.
   */
  subscribe?: boolean;
  /**
   * With `reconnect: false`: the connection ended other than by `stop()`; `why` for the log; `wasConnected` false when
   * it never came up (refused login, broker unreachable).
   */
  onClosed?(why: string, wasConnected: boolean): void;
}

export interface ExternalSource {
  connected(): boolean;
  /** Messages taken and not yet committed (at most `maxPending`). */
  pending(): number;
  /** Messages taken on this connection whose PUBACK has not gone out yet (at most `maxPending`). */
  unackedWaiting(): number;
  stop(): Promise<void>;
}

export const DEFAULT_MAX_PENDING = 4000;

export function subscriptionFilter(sharedGroup: string | undefined): string {
  return sharedGroup ? `$share/${sharedGroup}/${topics.all}` : topics.all;
}

/**
 * PUBACK packets for these ids, back to back: fixed header 0x40, remaining length 2, the packet id. Valid on MQTT
 * 3.1.1 and 5 (on 5, reason code 0 and no properties may be omitted: MQTT 5.0 §3.4.2.1).
 */
export function pubackBytes(ids: readonly number[]): Buffer {
  const out = Buffer.allocUnsafe(4 * ids.length);
  ids.forEach((id, i) => {
    out[4 * i] = 0x40;
    out[4 * i + 1] = 2;
    out.writeUInt16BE(id, 4 * i + 2);
  });
  return out;
}

export async function startExternalSource(opts: ExternalSourceOptions): Promise<ExternalSource> {
  const log = opts.logger;
  const maxPending = Math.max(1, opts.maxPending ?? DEFAULT_MAX_PENDING);
  const options: IClientOptions = {
    clientId: opts.clientId,
    clean: false,
    protocolVersion: opts.protocolVersion,
    reconnectPeriod: opts.reconnect === false ? 0 : 1000,
    connectTimeout: 10_000,
    username: opts.username,
    password: opts.password,
    ca: opts.ca ? readFileSync(opts.ca) : undefined,
    cert: opts.cert ? readFileSync(opts.cert) : undefined,
    key: opts.key ? readFileSync(opts.key) : undefined,
    ...(opts.protocolVersion === 5 ? { properties: { sessionExpiryInterval: 0xffffffff, receiveMaximum: Math.min(maxPending, 65_535) } } : {}),
  };
  const client: MqttClient = mqtt.connect(opts.url, options);
  // PUBACKs go out after their commit, in arrival order, several in one write (./ack-queue.ts). mqtt.js sends them
  // through _sendPacket (private in its types, stable across 5.x: mqtt is pinned), which is where they are taken over.
  const acks = createAckQueue((ids) => {
    if (!client.connected) return;
    client.stream.write(pubackBytes(ids));
  });
  const internals = client as unknown as { _sendPacket: SendPacket };
  const sendPacket = internals._sendPacket.bind(client);
  internals._sendPacket = (packet, done, ...rest) => {
    if (packet.cmd === 'puback' && typeof packet.messageId === 'number' && acks.ackReady(packet.messageId)) {
      done?.();
      return;
    }
    sendPacket(packet, done, ...rest);
  };
  let pending = 0;
  /** The current connection's CONNACK said the broker kept our session (see "Retained replays" above). */
  let sessionPresent = false;
  let replaysSkipped = 0;
  /** Bumped when a connection closes: settlements of an older connection's messages no longer touch the queue. */
  let connection = 0;
  // The callback of the message that reached the limit: mqtt.js reads nothing more until it runs.
  // Dropped with its connection (never run later: a stale PUBACK must not reach the next connection).
  let held: { connection: number; resume: () => void } | null = null;
  const settled = () => {
    pending--;
    if (held && pending < maxPending) {
      const { resume } = held;
      held = null;
      resume();
    }
  };
  client.handleMessage = (packet, callback) => {
    if (packet.retain && sessionPresent) {
      // Its PUBACK goes out in order with the others' (an id never taken is sent by mqtt.js at once).
      if (packet.qos === 1 && typeof packet.messageId === 'number') {
        acks.taken(packet.messageId);
        acks.committed(packet.messageId);
      }
      if (replaysSkipped++ === 0) log.info({ client_id: opts.clientId }, 'session kept by the broker: skipping the retained messages it replays on re-subscribe');
      callback();
      return;
    }
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    const taken = connection;
    const messageId = packet.qos === 1 && typeof packet.messageId === 'number' ? packet.messageId : null;
    if (messageId !== null) acks.taken(messageId);
    pending++;
    opts.onMessage(packet.topic, payload).then(
      () => {
        if (messageId !== null && taken === connection) acks.committed(messageId);
        settled();
      },
      (error: unknown) => {
        log.warn({ err: error instanceof Error ? error.message : String(error) }, 'ingest failed: dropping the connection so the broker redelivers');
        if (taken === connection) {
          // No PUBACK of this connection may go out any more: the broker redelivers (seq dedupe makes that safe).
          acks.clear();
          if (held?.connection === taken) held = null;
          client.stream.destroy(error instanceof Error ? error : new Error(String(error)));
        }
        settled();
      },
    );
    if (pending >= maxPending) held = { connection: taken, resume: () => callback() };
    else callback();
  };
  const filter = subscriptionFilter(opts.sharedGroup);
  let wasConnected = false;
  client.on('connect', (connack) => {
    wasConnected = true;
    sessionPresent = connack.sessionPresent;
    replaysSkipped = 0;
    opts.onConnectionChange?.(true);
    log.info({ url: opts.url, client_id: opts.clientId, filter, session_present: connack.sessionPresent }, 'connected to external MQTT broker');
    if (opts.subscribe === false) {
      if (!connack.sessionPresent) log.warn({ client_id: opts.clientId }, 'the broker did not keep this session: nothing queued in it to drain');
      return;
    }
    // Re-subscribing covers a broker that lost the session (the retained replay it causes is skipped, above).
    client.subscribe(filter, { qos: 1 }, (error) => {
      if (error) log.error({ err: error.message, filter }, 'subscribe failed');
    });
  });
  let stopping = false;
  let closedWhy = 'connection closed';
  client.on('error', (error) => {
    closedWhy = error.message;
    log.warn({ err: error.message }, 'MQTT client error');
  });
  // MQTT 5: a broker may say why it disconnects us (0x8E: another client took the session over); Mosquitto 2.0
  // just closes the connection.
  client.on('disconnect', (packet) => {
    const code = packet.reasonCode ?? 0;
    closedWhy = code === 0x8e ? 'session taken over (0x8E)' : `disconnected by the broker (reason 0x${code.toString(16)})`;
    log.info({ reason_code: code }, closedWhy);
  });
  let closedOnce = false;
  client.on('close', () => {
    connection++;
    acks.clear();
    held = null;
    opts.onConnectionChange?.(false);
    if (opts.reconnect === false && !stopping && !closedOnce) {
      closedOnce = true;
      opts.onClosed?.(closedWhy, wasConnected);
    }
  });
  client.on('offline', () => {
    if (opts.reconnect !== false) log.warn({ url: opts.url }, 'external MQTT broker unreachable; reconnecting');
  });
  return {
    connected: () => client.connected,
    pending: () => pending,
    unackedWaiting: () => acks.size(),
    stop: () => {
      stopping = true;
      return new Promise<void>((resolve) => client.end(false, {}, () => resolve()));
    },
  };
}
