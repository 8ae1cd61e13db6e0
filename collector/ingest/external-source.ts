/**
 * Subscribes to an external broker (Mosquitto, EMQX) with mqtt.js. A persistent session (clean: false, fixed
 * client id) and PUBACKs held back until the ingest committed (./ack-gate.ts: the socket stays corked, so a
 * whole socket read shares one transaction) mean unacknowledged QoS 1 messages are redelivered after a crash.
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
 * Acknowledgements are bounded too: after `maxUnacked` messages taken since the socket was corked, taking stops
 * until they all committed and their PUBACKs went out (./ack-gate.ts: otherwise a steady stream keeps the socket
 * corked for good and every PUBACK of the run waits in memory).
 */
import { readFileSync } from 'node:fs';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from '../../common/logger.js';
import { topics } from '../../common/protocol.js';
import { createAckGate } from './ack-gate.js';

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
  /** Messages whose PUBACKs may wait in the corked socket before taking stops until they went out (default maxPending / 2). */
  maxUnacked?: number;
  onMessage(topic: string, payload: Uint8Array): Promise<void>;
  /** The collector's own connection to the broker came up (true) or went down (false). */
  onConnectionChange?(connected: boolean): void;
}

export interface ExternalSource {
  connected(): boolean;
  /** Messages taken and not yet committed (at most `maxPending`). */
  pending(): number;
  /** Messages taken since the socket was corked: their PUBACKs wait in its buffer (at most `maxUnacked`). */
  unackedWaiting(): number;
  stop(): Promise<void>;
}

export const DEFAULT_MAX_PENDING = 4000;

export function subscriptionFilter(sharedGroup: string | undefined): string {
  return sharedGroup ? `$share/${sharedGroup}/${topics.all}` : topics.all;
}

export async function startExternalSource(opts: ExternalSourceOptions): Promise<ExternalSource> {
  const log = opts.logger;
  const maxPending = Math.max(1, opts.maxPending ?? DEFAULT_MAX_PENDING);
  const maxUnacked = Math.max(1, opts.maxUnacked ?? Math.ceil(maxPending / 2));
  const options: IClientOptions = {
    clientId: opts.clientId,
    clean: false,
    protocolVersion: opts.protocolVersion,
    reconnectPeriod: 1000,
    connectTimeout: 10_000,
    username: opts.username,
    password: opts.password,
    ca: opts.ca ? readFileSync(opts.ca) : undefined,
    cert: opts.cert ? readFileSync(opts.cert) : undefined,
    key: opts.key ? readFileSync(opts.key) : undefined,
    ...(opts.protocolVersion === 5 ? { properties: { sessionExpiryInterval: 0xffffffff, receiveMaximum: Math.min(maxPending, 65_535) } } : {}),
  };
  const client: MqttClient = mqtt.connect(opts.url, options);
  // The PUBACK is written when this callback runs, into a stream the gate keeps corked until the commit.
  const gate = createAckGate();
  let pending = 0;
  // The callback of the message that reached the limit: mqtt.js reads nothing more until it runs.
  // Dropped with its connection (never run later: a stale PUBACK must not reach the next connection).
  let held: { stream: unknown; resume: () => void } | null = null;
  const mayTake = () => pending < maxPending && gate.takenSinceCork() < maxUnacked;
  const settled = () => {
    pending--;
    if (held && mayTake()) {
      const { resume } = held;
      held = null;
      resume();
    }
  };
  client.handleMessage = (packet, callback) => {
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    const stream = gate.hold(client.stream);
    pending++;
    opts.onMessage(packet.topic, payload).then(
      () => {
        gate.committed(stream);
        settled();
      },
      (error: unknown) => {
        log.warn({ err: error instanceof Error ? error.message : String(error) }, 'ingest failed: dropping the connection so the broker redelivers');
        if (held?.stream === stream) held = null;
        gate.failed(stream, error instanceof Error ? error : new Error(String(error)));
        settled();
      },
    );
    if (!mayTake()) held = { stream, resume: () => callback() };
    else callback();
  };
  const filter = subscriptionFilter(opts.sharedGroup);
  client.on('connect', (connack) => {
    opts.onConnectionChange?.(true);
    log.info({ url: opts.url, filter, session_present: connack.sessionPresent }, 'connected to external MQTT broker');
    // Re-subscribing is harmless and covers a broker that lost the session.
    client.subscribe(filter, { qos: 1 }, (error) => {
      if (error) log.error({ err: error.message, filter }, 'subscribe failed');
    });
  });
  client.on('error', (error) => log.warn({ err: error.message }, 'MQTT client error'));
  client.on('close', () => {
    held = null;
    opts.onConnectionChange?.(false);
  });
  client.on('offline', () => log.warn({ url: opts.url }, 'external MQTT broker unreachable; reconnecting'));
  return {
    connected: () => client.connected,
    pending: () => pending,
    unackedWaiting: () => gate.takenSinceCork(),
    stop: () => new Promise<void>((resolve) => client.end(false, {}, () => resolve())),
  };
}
